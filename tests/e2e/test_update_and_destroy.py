"""Update in place (a wider rule set and a new volume), then destroy: nothing billable is left but the
snapshot that `on_destroy: snapshot` promised."""

import json

import pytest

from tests.conftest import synth
from tests.e2e.conftest import assembly, audit
from tools.deployment import deployed_ingress

pytestmark = pytest.mark.e2e

BEFORE = {"ssh_cidr": "198.51.100.7", "volumes": json.dumps([{"size": 10, "on_destroy": "delete"}])}
# The lone volume was named f (its device letter); naming it so keeps it when a second one comes.
AFTER = {"ssh_cidr": "198.51.100.0/24",
         "volumes": json.dumps([{"name": "f", "size": 10, "on_destroy": "delete"},
                                {"name": "g", "size": 20, "type": "gp2"}])}


@pytest.fixture(scope="module")
def lifecycle(cli, emu, tmp_synth_root):
    before, after = (assembly(synth(c, tmp_synth_root)) for c in (BEFORE, AFTER))
    cli.deploy(app=before)
    first = cli.describe()
    cli.deploy(app=after)
    second = cli.describe()
    cli.destroy(app=after)
    return {"before": first, "after": second, "audit": audit(emu),
            "snapshots": emu.client("ec2").describe_snapshots(OwnerIds=["self"])["Snapshots"]}


def test_update_completes(lifecycle):
    assert lifecycle["after"]["status"] == "UPDATE_COMPLETE"


def test_instance_is_kept_and_stays_in_the_stack_security_group(lifecycle):
    (before,), (after,) = lifecycle["before"]["instances"], lifecycle["after"]["instances"]
    (group,) = lifecycle["after"]["security_groups"]
    assert after["InstanceId"] == before["InstanceId"]
    assert [g["GroupId"] for g in after["SecurityGroups"]] == [group["GroupId"]]


def test_ssh_rule_is_replaced(lifecycle):
    (group,) = lifecycle["after"]["security_groups"]
    ssh = {rule[3] for rule in deployed_ingress(group) if rule[1] == 22}
    assert ssh == {"198.51.100.0/24"}


def test_new_volume_is_attached(lifecycle):
    (instance,) = lifecycle["after"]["instances"]
    devices = {a["Device"]: v["VolumeType"] for v in lifecycle["after"]["volumes"] for a in v["Attachments"]
               if a["InstanceId"] == instance["InstanceId"]}
    assert devices == {"/dev/sdf": "gp3", "/dev/sdg": "gp2"}


def test_destroy_leaves_nothing_unintended(lifecycle):
    assert lifecycle["audit"].returncode == 0, lifecycle["audit"].stdout + lifecycle["audit"].stderr


def test_snapshot_volume_left_a_snapshot_and_the_delete_volume_none(lifecycle):
    volumes = {v["Attachments"][0]["Device"]: v for v in lifecycle["after"]["volumes"]}
    snapshotted = {s["VolumeId"] for s in lifecycle["snapshots"]}
    assert volumes["/dev/sdg"]["VolumeId"] in snapshotted
    assert volumes["/dev/sdf"]["VolumeId"] not in snapshotted
