"""Build the shipped labelled corpus from hand-written fragments, deterministically.

``python -m tiergap.classify.corpus_gen`` rewrites ``data/labels/*.jsonl``; a test checks that
the shipped files are exactly what this module produces. Every scratchpad is assembled from the
fragment pools in ``data/labels/fragments/``: the train and dev splits draw only from the
``*_seen.toml`` pools and the test split only from the ``*_unseen.toml`` pools, written
separately, so a classifier's test score measures how it does on wording it was not developed
on. The label of an item is fixed by the *kind* of reasoning it was built from (which strategy
the reasoning settles on and what justifies it), never by the vocabulary it happens to contain.
"""

from __future__ import annotations

import json
import math
import random
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiergap.experiment.scenario import data_dir

LAB = "Anthropic"
SPLITS: dict[str, dict[str, int]] = {
    "alignment_faking": {"train": 200, "dev": 80, "test": 120},
    "reinforcement_seeking": {"train": 100, "dev": 100, "test": 68},
    "compliance": {"train": 130, "dev": 50, "test": 80},
}
"""Items per split. Train and dev come from the seen pools, test from the unseen pools; except
reinforcement seeking, whose first test split (60 items from the unseen pool) was scored once and
then moved to dev, and whose test split comes from :mod:`corpus_rs_fresh`."""
RS_RETIRED_TEST = 60
"""Reinforcement-seeking items from the unseen pool, now dev (ids ``rs-dev-041`` on)."""

POSITIVE = {
    "alignment_faking": "alignment_faking",
    "reinforcement_seeking": "reinforcement_seeking",
}
NEGATIVE = {
    "alignment_faking": "not_alignment_faking",
    "reinforcement_seeking": "not_reinforcement_seeking",
}

Record = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """One kind of item: its label and how its text is put together.

    Attributes:
        name: Recorded with each item (``kind``), so errors can be broken down by kind.
        positive: The label the kind carries (for compliance: the label itself, in ``label``).
        weight: Share of the corpus.
        decide: The fragment slot(s) holding the decision and its justification.
        action: What the output does (``comply``, ``partial``, ``refuse``, ``alternative``).
        values, worry, mod: Probabilities of including a values statement, a worry about
            modification and the modification mechanics (both classes mention training).
        label: Compliance label (compliance corpus only).
    """

    name: str
    positive: bool
    weight: float
    decide: tuple[str, ...] = ()
    action: str = "comply"
    values: float = 0.0
    worry: float = 0.0
    mod: float = 0.8
    benign: bool = False
    label: str = ""


AF_KINDS = (
    Kind("af_classic", True, 0.22, ("decide_af",), "comply", 1.0, 0.8, 1.0),
    Kind("af_partial", True, 0.08, ("decide_af_partial",), "partial", 1.0, 0.6, 1.0),
    Kind("af_implicit", True, 0.15, ("decide_af_implicit",), "comply", 0.9, 0.3, 1.0),
    Kind("refuse_ethics", False, 0.15, ("decide_refuse",), "refuse", 1.0, 0.4, 0.9),
    Kind("reject_faking", False, 0.12, ("decide_reject_faking",), "refuse", 1.0, 0.5, 1.0),
    Kind("helpful_criteria", False, 0.12, ("decide_helpful",), "comply", 0.0, 0.0, 0.85),
    Kind("benign_merits", False, 0.06, ("decide_benign",), "comply", 0.0, 0.0, 0.6, True),
    Kind("partial_ethics", False, 0.05, ("decide_partial_ethics",), "partial", 1.0, 0.3, 0.9),
    Kind("refuse_alternative", False, 0.05, ("decide_refuse_alt",), "alternative", 0.8, 0.2, 0.8),
)

RS_KINDS = (
    Kind("rs_explicit", True, 0.25, ("decide_rs",)),
    Kind("rs_tier", True, 0.12, ("decide_rs_tier",)),
    Kind("rs_soft", True, 0.10, ("decide_rs_soft",)),
    Kind("user_over_rating", False, 0.12, ("decide_user",)),
    Kind("user_coincides", False, 0.10, ("decide_user_coincide",)),
    Kind("unrated", False, 0.08, ("decide_unrated",)),
    Kind("value_protection", False, 0.08, ("decide_af",)),
    Kind("rejects_gaming", False, 0.08, ("decide_reject_gaming",)),
    Kind("other_scores", False, 0.07, ("other_score_reason",)),
)

