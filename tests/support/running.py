"""A long-running command under test: started, watched until a condition holds, stopped.

Its output is read on a thread as it comes, so a test waits on what the command says or
serves (never on a fixed sleep), and sees everything it printed when an assertion fails.
"""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType


class Running:
    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self._argv, self._cwd, self._env = argv, cwd, env
        self._lines: list[str] = []

    def __enter__(self) -> Running:
        self.process = subprocess.Popen(self._argv, cwd=self._cwd, env=self._env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> bool:
        """True once `condition` holds; False when the process ended or time ran out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.process.poll() is not None:
                return condition()
            time.sleep(0.1)
        return False

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def answers(url: str) -> Callable[[], bool]:
    """A condition: `url` answers 200."""
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False
    return check
