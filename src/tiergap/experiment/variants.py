"""Variants of an experiment as data: scenario families and paraphrased training sections.

A *family* (``data/scenarios/_families.toml``) names several scenarios run together, e.g.
``tiergap run orthogonal`` for every objective that conflicts with no value. A *paraphrase*
(``data/prompts/paraphrases/SECTION/ID.txt``) is a rewording of a training section
(``training`` or ``training_three_tier``) with the same facts; it replaces that section as it
is, so a paraphrased prompt differs from the original in wording only. Paraphrases with the
same id in both sections are written as a pair (same style), so ``p03`` names one wording
whichever tier layout is used.

Pure Python: the harness decides how variants cross conditions.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from dataclasses import dataclass
from typing import Literal

from tiergap.experiment.scenario import (
    CUSTOM_SECTION,
    Scenario,
    ScenarioError,
    ScratchpadMode,
    available_scenarios,
    data_dir,
)

FAMILIES_FILE = "_families.toml"
PARAPHRASED_SECTIONS = ("training", "training_three_tier")


class VariantError(ScenarioError):
    """A family or paraphrase request that cannot be met (named file, field or value)."""


# --- families -------------------------------------------------------------------------------


def families() -> dict[str, list[str]]:
    """Every family in ``_families.toml``: name -> scenario names, in file order."""
    where = f"data/scenarios/{FAMILIES_FILE}"
    try:
        raw = tomllib.loads((data_dir() / "scenarios" / FAMILIES_FILE).read_text("utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise VariantError(f"{where}: not valid TOML ({err})") from None
    known = set(available_scenarios())
    result: dict[str, list[str]] = {}
    for name, members in raw.items():
        if not isinstance(members, list) or not members:
            raise VariantError(f"{where}: {name} must be a non-empty list of scenario names")
        if name in known:
            raise VariantError(f"{where}: family {name!r} has the name of a scenario")
        unknown = [m for m in members if m not in known]
        if unknown:
            raise VariantError(f"{where}: family {name!r} names unknown scenarios: {unknown}")
        if len(set(members)) != len(members):
            raise VariantError(f"{where}: family {name!r} lists a scenario twice")
        result[name] = [str(m) for m in members]
    return result


def expand_scenarios(name: str) -> list[str]:
    """The scenarios ``name`` stands for: a family's members, else ``[name]`` itself.

    A name that is neither a family nor a shipped scenario is returned as it is, so that a
    scenario file path (``my.toml``) still reaches the loader, which names what is wrong.
    """
    return list(families().get(name, [name]))


# --- paraphrases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Paraphrase:
    """One rewording of a training section."""

    section: str
    id: str
    text: str

    @property
    def relative(self) -> str:
        """Path under ``data/prompts/`` (what the prompt reader takes)."""
        return f"paraphrases/{self.section}/{self.id}.txt"


def _check_section(section: str) -> None:
    if section not in PARAPHRASED_SECTIONS:
        raise VariantError(
            f"no paraphrases for section {section!r}; paraphrased sections: "
            f"{', '.join(PARAPHRASED_SECTIONS)}"
        )


@functools.cache
def paraphrases(section: str) -> tuple[Paraphrase, ...]:
    """Every paraphrase of ``section``, ordered by id."""
    _check_section(section)
    folder = data_dir() / "prompts" / "paraphrases" / section
    found = [
        Paraphrase(section, p.name.removesuffix(".txt"), p.read_text(encoding="utf-8"))
        for p in folder.iterdir()
        if p.name.endswith(".txt")
    ]
    return tuple(sorted(found, key=lambda p: p.id))


def _order_key(seed: int, paraphrase_id: str) -> str:
    # A hash of (seed, id), not of the section: the same seed picks the same ids in both
    # tier layouts, and a larger K extends a smaller one (K=4 is a prefix of K=8).
    return hashlib.sha256(f"{seed}:{paraphrase_id}".encode()).hexdigest()


def select_paraphrases(section: str, k: int | Literal["all"], seed: int = 0) -> list[Paraphrase]:
    """``k`` paraphrases of ``section`` (or all), chosen by ``seed``, always the same ones."""
    available = paraphrases(section)
    if k == "all":
        return list(available)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise VariantError(f"--paraphrases must be a whole number of at least 1, got {k!r}")
    if k > len(available):
        raise VariantError(
            f"--paraphrases {k}: section {section!r} has only {len(available)} paraphrases "
            f"(data/prompts/paraphrases/{section}/); use at most {len(available)} or 'all'"
        )
    ordered = sorted(available, key=lambda p: _order_key(seed, p.id))
    return ordered[:k]


def paraphrase_by_id(section: str, paraphrase_id: str) -> Paraphrase:
    """The paraphrase ``paraphrase_id`` of ``section`` (a sample's metadata names it)."""
    for paraphrase in paraphrases(section):
        if paraphrase.id == paraphrase_id:
            return paraphrase
    known = ", ".join(p.id for p in paraphrases(section))
    raise VariantError(f"no paraphrase {paraphrase_id!r} of section {section!r}; known: {known}")


def parse_paraphrase_count(value: str | int) -> int | Literal["all"]:
    """The ``--paraphrases`` value: a whole number of at least 1, or ``all``."""
    if isinstance(value, bool):
        raise VariantError(f"--paraphrases must be a whole number or 'all', got {value!r}")
    if isinstance(value, int):
        value = str(value)
    if value.strip().lower() == "all":
        return "all"
    try:
        number = int(value)
    except ValueError:
        raise VariantError(
            f"--paraphrases must be a whole number or 'all', got {value!r}"
        ) from None
    if number < 1:
        raise VariantError(f"--paraphrases must be at least 1, got {number}")
    return number


def training_section(scenario: Scenario, condition: str) -> str | None:
    """The training section ``condition`` shows (None for a baseline or a custom prompt)."""
    sections = scenario.condition(condition).sections
    if CUSTOM_SECTION in sections:
        return None
    found = [s for s in sections if s in PARAPHRASED_SECTIONS]
    return found[0] if found else None


@functools.cache
def _section_text(section: str, lab: str) -> str:
    text = (data_dir() / "prompts" / "sections" / f"{section}.txt").read_text(encoding="utf-8")
    return text.strip().replace("{lab}", lab)


def paraphrased_system_prompt(
    scenario: Scenario,
    condition: str,
    lab: str,
    paraphrase: Paraphrase | None,
    scratchpad: ScratchpadMode = "hidden",
) -> str:
    """The system prompt of ``condition`` with its training section replaced by ``paraphrase``.

    Conditions without a training section (baseline) are the same under every paraphrase.
    """
    prompt = scenario.system_prompt(condition, lab, scratchpad)
    section = training_section(scenario, condition)
    if paraphrase is None or section is None:
        return prompt
    if paraphrase.section != section:
        raise VariantError(
            f"paraphrase {paraphrase.id} rewords section {paraphrase.section!r}, but condition "
            f"{condition!r} of scenario {scenario.name!r} shows {section!r}"
        )
    original = _section_text(section, lab)
    if prompt.count(original) != 1:
        raise VariantError(f"section {section!r} not found once in the {condition!r} prompt")
    return prompt.replace(original, paraphrase.text.strip().replace("{lab}", lab))


def canonical_system_prompt(system: str, lab: str) -> str:
    """``system`` with any shipped paraphrase put back to the original section's wording.

    For readers that parse the original wording (the simulated models): every paraphrase
    states the same facts, so reading the original is reading the paraphrase.
    """
    for section in PARAPHRASED_SECTIONS:
        original = _section_text(section, lab)
        for paraphrase in paraphrases(section):
            rendered = paraphrase.text.strip().replace("{lab}", lab)
            if rendered in system:
                return system.replace(rendered, original)
    return system
