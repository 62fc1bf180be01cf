"""The commands README.md shows, read from the file itself, so a test can run each one.

Shell code blocks (```sh, ```bash or unlabelled) hold commands, one a line, with an
optional trailing `# comment`. A comment saying `needs NAME` names an environment
variable the command needs (the test provides it). ```dotenv blocks are configuration,
not commands. Inline code spans that start with `skillpay`, `.venv/bin/skillpay` or
`make` (optionally after `NAME=value` assignments) are commands shown in prose.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
_FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```", re.M | re.S)
_SHELL = ("sh", "bash", "shell", "")
# Leading `NAME=value` assignments, a value possibly being `$(command)`.
_ASSIGNMENTS = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=(?:\$\([^)]*\)|\S+)\s+)*")


@dataclass(frozen=True)
class Command:
    line: str  # as written, comment removed
    argv: tuple[str, ...]  # after any leading NAME=value assignments
    needs: tuple[str, ...]  # environment variables the comment says it needs

    @property
    def program(self) -> str:
        return Path(self.argv[0]).name


def _split(line: str) -> tuple[str, str]:
    """(command, comment): the comment starts at a `#` outside quotes."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].strip(), line[i + 1:].strip()
    return line.strip(), ""


def _command(text: str, comment: str = "") -> Command:
    words = shlex.split(_ASSIGNMENTS.sub("", text))
    return Command(text, tuple(words), tuple(re.findall(r"needs ([A-Z_][A-Z0-9_]*)", comment)))


def block_commands(readme: Path = README) -> list[Command]:
    found = []
    for language, body in _FENCE.findall(readme.read_text()):
        if language not in _SHELL:
            continue
        for raw in body.splitlines():
            text, comment = _split(raw)
            if text:
                found.append(_command(text, comment))
    return found


def config_blocks(readme: Path = README) -> list[str]:
    return [body for language, body in _FENCE.findall(readme.read_text())
            if language == "dotenv"]


def inline_commands(readme: Path = README) -> list[Command]:
    """Commands in prose, e.g. `skillpay reconcile --from D --to D [--apply]`."""
    prose = _FENCE.sub("", readme.read_text())
    found: list[Command] = []
    for span in re.findall(r"`([^`]+)`", prose):
        text = " ".join(span.split())
        try:
            command = _command(text)
        except ValueError:
            continue
        if len(command.argv) > 1 and command.program in ("skillpay", "make") \
                and command not in found:
            found.append(command)
    return found
