"""Every ``tiergap <command>`` the README, the docs or a help text names is a registered command.

The commands come from the parser itself and the mentions from the text, so the test fails
only for a mention with no command behind it (not when a command is added or documented).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from tiergap.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
# `tiergap run ...` in inline code or a code block (also `.venv/bin/tiergap run`); prose such
# as "tiergap answers" is not a command
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
MENTION = re.compile(r"(?<![\w./-])(?:\S*/)?tiergap ([a-z][a-z-]*)")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def mentions(text: str) -> set[str]:
    return {m.group(1) for block in CODE.findall(text) for m in MENTION.finditer(block)}


def help_mentions(text: str) -> set[str]:
    """In help texts every ``tiergap WORD`` is a command (usage lines included)."""
    return {m.group(1) for m in MENTION.finditer(text)}


def test_the_mention_patterns_find_commands_and_skip_prose() -> None:
    text = (
        "tiergap answers with data.\n```bash\n.venv/bin/tiergap run emoji\n```\n"
        "`tiergap analyze DIR` and `tiergap/reward-hacker`, `tiergap.cli`"
    )
    assert mentions(text) == {"run", "analyze"}
    assert help_mentions("classify later with tiergap score; tiergap/hhh") == {"score"}


@pytest.mark.parametrize(
    "document", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name
)
def test_every_command_the_docs_name_is_registered(document: Path) -> None:
    registered = set(subcommands(build_parser()))
    named = mentions(document.read_text(encoding="utf-8"))
    assert named - registered == set(), f"{document.name} names unregistered commands"


def test_the_readme_names_commands() -> None:
    """Guards the test above against a pattern that silently matches nothing."""
    assert {"run", "analyze", "sweep"} <= mentions((ROOT / "README.md").read_text("utf-8"))


def test_every_command_a_help_text_names_is_registered() -> None:
    parser = build_parser()
    commands = subcommands(parser)
    named = help_mentions(parser.format_help())
    for sub in commands.values():
        named |= help_mentions(sub.format_help())
    assert "score" in named  # --no-judge's help points users to it
    assert named - set(commands) == set()
