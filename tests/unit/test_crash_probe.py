import subprocess
import sys

import pytest

from adapters.system.crash import CRASH_EXIT_CODE, parse_crash_points
from application.probes import AFTER_INBOX_COMMIT, BEFORE_COMMIT

pytestmark = pytest.mark.unit


def test_crash_points_are_parsed_and_unknown_ones_refused():
    assert parse_crash_points("after_inbox_commit:3, before_commit") == {
        AFTER_INBOX_COMMIT: 3, BEFORE_COMMIT: 1}
    with pytest.raises(ValueError, match="unknown crash point"):
        parse_crash_points("somewhere:1")


def test_the_probe_kills_the_process_on_the_nth_visit_only():
    script = ("from adapters.system.crash import CrashingProbe\n"
              "p = CrashingProbe({'before_commit': 2})\n"
              "p.reached('before_commit'); print('survived the first', flush=True)\n"
              "p.reached('after_inbox_commit')\n"
              "p.reached('before_commit'); print('never printed', flush=True)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == CRASH_EXIT_CODE
    assert done.stdout == "survived the first\n"
