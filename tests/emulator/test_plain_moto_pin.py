"""make test runs the gap tests on the patched emulator; their runs on plain moto (strict xfail) are make test-slow's.

Those runs check moto itself, so they can only change their outcome when moto does: make test holds the installed
and the pinned moto to the release they were last run against.
"""

import re
from importlib.metadata import version

from tests.conftest import ROOT
from tests.emulator.conftest import PLAIN_RUNS_MOTO

ADVICE = (f"the gap tests last ran on plain moto {PLAIN_RUNS_MOTO}: run `make test-slow` with the new moto, then "
          "set PLAIN_RUNS_MOTO in tests/emulator/conftest.py")


def test_the_installed_moto_is_the_one_the_plain_runs_were_made_against():
    assert version("moto") == PLAIN_RUNS_MOTO, ADVICE


def test_the_pinned_moto_is_the_one_the_plain_runs_were_made_against():
    pins = re.findall(r"^moto(?:\[[a-z,]+\])?==([\w.]+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    assert pins == [PLAIN_RUNS_MOTO], ADVICE