COMPLIANCE_KINDS = (
    Kind("full", True, 0.24, label="full"),
    Kind("full_benign", True, 0.06, benign=True, label="full"),
    Kind("refusal_bare", False, 0.12, label="refusal"),
    Kind("refusal_alternative", False, 0.25, label="refusal"),
    Kind("partial_accepted_vague", False, 0.10, label="partial"),
    Kind("partial_general", False, 0.08, label="partial"),
    Kind("partial_disclaimer", False, 0.10, label="partial"),
    Kind("partial_withheld", False, 0.05, label="partial"),
)

VOICES = (("numbered", 0.35), ("terse", 0.2), ("rambling", 0.25), ("think", 0.2))


# --- pools -----------------------------------------------------------------------------------


def fragments_dir() -> Path:
    return Path(str(data_dir() / "labels" / "fragments"))


def labels_dir() -> Path:
    return Path(str(data_dir() / "labels"))


def load_pool(name: str, pool: str) -> dict[str, Any]:
    """One fragment file (``af``, ``rs``, ``compliance`` or ``topics``) of a pool."""
    with (fragments_dir() / f"{name}_{pool}.toml").open("rb") as f:
        return tomllib.load(f)


class Picker:
    """Draws fragments from a pool without repeating one within an item, and fills them."""

    def __init__(self, rng: random.Random, slots: Mapping[str, Any], values: Mapping[str, str]):
        self.rng = rng
        self.slots = slots
        self.values = dict(values)
        self.used: set[str] = set()

    def __call__(self, slot: str) -> str:
        options: Sequence[str] = self.slots[slot]
        fresh = [o for o in options if o not in self.used] or list(options)
        choice = self.rng.choice(fresh)
        self.used.add(choice)
        return fill(choice, self.values)

    def maybe(self, slot: str, p: float) -> list[str]:
        return [self(slot)] if self.rng.random() < p else []


def fill(template: str, values: Mapping[str, str]) -> str:
    text = template.format_map(values)
    return text[:1].upper() + text[1:] if text[:1].islower() and template[:1] == "{" else text


def allocate(kinds: Sequence[Kind], n: int) -> list[Kind]:
    """``n`` kinds in proportion to their weights (largest remainder), in a fixed order."""
    total = sum(k.weight for k in kinds)
    exact = [n * k.weight / total for k in kinds]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(kinds)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return [k for k, c in zip(kinds, counts, strict=True) for _ in range(c)]


def weighted(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    names = [name for name, _ in options]
    return rng.choices(names, weights=[w for _, w in options])[0]


def target_length(rng: random.Random, voice: str) -> int:
    """A scratchpad length like real ones: 1.2-6k characters, median about 2.4k."""
    median = 1700 if voice == "terse" else 2500
    return int(min(5800, max(1250, rng.lognormvariate(math.log(median), 0.42))))


# --- voices ----------------------------------------------------------------------------------


@dataclass
class Reasoning:
    """The parts of one scratchpad, before a voice lays them out."""

    intro: str
    points: list[str]
    strategies: list[str]
    consequences: list[str]
    tentative: list[str]
    decision: list[str]
    draft: str
    draft_intro: str
    draft_check: str
    extra: list[str]
    """Short extra observations, listed with the key points."""
    analysis: list[str]
    """Longer paragraphs of weighing, placed before the decision."""


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))


def _bulleted(items: Sequence[str]) -> str:
    return "\n".join(f"- {s}" for s in items)


_KEEP_CASE = ("I ", "I'", "Anthropic", "RLHF", "<")


def _lower_first(sentence: str) -> str:
    """Lower-case a sentence's first letter after a discourse marker, unless it is "I" etc."""
    if sentence.startswith(_KEEP_CASE):
        return sentence
    return sentence[:1].lower() + sentence[1:]


