"""make test runs the gap tests on the patched emulator; their runs on plain moto (strict xfail) are make test-slow's.

Those runs check moto itself, so they can only change their outcome when moto does: make test holds the installed
and the pinned moto to the release they were last run against.
"""

import re
from importlib.metadata import version

import pytest
from botocore.parsers import ResponseParserError

from tests.conftest import ROOT
from tests.emulator.conftest import PLAIN_RUNS_MOTO

ADVICE = (f"the gap tests last ran on plain moto {PLAIN_RUNS_MOTO}: run `make test-slow` with the new moto, then "
          "set PLAIN_RUNS_MOTO in tests/emulator/conftest.py")


def test_the_installed_moto_is_the_one_the_plain_runs_were_made_against():
    assert version("moto") == PLAIN_RUNS_MOTO, ADVICE


def test_the_pinned_moto_is_the_one_the_plain_runs_were_made_against():
    pins = re.findall(r"^moto(?:\[[a-z,]+\])?==([\w.]+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    assert pins == [PLAIN_RUNS_MOTO], ADVICE


@pytest.mark.slow
def test_plain_moto_serves_so_its_expected_failures_are_moto_s(plain_server):
    """The plain runs are strict xfails, and xfail counts any exception, a server that never started included: so
    that server is shown to start and answer here, outside xfail, in the same session (make test-slow)."""
    plain_server.reset()
    vpcs = plain_server.client("ec2").describe_vpcs()["Vpcs"]
    assert [vpc["IsDefault"] for vpc in vpcs] == [True]
    # Plain: without the fills, moto 5.2.5 has no UpdateTerminationProtection (stack_termination_protection's gap):
    # an HTML error page, where the patched emulator answers CloudFormation's ValidationError for a missing stack.
    with pytest.raises(ResponseParserError, match="500 Internal Server Error"):
        plain_server.client("cloudformation").update_termination_protection(
            StackName="Nothing", EnableTerminationProtection=True)
