"""A deploy that AWS rejects (an AMI id that does not exist) fails clearly, fast, and leaves nothing behind but the
rolled-back stack itself, which `cdk destroy` removes (as on AWS)."""

import time

import pytest

from tests.conftest import synth
from tests.e2e.conftest import assembly, audit, leftovers

pytestmark = pytest.mark.e2e
MISSING_AMI = {"machine_image": "ami-0000000000000dead"}


@pytest.fixture(scope="module")
def failed(cli, emu, tmp_synth_root):
    app = assembly(synth(MISSING_AMI, tmp_synth_root))
    started = time.monotonic()
    result = cli.deploy(app=app, check=False)
    seconds = time.monotonic() - started
    ec2 = emu.client("ec2")
    left = {
        "instances": [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                      if i["State"]["Name"] != "terminated"],
        "addresses": ec2.describe_addresses()["Addresses"],
        "before_destroy": [f for f in leftovers(emu) if not f.intended],
        "seconds": seconds,
    }
    cli.destroy(app=app, check=False)  # a ROLLBACK_COMPLETE stack is removed as on AWS
    left["audit"] = audit(emu)
    return result, left


def test_cli_exits_non_zero_with_the_reason(failed):
    result, _ = failed
    assert result.returncode != 0
    assert "ami-0000000000000dead" in result.stdout + result.stderr


def test_nothing_is_left_running(failed):
    _, left = failed
    assert left["instances"] == []
    assert left["addresses"] == []


def test_cli_answers_without_waiting_on_cloudtrail(failed):
    # The CLI looks up CloudTrail after a failure; an unanswered LookupEvents cost ~30 s of retries.
    _, left = failed
    assert left["seconds"] < 20


def test_only_the_rolled_back_stack_is_left_until_destroy(failed):
    _, left = failed
    assert [(f.kind, f.resource_id, f.detail) for f in left["before_destroy"]] == [
        ("stack", "WebServerStack", "ROLLBACK_COMPLETE")]


def test_audit_finds_nothing_billable(failed):
    _, left = failed
    assert left["audit"].returncode == 0, left["audit"].stdout
