"""A deploy that AWS rejects (an AMI id that does not exist) fails clearly and leaves nothing behind."""

import pytest

from tests.conftest import synth
from tests.e2e.conftest import assembly, audit

pytestmark = pytest.mark.e2e
MISSING_AMI = {"machine_image": "ami-0000000000000dead"}


@pytest.fixture(scope="module")
def failed(cli, emu, tmp_synth_root):
    app = assembly(synth(MISSING_AMI, tmp_synth_root))
    result = cli.deploy(app=app, check=False)
    ec2 = emu.client("ec2")
    left = {
        "instances": [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
                      if i["State"]["Name"] != "terminated"],
        "addresses": ec2.describe_addresses()["Addresses"],
        "audit": audit(emu),
    }
    cli.destroy(app=app, check=False)  # a ROLLBACK_COMPLETE stack is removed as on AWS
    return result, left


def test_cli_exits_non_zero_with_the_reason(failed):
    result, _ = failed
    assert result.returncode != 0
    assert "ami-0000000000000dead" in result.stdout + result.stderr


def test_nothing_is_left_running(failed):
    _, left = failed
    assert left["instances"] == []
    assert left["addresses"] == []


def test_audit_finds_nothing_billable(failed):
    _, left = failed
    assert left["audit"].returncode == 0, left["audit"].stdout
