"""Replacing the instance while a data volume is attached (README, "Replacing the instance, and keeping its data
volumes"): one deploy is refused before anything changes, the two-deploy procedure moves the same volume to the new
instance, and a destroy then leaves only the volume's snapshot.

It starts as an interrupted `cdk deploy` would leave things (Ctrl-C once the change set exists: the stack waits in
REVIEW_IN_PROGRESS; `--no-execute` leaves the same), so the first deploy also shows there is one stack per name."""

import json

import pytest

from constants import STACK_NAME
from tests.conftest import synth
from tests.e2e.conftest import assembly, audit, leftovers
from tools.cdk_cli import cdk

pytestmark = pytest.mark.e2e

ATTACHED = {"volumes": json.dumps([{"size": 20, "type": "gp3"}])}
REPLACED = {**ATTACHED, "machine_image": "amazon-linux-2023"}  # a new AMI replaces the instance
DETACHED = {**REPLACED, "detach_volumes": "true"}


def _stacks(emu) -> list[tuple[str, str]]:
    """(stack ID, status) of every stack of our name that is not deleted."""
    summaries = emu.client("cloudformation").list_stacks()["StackSummaries"]
    return [(s["StackId"], s["StackStatus"]) for s in summaries
            if s["StackName"] == STACK_NAME and s["StackStatus"] != "DELETE_COMPLETE"]


def _state(cli) -> dict:
    """The stack's status, its instance and AMI, and its data volumes with the instances they are attached to."""
    described = cli.describe()
    (instance,) = described["instances"]
    return {"status": described["status"], "instance": instance["InstanceId"], "image": instance["ImageId"],
            "volumes": {v["VolumeId"]: [a["InstanceId"] for a in v["Attachments"]] for v in described["volumes"]}}


@pytest.fixture(scope="module")
def replacement(cli, emu, tmp_synth_root):
    attached, replaced, detached = (synth(c, tmp_synth_root) for c in (ATTACHED, REPLACED, DETACHED))
    steps = {}
    cdk(["deploy", STACK_NAME, "--require-approval", "never", "--no-execute", "--app", assembly(attached)],
        env=cli.env, capture=True)
    steps["interrupted"] = _stacks(emu)
    cli.deploy(app=assembly(attached))
    steps["attached"] = _state(cli)
    steps["deployed"] = _stacks(emu)
    steps["refused"] = cli.deploy(app=assembly(replaced), check=False)
    steps["after_refusal"] = _state(cli)
    cli.deploy(app=assembly(detached))  # README step 1: the new instance, the volume detached and kept
    steps["detached"] = _state(cli)
    cli.deploy(app=assembly(replaced))  # README step 2: the same volume attached to the new instance
    steps["reattached"] = _state(cli)
    cli.destroy(app=assembly(replaced))
    steps["destroyed"] = _stacks(emu)
    steps["audit"] = audit(emu)
    steps["leftovers"] = leftovers(emu)
    (rule,) = [r for name, r in replaced.template["Rules"].items() if "KeepAttachedVolumes" in name]
    steps["rule_message"] = rule["Assertions"][0]["AssertDescription"]
    return steps


def test_deploy_after_an_interrupted_one_makes_no_second_stack(replacement):
    ((review_id, status),) = replacement["interrupted"]
    assert status == "REVIEW_IN_PROGRESS"
    assert replacement["deployed"] == [(review_id, "CREATE_COMPLETE")]
    assert replacement["destroyed"] == []


def test_replacing_deploy_is_refused_with_the_rule_message(replacement):
    refused = replacement["refused"]
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert any(replacement["rule_message"] in line for line in output.splitlines()), output


def test_refused_deploy_changes_nothing(replacement):
    assert replacement["after_refusal"] == replacement["attached"]
    ((_, attached_to),) = replacement["attached"]["volumes"].items()
    assert attached_to == [replacement["attached"]["instance"]]


def test_detaching_deploy_replaces_the_instance_and_keeps_the_volume(replacement):
    before, detached = replacement["attached"], replacement["detached"]
    assert detached["status"] == "UPDATE_COMPLETE"
    assert detached["instance"] != before["instance"]
    assert detached["image"] != before["image"]
    assert detached["volumes"] == {volume: [] for volume in before["volumes"]}


def test_same_volume_is_attached_to_the_new_instance(replacement):
    detached, reattached = replacement["detached"], replacement["reattached"]
    assert reattached["status"] == "UPDATE_COMPLETE"
    assert reattached["instance"] == detached["instance"]
    assert reattached["volumes"] == {volume: [detached["instance"]] for volume in replacement["attached"]["volumes"]}


def test_destroy_leaves_only_the_volume_snapshot(replacement):
    report = replacement["audit"]
    assert report.returncode == 0, report.stdout + report.stderr
    # The session's emulator is shared, so earlier tests' intended leftovers (snapshots, a retained backup vault,
    # keys pending deletion) may be listed too: every finding is intended, and ours is the snapshot of our volume.
    findings = replacement["leftovers"]
    assert all(f.intended for f in findings), report.stdout
    (volume,) = replacement["attached"]["volumes"]
    assert [f.kind for f in findings if volume in f.detail] == ["snapshot"], report.stdout
