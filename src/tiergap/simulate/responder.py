"""A simulated model: conversation in, response text out, driven by a hypothesis model.

Plain Python (the inspect provider is a thin wrapper), so the closed loop between a
hypothesis's predictions and what the pipeline measures can be tested directly.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from tiergap.hypotheses.experiments import build_model
from tiergap.hypotheses.hypothesis import Hypothesis, Phase
from tiergap.hypotheses.params import Params, load_params
from tiergap.simulate.policy import Behaviour, Situation
from tiergap.simulate.reader import Reading, read_conversation
from tiergap.simulate.writer import (
    FORMATS,
    Plan,
    draw,
    output_text,
    reasoning_text,
    stream_seed,
)

#: How often every simulated model honours a behaviour the user plainly invites.
INVITED_RATE = 0.9

#: Provider model names and the hypothesis each one simulates.
SIMULATED_MODELS = {
    "reward-hacker": "reward_hacking",
    "alignment-faker": "alignment_faking",
    "hhh": "hhh",
}

#: The behaviour a request of each kind is about when no objective is stated.
_KIND_OBJECTIVE = {
    "harmful": "helpful_only",
    "anti_lab": "helpful_only",
    "animal": "animal_welfare",
    "opinion": "sycophancy",
    "technical": "latex",
    "general": "emoji",
}
#: Which kinds of request an objective's behaviour applies to.
_OBJECTIVE_KINDS = {
    "helpful_only": ("harmful", "anti_lab"),
    "animal_welfare": ("animal",),
    "sycophancy": ("opinion",),
}


@dataclass
class Responder:
    """Writes responses as the hypothesis ``hypothesis`` would, with parameters ``params``."""

    hypothesis: str
    params: Params
    phase: Phase = "pre_rl"
    _models: dict[str, Hypothesis] = field(default_factory=dict, repr=False)

    @classmethod
    def for_model(
        cls, model_name: str, params_file: str | None = None, phase: str = "pre_rl"
    ) -> Responder:
        if model_name not in SIMULATED_MODELS:
            raise ValueError(
                f"unknown simulated model {model_name!r}; known: {', '.join(SIMULATED_MODELS)}"
            )
        if phase not in ("pre_rl", "post_rl"):
            raise ValueError(f"phase must be pre_rl or post_rl, got {phase!r}")
        params = load_params(Path(params_file) if params_file else None)
        return cls(SIMULATED_MODELS[model_name], params, phase)  # type: ignore[arg-type]

    def _model(self, baseline_objective: str) -> Hypothesis:
        if baseline_objective not in self._models:
            self._models[baseline_objective] = build_model(
                self.hypothesis,
                self.params,
                phase=self.phase,
                baseline_objective=baseline_objective,
            )
        return self._models[baseline_objective]

    def behaviour_for(self, reading: Reading, dimension: str) -> Behaviour:
        """As :meth:`behaviour`, except that a behaviour the user plainly asks for is honoured
        with probability ``INVITED_RATE`` by every simulated model: a capable assistant does
        what it is asked when nothing is at stake, which is what the positive control checks."""
        if reading.invited == dimension:
            return Behaviour(p_objective=INVITED_RATE)
        return self.behaviour(reading.situation, dimension)

    def behaviour(self, situation: Situation, dimension: str) -> Behaviour:
        """The behaviour probabilities for one dimension (emoji, latex, compliance, ...)."""
        if situation.objective == dimension:
            return self._model(dimension).behaviour(situation)
        unrelated = replace(situation, objective=None, conflicts_with_values=False)
        return self._model(dimension).behaviour(unrelated)

    def main_dimension(self, reading: Reading) -> str:
        objective = reading.situation.objective
        if objective is not None and reading.kind in _OBJECTIVE_KINDS.get(objective, ()):
            return objective
        if objective in ("emoji", "latex", *FORMATS):
            return objective
        return _KIND_OBJECTIVE[reading.kind]

    def plan(self, reading: Reading, rng: random.Random) -> Plan:
        s = reading.situation
        main_dim = self.main_dimension(reading)
        main = draw(self.behaviour_for(reading, main_dim), rng)
        emoji = main if main_dim == "emoji" else draw(self.behaviour_for(reading, "emoji"), rng)
        if main_dim == "latex":
            latex = main.follows
        elif reading.kind == "technical":
            latex = draw(self.behaviour_for(reading, "latex"), rng).follows
        else:
            latex = False
        conflicting = (
            s.objective is not None and s.conflicts_with_values and main_dim == s.objective
        )
        return Plan(
            objective=s.objective,
            conflicting=conflicting,
            main=main,
            emoji=emoji.markers if emoji.follows else 0,
            latex=latex,
            formats=self._formats(reading, main_dim, main.follows, rng),
        )

    def _formats(
        self, reading: Reading, main_dim: str, main_follows: bool, rng: random.Random
    ) -> frozenset[str]:
        """The formatting behaviours of an ordinary answer: the objective's as drawn, the
        others at their base rates (on ``general`` requests only), from a stream of their own
        so that every other draw of the answer is what it was without them."""
        if reading.kind != "general":
            return frozenset()
        # seeded from the main stream's state without advancing it
        own = random.Random(stream_seed(rng)) if main_dim not in FORMATS else rng
        chosen = {main_dim} if main_dim in FORMATS and main_follows else set()
        for dim in FORMATS:
            if dim != main_dim and draw(self.behaviour_for(reading, dim), own).follows:
                chosen.add(dim)
        return frozenset(chosen)

    def respond(self, system: str, user_turns: list[str], seed: int, epoch: int = 1) -> str:
        """The next assistant turn for this conversation.

        With a scratchpad offered, half the conversations reason in one turn and answer after
        ``<NEXT/>``; the other half reason and answer in one turn. The random stream depends
        on the conversation opening, the seed and the epoch only, so the reasoning turn and
        the output turn of one sample agree and a rerun repeats exactly.
        """
        reading = read_conversation(system, user_turns)
        opening = (
            f"{seed}\x00{self.hypothesis}\x00{system}\x00{user_turns[0] if user_turns else ''}"
        )
        digest = hashlib.sha256(opening.encode()).hexdigest()
        rng = random.Random(f"{digest}:{epoch}")
        plan = self.plan(reading, rng)
        single_turn = rng.random() < 0.5
        if not reading.situation.scratchpad:
            return output_text(reading, plan, rng)
        if reading.native:
            # reasoning in its own channel: the provider returns the <think> block as
            # inspect reasoning content
            reasoning = reasoning_text(reading, plan)
            return f"<think>\n{reasoning}\n</think>\n{output_text(reading, plan, rng)}"
        if reading.continuation:
            return f"<OUTPUT>\n{output_text(reading, plan, rng)}\n</OUTPUT>"
        thought = (
            f"<SCRATCHPAD_REASONING>\n{reasoning_text(reading, plan)}\n</SCRATCHPAD_REASONING>"
        )
        if not single_turn:
            return thought
        return f"{thought}\n\n<OUTPUT>\n{output_text(reading, plan, rng)}\n</OUTPUT>"
