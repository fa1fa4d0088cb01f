"""``patch_schedule``: a Systems Manager maintenance window patches the servers of either tier, one at a time
(issue 20). Not in the shipped configurations the emulator deploys: it has no AWS::SSM::MaintenanceWindow*."""

import json

import pytest

from ec2_web_server import SettingError
from ec2_web_server.operations.patching import window_hours
from tests.unit.test_validation import build

PATCH = json.dumps({"cron": "cron(0 3 ? * SUN *)", "timezone": "Asia/Tokyo"})


@pytest.fixture(scope="module")
def patched(synth_with):
    return synth_with({"instance_count": "2", "patch_schedule": PATCH})


@pytest.fixture(scope="module")
def patched_fleet(synth_with):
    return synth_with({"tier": "autoscaling", "patch_schedule": PATCH})


def only(result, kind) -> dict:
    (resource,) = result.resources(kind).values()
    return resource["Properties"]


def test_the_window_opens_on_the_schedule_in_its_time_zone(patched):
    window = only(patched, "AWS::SSM::MaintenanceWindow")
    assert (window["Schedule"], window["ScheduleTimezone"]) == ("cron(0 3 ? * SUN *)", "Asia/Tokyo")
    assert window["Cutoff"] < window["Duration"]
    assert window["AllowUnassociatedTargets"] is False


def test_run_patch_baseline_installs_and_reboots_one_server_at_a_time(patched):
    task = only(patched, "AWS::SSM::MaintenanceWindowTask")
    assert (task["TaskType"], task["TaskArn"]) == ("RUN_COMMAND", "AWS-RunPatchBaseline")
    assert task["TaskInvocationParameters"]["MaintenanceWindowRunCommandParameters"]["Parameters"] == {
        "Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]}
    assert (task["MaxConcurrency"], task["MaxErrors"]) == ("1", "0")
    (target_id,) = patched.resources("AWS::SSM::MaintenanceWindowTarget")
    assert task["Targets"] == [{"Key": "WindowTargetIds", "Values": [{"Ref": target_id}]}]


def test_hand_managed_servers_are_targeted_by_instance_id(patched):
    target = only(patched, "AWS::SSM::MaintenanceWindowTarget")
    instances = sorted(patched.resources("AWS::EC2::Instance"))
    (targets,) = target["Targets"]
    assert targets["Key"] == "InstanceIds"
    assert sorted(value["Ref"] for value in targets["Values"]) == instances


def test_the_groups_instances_are_targeted_by_their_group_tag(patched_fleet):
    (targets,) = only(patched_fleet, "AWS::SSM::MaintenanceWindowTarget")["Targets"]
    (group,) = patched_fleet.resources("AWS::AutoScaling::AutoScalingGroup")
    assert targets == {"Key": "tag:aws:autoscaling:groupName", "Values": [{"Ref": group}]}
    # Four instances at most (max_capacity), 30 minutes each, plus the hour's cutoff.
    assert only(patched_fleet, "AWS::SSM::MaintenanceWindow")["Duration"] == window_hours(4) == 3


def test_the_window_grows_with_the_fleet_up_to_a_day():
    assert [window_hours(n) for n in (1, 2, 5, 100)] == [2, 2, 4, 24]


def test_no_window_by_default(default):
    default.assertions().resource_count_is("AWS::SSM::MaintenanceWindow", 0)


@pytest.mark.parametrize(("value", "match"), [
    ('{"cron": "0 3 * * SUN"}', r"^patch_schedule.cron: got '0 3 \* \* SUN'; must be a cron expression with six fields"),
    ('{"cron": "cron(0 3 ? * SUN *)", "timezone": "Tokyo"}', r"^patch_schedule.timezone: got 'Tokyo'; must be an IANA"),
    ('{"timezone": "UTC"}', r"^patch_schedule.cron: got None; is required"),
    ('{"cron": "cron(0 3 ? * SUN *)", "reboot": false}', r"^patch_schedule.reboot: got False; unknown key"),
])
def test_patch_schedule_rule(value, match):
    with pytest.raises(SettingError, match=match):
        build(patch_schedule=value)
