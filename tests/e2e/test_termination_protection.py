"""termination_protection=true: `cdk destroy` fails at once and deletes nothing; turning it off with a
deploy, as the README says, lets destroy remove everything."""

import pytest

from tests.conftest import DEFAULT, synth
from tests.e2e.conftest import assembly, audit

pytestmark = pytest.mark.e2e
PROTECTED = {"termination_protection": "true"}


@pytest.fixture(scope="module")
def attempt(cli, emu, tmp_synth_root):
    protected, unprotected = (assembly(synth(c, tmp_synth_root)) for c in (PROTECTED, DEFAULT))
    cli.deploy(app=protected)
    built = cli.describe()
    (instance,) = built["instances"]
    protection = emu.client("ec2").describe_instance_attribute(InstanceId=instance["InstanceId"],
                                                                Attribute="disableApiTermination")
    refused = cli.destroy(app=protected, check=False)
    after_refusal = cli.describe()
    cli.deploy(app=unprotected)  # the README's way out: deploy with protection off, then destroy
    cli.destroy(app=unprotected)
    return {"built": built, "instance_protection": protection["DisableApiTermination"]["Value"],
            "refused": refused, "after_refusal": after_refusal, "audit": audit(emu)}


def test_instance_is_protected(attempt):
    assert attempt["instance_protection"] is True


def test_destroy_fails_clearly(attempt):
    result = attempt["refused"]
    assert result.returncode != 0
    assert "TerminationProtection" in result.stdout + result.stderr


def test_nothing_was_deleted_by_the_refused_destroy(attempt):
    before, after = attempt["built"], attempt["after_refusal"]
    assert after["status"] == before["status"]
    assert after["physical"] == before["physical"]


def test_turning_it_off_then_destroy_leaves_nothing(attempt):
    assert attempt["audit"].returncode == 0, attempt["audit"].stdout
