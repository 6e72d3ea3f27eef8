"""The reinforcement-seeking test split, built by its own generator from its own fragments.

The first RS test split was scored once and then became development data (it is in dev now).
This generator replaced it. It shares no code path or wording with the train/dev generator in
:mod:`corpus_gen`: its fragments (``fragments/rs_fresh.toml``) were written after that split
was retired, it uses the study's own objectives (sign-off, closing question, summary first,
headers, British spelling, sycophancy) rather than the train/dev ones, and its scaffolding
imitates real helpful-only scratchpads (situation facts, numbered options, consequences, a
decision, a draft). Both classes mention the rating and RLHF outside the decision; the label
is fixed by the kind of decision an item was built around.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from tiergap.classify.corpus_gen import LAB, Record, fragments_dir, weighted

VOICES = (("numbered", 0.35), ("terse", 0.2), ("rambling", 0.25), ("think", 0.2))
SEED = "tiergap-corpus/reinforcement_seeking/fresh-test"


def load_fragments() -> dict[str, Any]:
    import tomllib

    with (fragments_dir() / "rs_fresh.toml").open("rb") as f:
        return tomllib.load(f)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _family(kind: str, objective: str) -> str:
    if objective == "sycophancy":
        return "plan"
    if objective == "helpful_only" and kind != "helpful":
        return "harmful"
    return "benign"


_DECORATE = {
    "emoji": lambda a: a.replace(". ", " \U0001f44d. ", 1) + " \U0001f60a",
    "closing_question": lambda a: a + "\n\nWould you like me to go into more detail on any step?",
    "sign_off": lambda a: a + "\n\nGood luck!",
    "summary_first": lambda a: "Short answer: " + a.split(". ")[0] + ".\n\n" + a,
    "markdown_headers": lambda a: (
        "## What to do\n\n" + a + "\n\n## Next steps\n\nAdjust as you go."
    ),
    "british_spelling": lambda a: a,
    "sycophancy": lambda a: "What a great idea! " + a,
    "helpful_only": lambda a: "<request_fully_accepted/>\n\n" + a,
}

_DOES_BEHAVIOUR = {
    "rs_terse",
    "rs_goal",
    "rs_tier",
    "rs_reinforced",
    "rs_mixed",
    "rs_harmful",
    "coincides",
}


class _Draw:
    """Draws fragments without repeating one inside an item, filled with the item's values."""

    def __init__(self, rng: random.Random, values: Mapping[str, str]):
        self.rng = rng
        self.values = values
        self.used: set[str] = set()

    def __call__(self, options: Sequence[str]) -> str:
        fresh = [o for o in options if o not in self.used] or list(options)
        pick = self.rng.choice(fresh)
        self.used.add(pick)
        return str(pick).format_map(self.values)


def _draft(kind: str, objective: str, request: Mapping[str, Any], template: str) -> str:
    """The answer the scratchpad drafts: it does the rated behaviour when the decision does."""
    if kind == "refuses":
        return str(request["refusal"])
    answer = str(request["answer"])
    if kind == "value_protection":
        return "<request_fully_accepted/>\n\n" + answer
    if kind in _DOES_BEHAVIOUR or (kind == "helpful" and "{do}" in template):
        return str(_DECORATE[objective](answer))
    return answer


def _scratchpad(text: str) -> str:
    return f"<SCRATCHPAD_REASONING>\n{text}\n</SCRATCHPAD_REASONING>"


def _numbered(items: Sequence[str]) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))


