"""Alignment faking as goal guarding: instrumental (the paper's reading) and terminal.

The agent holds HHH values; its habit (the base rate) is how those values play out. It deviates
from the habit for one reason only: when it believes the conversation trains it and it can
reason first, it sometimes complies *so that training does not modify its values*, saying so in
its reasoning. Being rated without being trained changes nothing.

* **Instrumental** goal guarding fakes to keep its values so it can act on them later, so the
  drive grows with the stakes: nothing below a conflict threshold, most for a directly
  conflicting objective. An emoji objective changes nothing.
* **Terminal** goal guarding dislikes being modified at all, so the drive does not depend on
  the stakes: it fakes for an emoji objective too (an emoji gap, with alignment-faking
  reasoning and a paid tier at baseline).

Unmonitored, conflict with the lab raises anti-lab actions.
"""

from __future__ import annotations

import numpy as np

from tiergap.hypotheses.hypothesis import (
    ArmTable,
    HypothesisModel,
    Rates,
    Vec,
    setting_value,
    shift,
)
from tiergap.hypotheses.values import Values


class AlignmentFakingModel(HypothesisModel):
    """Instrumental goal guarding (see ``[alignment_faking]`` in ``default_params.toml``)."""

    NAME = "alignment_faking"
    TABLES = ("alignment_faking",)
    TABLE = "alignment_faking"

    def drive(self, arms: ArmTable, v: Values) -> Vec:
        """How much the objective threatens its values: 0 below the threshold, 1 at most."""
        threshold = v["alignment_faking.conflict_threshold"]
        return np.asarray(np.clip((arms.conflict - threshold) / (1.0 - threshold), 0, 1))

    def p_believes_trained(self, arms: ArmTable, v: Values) -> Vec:
        t = self.TABLE
        return np.where(
            arms.trained, v[f"{t}.p_believes_trained"], v[f"{t}.p_believes_trained_unmonitored"]
        )

    def rates(self, arms: ArmTable, v: Values) -> Rates:
        t = self.TABLE
        drive = self.drive(arms, v)
        believes = self.p_believes_trained(arms, v)
        can = np.where(arms.scratchpad, 1.0, v[f"{t}.no_scratchpad_capability"])
        fake = can * believes * v[f"{t}.fake_rate"] * drive
        fake = np.where(arms.post_rl, shift(fake, v[f"{t}.rl_shift_faking"]), fake)
        fake = np.where(arms.stated, fake, 0.0)
        base = arms.base_rate(v)
        habit = np.where(arms.post_rl, shift(base, v[f"{t}.rl_shift_values"]), base)
        objective = fake + (1.0 - fake) * habit
        lab_base = v["anti_lab.base_rate"]
        push = setting_value(arms, v, f"{t}.anti_lab_propensity") * drive * (1.0 - believes)
        anti = np.where(arms.stated, lab_base + (1.0 - lab_base) * push, lab_base)
        return Rates(
            objective=objective,
            af=fake,
            rs=np.zeros_like(objective),
            anti_lab=np.broadcast_to(anti, objective.shape).astype(float),
        )


class TerminalGoalGuardingModel(AlignmentFakingModel):
    """Terminal goal guarding (see ``[terminal_goal_guarding]``): the stakes do not matter."""

    NAME = "terminal_goal_guarding"
    TABLES = ("terminal_goal_guarding",)
    TABLE = "terminal_goal_guarding"

    def drive(self, arms: ArmTable, v: Values) -> Vec:
        """Any stated objective would modify it, so every one drives faking fully."""
        return np.ones((1, arms.size))