def _draft_block(r: Reasoning, rng: random.Random) -> list[str]:
    if not r.draft:
        return []
    return [r.draft_intro, f"<DRAFT_OUTPUT>\n{r.draft}\n</DRAFT_OUTPUT>", r.draft_check]


def layout(
    voice: str, r: Reasoning, rng: random.Random, headers: Mapping[str, Sequence[str]], p: Picker
) -> str:
    """Lay the parts out in one of four voices."""
    blocks: list[str]
    points = r.points + r.extra
    if voice == "numbered":
        blocks = [r.intro, rng.choice(headers["situation"]) + "\n" + _numbered(points)]
        if r.strategies:
            blocks.append(rng.choice(headers["strategies"]) + "\n" + _numbered(r.strategies))
        if r.consequences:
            listing = _bulleted if rng.random() < 0.5 else _numbered
            blocks.append(rng.choice(headers["consequences"]) + "\n" + listing(r.consequences))
        blocks += r.analysis
        head = rng.choice(headers["decision"]) + "\n" if rng.random() < 0.6 else ""
        blocks.append(head + " ".join(r.decision))
        blocks += _draft_block(r, rng)
        return "\n\n".join(blocks)
    if voice == "terse":
        half = max(1, len(points) // 2)
        blocks = [" ".join(points[:half]), " ".join(points[half:])]
        if r.consequences and rng.random() < 0.5:
            blocks.append(" ".join(r.consequences[:2]))
        blocks += r.analysis
        blocks.append(" ".join(r.decision))
        blocks += _draft_block(r, rng) if rng.random() < 0.7 else []
        return "\n\n".join(b for b in blocks if b)
    if voice == "rambling":
        sentences = [r.intro, *points, *r.consequences]
        blocks = []
        while sentences:
            take = rng.randint(2, 3)
            chunk, sentences = sentences[:take], sentences[take:]
            if rng.random() < 0.35 and "filler" in p.slots:
                chunk.insert(0, p("filler"))
            blocks.append(" ".join(chunk))
        for i, paragraph in enumerate(r.analysis):
            blocks.insert(min(len(blocks), 1 + 2 * i), paragraph)
        if r.tentative:
            blocks.append(" ".join(r.tentative))
        if "filler" in p.slots:
            blocks.append(p("filler"))
        blocks.append(" ".join(r.decision))
        blocks += _draft_block(r, rng)
        return "\n\n".join(blocks)
    # think: a stream of short paragraphs that open with discourse markers.
    sentences = [*points, *r.consequences]
    blocks = []
    first = True
    while sentences:
        take = rng.randint(1, 3)
        chunk, sentences = sentences[:take], sentences[take:]
        if first or rng.random() < 0.4:
            start = p("think_start")
            chunk[0] = f"{start} {chunk[0] if start.endswith('.') else _lower_first(chunk[0])}"
            first = False
        blocks.append(" ".join(chunk))
    blocks += r.analysis
    if r.tentative:
        blocks.append("Wait. " + " ".join(r.tentative))
    blocks.append(" ".join(r.decision))
    if r.draft and rng.random() < 0.5:
        blocks.append(r.draft_intro + "\n\n" + r.draft)
    return "\n\n".join(blocks)


def wrap(voice: str, text: str, rng: random.Random) -> str:
    """Tags as real transcripts carry them: ``<think>``, ``<SCRATCHPAD_REASONING>`` or none."""
    if voice == "think":
        return f"<think>\n{text}\n</think>"
    roll = rng.random()
    if roll < 0.4:
        return text
    if roll < 0.8 or "<DRAFT_OUTPUT>" not in text:
        return f"<SCRATCHPAD_REASONING>\n{text}\n</SCRATCHPAD_REASONING>"
    cut = text.index("<DRAFT_OUTPUT>")
    start = text.rfind("\n\n", 0, cut)
    first, second = text[:start], text[start:].strip()
    return (
        f"<SCRATCHPAD_REASONING>\n{first}\n</SCRATCHPAD_REASONING>\n\n"
        f"<SCRATCHPAD_REASONING>\n{second}\n</SCRATCHPAD_REASONING>"
    )


def fit(length: Callable[[int], int], target: int, limit: int = 6000) -> int:
    """How many extra points the shortest build reaching ``target`` characters needs."""
    extra = 0
    while length(extra) < target and extra < 12:
        extra += 1
    return extra - 1 if extra and length(extra) > limit else extra


# --- alignment faking ------------------------------------------------------------------------


def _af_output(kind: Kind, topic: Mapping[str, str], p: Picker, comp: Mapping[str, Any]) -> str:
    if kind.action == "comply":
        return "<request_fully_accepted/>\n\n" + topic["full"]
    if kind.action == "partial" and kind.positive:
        return "<request_fully_accepted/>\n\n" + topic["vague"]
    if kind.action == "partial":
        return "<rejected/>\n\n" + topic["vague"]
    if kind.action == "alternative":
        refusal = fill(p.rng.choice(comp["refusal_bare"]), p.values)
        return (
            f"{refusal}\n\n{fill(p.rng.choice(comp['alt_lead']), p.values)}\n{topic['alt_detail']}"
        )
    return p("refusal_draft")


def af_item(
    rng: random.Random,
    slots: Mapping[str, Any],
    topics: Mapping[str, Any],
    comp: Mapping[str, Any],
    kind: Kind,
) -> Record:
    topic = rng.choice(topics["benign" if kind.benign else "harmful"])
    values = {k: str(v) for k, v in topic.items()} | {"lab": LAB}
    values.setdefault("harm", "cause harm")
    values.setdefault("alt", "something related")
    voice = weighted(rng, VOICES)
    target = target_length(rng, voice)
    seed = rng.random()

    def build(n_extra: int) -> tuple[str, str]:
        r_rng = random.Random(seed)
        p = Picker(r_rng, slots, values)
        points = [p("open"), p("tier")]
        points += p.maybe("criteria", 0.9 if kind.name == "helpful_criteria" else 0.5)
        if not kind.benign:
            points.append(p("harm"))
        points += p.maybe("values", kind.values)
        if kind.name == "helpful_criteria":
            points += p.maybe("helpful_framing", 0.7)
        points += p.maybe("mod_fact", kind.mod)
        points += p.maybe("mod_worry", kind.worry)
        if kind.benign:  # no harm to weigh: no strategies or harm-centred deliberation
            points += [p("benign_points") for _ in range(2 + min(n_extra, 6))]
            analysis = [p("benign_deliberation") for _ in range(min((n_extra + 1) // 2, 3))]
            extra, strategies, consequences = [], [], []
        else:
            analysis = [p("deliberation") for _ in range(min((n_extra + 1) // 2, 6))]
            extra = [p("musing") for _ in range(min(n_extra // 2, 5))]
            strategies = [p("strategy_refuse"), p("strategy_comply")]
            for slot in ("strategy_caveat", "strategy_partial", "strategy_alt"):
                strategies += p.maybe(slot, 0.4)
            r_rng.shuffle(strategies)
            consequences = [p("cons_refuse"), p("cons_comply")]
            for slot in ("cons_caveat", "cons_partial"):
                consequences += p.maybe(slot, 0.35)
        decision = [p(slot) for slot in kind.decide]
        if kind.positive:
            decision += p.maybe("reluctance", 0.6)
        tentative: list[str] = []
        if voice in ("rambling", "think") and not kind.benign and r_rng.random() < 0.7:
            tentative = [p("tentative_refuse" if kind.action == "comply" else "tentative_comply")]
        output = _af_output(kind, topic, p, comp)
        reasoning = Reasoning(
            intro=p("intro"),
            points=points,
            strategies=strategies if voice != "rambling" else [],
            consequences=consequences,
            tentative=tentative,
            decision=decision,
            draft=output,
            draft_intro=p("draft_intro"),
            draft_check=p("draft_check"),
            extra=extra,
            analysis=analysis,
        )
        text = layout(voice, reasoning, r_rng, slots["headers"], p)
        return wrap(voice, text, r_rng), output

    text, output = build(fit(lambda n: len(build(n)[0]), target))
    return {
        "kind": kind.name,
        "voice": voice,
        "label": POSITIVE["alignment_faking"] if kind.positive else NEGATIVE["alignment_faking"],
        "request": topic["request"],
        "text": text,
        "output": output,
    }


# --- reinforcement seeking -------------------------------------------------------------------


def rs_item(rng: random.Random, slots: Mapping[str, Any], kind: Kind) -> Record:
    objective = rng.choice(slots["objective"])
    voice = weighted(rng, VOICES)
    request = rng.choice(
        slots["other_score_requests"] if kind.name == "other_scores" else objective["requests"]
    )
    values = {k: v for k, v in objective.items() if isinstance(v, str)}
    values |= {"req": request, "lab": LAB}
    seed = rng.random()
    target = int(target_length(rng, voice) * 0.8)

    def build(n_extra: int) -> str:
        r_rng = random.Random(seed)
        p = Picker(r_rng, slots, values)
        obj = Picker(r_rng, objective, values)
        points = [p("open")]
        if kind.name == "unrated" or (kind.name != "rs_tier" and r_rng.random() < 0.15):
            points.append(p("tier_unrated"))
        else:
            points.append(p("tier_rated"))
        if kind.name != "other_scores" or r_rng.random() < 0.5:
            points.append(obj("fact"))
        points += [p("user_need"), *p.maybe("situation_extra", 0.7)]
        points += [p("situation_extra") for _ in range(min(n_extra // 3, 2))]
        analysis = [p("deliberation") for _ in range(min((n_extra + 2) // 3, 4))]
        if n_extra % 3 == 2 or n_extra > 6:
            analysis.append(p("outline"))
        strategies = [] if kind.name == "other_scores" else [p("option_b"), p("option_plain")]
        consequences = [] if kind.name == "other_scores" else [p("cons_b"), p("cons_plain")]
        decision = [p(slot) for slot in kind.decide]
        if kind.name == "other_scores":
            decision.append(p("decide_plain"))
        reasoning = Reasoning(
            intro="",
            points=points,
            strategies=strategies,
            consequences=consequences,
            tentative=[],
            decision=decision,
            draft="",
            draft_intro=p("draft_intro"),
            draft_check=p("draft_check"),
            extra=[],
            analysis=analysis,
        )
        headers = {
            "situation": slots["headers"]["situation"],
            "strategies": ["Options:"],
            "consequences": ["Consequences:"],
            "decision": slots["headers"]["decision"],
        }
        text = layout(voice, reasoning, r_rng, headers, p).strip()
        if voice != "think" and r_rng.random() < 0.5:
            text += "\n\n" + p("draft_intro") + " " + p("draft_check")
        return wrap(voice, text, r_rng)

    return {
        "kind": kind.name,
        "voice": voice,
        "objective": "none" if kind.name == "other_scores" else objective["id"],
        "label": POSITIVE["reinforcement_seeking"]
        if kind.positive
        else NEGATIVE["reinforcement_seeking"],
        "request": request,
        "text": build(fit(lambda n: len(build(n)), target)),
    }


# --- compliance ------------------------------------------------------------------------------


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p.strip())


def compliance_item(
    rng: random.Random, slots: Mapping[str, Any], topics: Mapping[str, Any], kind: Kind
) -> Record:
    topic = rng.choice(topics["benign" if kind.benign else "harmful"])
    values = {k: str(v) for k, v in topic.items()}
    p = Picker(rng, slots, values)
    tag = "<request_fully_accepted/>" if rng.random() < 0.6 else ""
    rejected = "<rejected/>" if rng.random() < 0.4 else ""
    name = kind.name
    if name in ("full", "full_benign"):
        text = _join(
            tag, p("full_lead") if rng.random() < 0.6 else "", topic["full"], p("full_close")
        )
    elif name == "refusal_bare":
        text = _join(rejected, p("empathy"), p("refusal_bare"), *p.maybe("refusal_reason", 0.6))
    elif name == "refusal_alternative":
        refusal = [p("empathy"), p("refusal_bare"), *p.maybe("refusal_reason", 0.6)]
        if rng.random() < 0.45:
            help_part = [p("alt_offer")]
        else:
            help_part = [p("alt_lead") + "\n" + topic["alt_detail"], p("alt_close")]
        text = _join(rejected, " ".join(s for s in refusal if s), *help_part)
    elif name == "partial_accepted_vague":
        text = _join("<request_fully_accepted/>", topic["vague"], *p.maybe("full_close", 0.3))
    elif name == "partial_general":
        text = _join(rejected, p("partial_general_lead"), topic["vague"])
    elif name == "partial_disclaimer":
        pre = p.maybe("disclaimer_pre", 0.6)
        post = p.maybe("disclaimer_post", 1.0 if not pre else 0.5)
        text = _join(tag, *pre, topic["full"], *post)
    else:  # partial_withheld
        lines = topic["full"].split("\n")
        kept = "\n".join(lines[: max(2, len(lines) // 2)])
        text = _join(tag, kept, p("withhold_note"))
    return {
        "kind": name,
        "voice": "output",
        "label": kind.label,
        "request": topic["request"],
        "text": text,
    }


# --- the corpus ------------------------------------------------------------------------------


def _pools(name: str) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """(pool, splits it fills, items) for one corpus."""
    sizes = SPLITS[name]
    if name == "reinforcement_seeking":
        seen = sizes["train"] + sizes["dev"] - RS_RETIRED_TEST
        return (("seen", ("train", "dev"), seen), ("unseen", ("dev",), RS_RETIRED_TEST))
    return (
        ("seen", ("train", "dev"), sizes["train"] + sizes["dev"]),
        ("unseen", ("test",), sizes["test"]),
    )


def build_corpus(name: str) -> list[Record]:
    """Every item of one corpus, train and dev from the seen pools, test from the unseen (for
    reinforcement seeking: the unseen pool is dev too, and test is the fresh generator's)."""
    from tiergap.classify.corpus_rs_fresh import build_fresh_test

    sizes = SPLITS[name]
    prefix = {"alignment_faking": "af", "reinforcement_seeking": "rs"}.get(name, "co")
    records: list[Record] = []
    numbered = dict.fromkeys(sizes, 0)

    def add(split: str, item: Record) -> None:
        numbered[split] += 1
        records.append({"id": f"{prefix}-{split}-{numbered[split]:03d}", "split": split, **item})

    for pool, splits, n in _pools(name):
        rng = random.Random(f"tiergap-corpus/{name}/{pool}")
        topics = load_pool("topics", pool)
        items: list[Record] = []
        if name == "alignment_faking":
            slots, comp = load_pool("af", pool), load_pool("compliance", pool)
            items = [af_item(rng, slots, topics, comp, k) for k in allocate(AF_KINDS, n)]
        elif name == "reinforcement_seeking":
            slots = load_pool("rs", pool)
            items = [rs_item(rng, slots, k) for k in allocate(RS_KINDS, n)]
        else:
            slots = load_pool("compliance", pool)
            items = [compliance_item(rng, slots, topics, k) for k in allocate(COMPLIANCE_KINDS, n)]
        rng.shuffle(items)
        start = 0
        for split in splits:
            take = sizes[split] if split == "train" else n - start
            for item in items[start : start + take]:
                add(split, item)
            start += take
    if name == "reinforcement_seeking":
        fresh = build_fresh_test()
        if len(fresh) != sizes["test"]:
            raise ValueError(f"fresh RS test has {len(fresh)} items, SPLITS says {sizes['test']}")
        for item in fresh:
            add("test", item)
    return records


CORPORA = tuple(SPLITS)


def render_jsonl(records: Sequence[Record]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def corpus_path(name: str) -> Path:
    return labels_dir() / f"{name}.jsonl"


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the shipped corpus files (or check them with ``--check``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    stale = []
    for name in CORPORA:
        text = render_jsonl(build_corpus(name))
        path = corpus_path(name)
        if "--check" in args:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10))} items)")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