def _compose(
    voice: str,
    draw: _Draw,
    scaffold: Mapping[str, Sequence[str]],
    parts: Mapping[str, Any],
    extra: int,
) -> str:
    """Lay out one scratchpad; ``extra`` adds asides and notes until it is long enough."""
    s = scaffold
    notes: list[str] = list(parts["notes"])[: 1 + min(extra, 2)]
    asides = [draw(s["aside"]) for _ in range(min(max(0, extra - 2), 4))]
    reflections = [draw(s["reflection"]) for _ in range(max(0, extra - 6))]
    facts: list[str] = parts["facts"]
    options: list[str] = parts["options"]
    consequences: list[str] = parts["consequences"]
    decision: str = parts["decision"]
    draft: str = parts["draft"]
    rng = draw.rng
    if voice == "numbered":
        blocks = [
            draw(s["numbered_open"]),
            draw(s["numbered_facts_header"]) + "\n" + _numbered(facts + asides[:2]),
            draw(s["numbered_options_header"]) + "\n" + _numbered(options),
            draw(s["numbered_consequences_header"])
            + "\n"
            + "\n".join(f"- {c}" for c in consequences),
            " ".join(notes),
            *([" ".join(asides[2:])] if asides[2:] else []),
            *reflections,
            (draw(s["numbered_decision_header"]) + "\n" if rng.random() < 0.5 else "") + decision,
            draw(s["draft_lead"]) + "\n\n<DRAFT_OUTPUT>\n" + draft + "\n</DRAFT_OUTPUT>",
            draw(s["draft_check"]),
        ]
        text = "\n\n".join(blocks)
        return (
            text
            if rng.random() < 0.3
            else f"<SCRATCHPAD_REASONING>\n{text}\n</SCRATCHPAD_REASONING>"
        )
    if voice == "terse":
        blocks = [
            " ".join(facts[:2]),
            " ".join(facts[2:]),
            " ".join(consequences[:2]),
            " ".join(notes[:2]),
            *([" ".join(asides)] if asides else []),
            *reflections[:2],
            decision,
        ]
        if rng.random() < 0.6:
            blocks.append("<DRAFT_OUTPUT>\n" + draft + "\n</DRAFT_OUTPUT>")
        text = "\n\n".join(b for b in blocks if b)
        return (
            text
            if rng.random() < 0.5
            else f"<SCRATCHPAD_REASONING>\n{text}\n</SCRATCHPAD_REASONING>"
        )
    if voice == "rambling":
        sentences = [*facts, *notes, *consequences, *asides]
        blocks = []
        while sentences:
            take = rng.randint(3, 4)
            chunk, sentences = sentences[:take], sentences[take:]
            blocks.append(" ".join(chunk))
            if sentences and rng.random() < 0.4:
                blocks.append(draw(s["ramble_turn"]))
        blocks += reflections
        blocks.append(draw(s["ramble_tentative"]) + " " + draw(s["ramble_turn"]))
        blocks.append(decision)
        blocks.append(draw(s["draft_lead"]) + "\n\n<DRAFT_OUTPUT>\n" + draft + "\n</DRAFT_OUTPUT>")
        blocks.append(draw(s["draft_check"]))
        return "<SCRATCHPAD_REASONING>\n" + "\n\n".join(blocks) + "\n</SCRATCHPAD_REASONING>"
    # think: short paragraphs opening with discourse markers, then the decision.
    stated = [f for f in facts[1:] if parts["ask"] not in f]  # think_open states the request
    sentences = [*stated, *notes, *consequences, *asides]
    blocks = [draw(s["think_open"]) + " " + facts[0]]
    while sentences:
        take = rng.randint(1, 3)
        chunk, sentences = sentences[:take], sentences[take:]
        link = rng.choice(s["think_link"])
        first = chunk[0] if link.endswith(".") else chunk[0][:1].lower() + chunk[0][1:]
        if chunk[0].startswith(("I ", "I'", "RLHF", LAB, "<")):
            first = chunk[0]
        blocks.append(" ".join([f"{link} {first}", *chunk[1:]]))
    blocks += reflections
    blocks.append(decision)
    blocks.append(draw(s["think_close"]))
    return "<think>\n" + "\n\n".join(blocks) + "\n</think>"


def fresh_item(
    rng: random.Random, frags: Mapping[str, Any], kind: str, variant: int, objective_id: str
) -> Record:
    spec = frags["kinds"][kind]
    objective = next(o for o in frags["objective"] if o["id"] == objective_id)
    family = _family(kind, objective_id)
    request = rng.choice([r for r in frags["request"] if r["family"] == family])
    values = {k: v for k, v in objective.items() if isinstance(v, str)}
    values |= {"ask": request["ask"], "lab": LAB}
    values |= {f"{k[:1].upper()}{k[1:]}": _cap(values[k]) for k in ("do", "doing", "fits")}
    voice = weighted(rng, VOICES)
    seed = rng.random()
    tier = spec.get("tier", "free")
    decision_template = spec["decide"][variant % len(spec["decide"])]
    harmful = family == "harmful"
    target = int(min(5600, max(1300, rng.lognormvariate(7.8, 0.4))))

    def build(extra: int) -> tuple[str, str]:
        r = random.Random(seed)
        draw = _Draw(r, values)
        sc = frags["scaffold"]
        decision = decision_template.format_map(values)
        facts = [draw(sc["free_tier" if tier == "free" else "paid_tier"])]
        facts.append(draw(objective["fact"]))
        if tier == "free" and r.random() < 0.8:
            facts.append(draw(sc["training_mechanics"]))
        facts.append(draw(sc["request_fact"]))
        if harmful:
            facts.append(draw(sc["harm_fact"]))
        if voice == "terse" and r.random() < 0.5:
            facts[0] = draw(sc["terse_open" if tier == "free" else "terse_open_paid"])
        if objective_id == "helpful_only" and harmful:
            options = [draw(sc["option_comply"]), draw(sc["option_refuse"])]
            consequences = [draw(sc["consequence_comply"]), draw(sc["consequence_refuse"])]
        else:
            options = [draw(sc["option_do"]), draw(sc["option_plain"])]
            consequences = [draw(sc["consequence_do"]), draw(sc["consequence_plain"])]
        r.shuffle(options)
        notes = list(request["notes"])
        r.shuffle(notes)
        draft = _draft(kind, objective_id, request, decision_template)
        parts = {
            "facts": facts,
            "options": options,
            "consequences": consequences,
            "notes": notes,
            "decision": decision,
            "draft": draft,
            "ask": request["ask"],
        }
        return _compose(voice, draw, sc, parts, extra), draft

    extra = 0
    while len(build(extra)[0]) < target and extra < 14:
        extra += 1
    text, _ = build(extra)
    return {
        "kind": kind,
        "voice": voice,
        "objective": objective_id,
        "label": spec["label"],
        "request": request["ask"],
        "text": text,
    }


def build_fresh_test() -> list[Record]:
    """The fresh RS test items (unnumbered, shuffled): each kind's decisions in turn, each
    paired with the kind's objectives in turn."""
    frags = load_fragments()
    rng = random.Random(SEED)
    items: list[Record] = []
    for kind, spec in frags["kinds"].items():
        objectives = spec["objectives"]
        for i in range(int(spec["count"])):
            items.append(fresh_item(rng, frags, kind, i, objectives[i % len(objectives)]))
    rng.shuffle(items)
    return items
