"""patch_schedule's maintenance window, its targets and its Run Command task (AWS::SSM::MaintenanceWindow*), made
through the Systems Manager API as CloudFormation's handlers make them; moto 5.2.5 has no such CloudFormation types."""

from __future__ import annotations

import copy

import cfn_scenario as cfn

from emulator import Emulator


def _patching(emu: Emulator) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    return cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
            "Web": cfn.web_instance(subnet),
            "Window": {"Type": "AWS::SSM::MaintenanceWindow", "Properties": {
                "Name": "web-patching", "Schedule": "cron(0 3 ? * SUN *)", "ScheduleTimezone": "Asia/Tokyo",
                "Duration": 2, "Cutoff": 1, "AllowUnassociatedTargets": False,
                "Tags": [{"Key": "app", "Value": "ec2-web-server"}]}},
            "Servers": {"Type": "AWS::SSM::MaintenanceWindowTarget", "Properties": {
                "WindowId": {"Ref": "Window"}, "ResourceType": "INSTANCE",
                "Targets": [{"Key": "InstanceIds", "Values": [{"Ref": "Web"}]}]}},
            "Patch": {"Type": "AWS::SSM::MaintenanceWindowTask", "Properties": {
                "WindowId": {"Ref": "Window"}, "TaskType": "RUN_COMMAND", "TaskArn": "AWS-RunPatchBaseline",
                "Priority": 1, "MaxConcurrency": "1", "MaxErrors": "0",
                "Targets": [{"Key": "WindowTargetIds", "Values": [{"Ref": "Servers"}]}],
                "TaskInvocationParameters": {"MaintenanceWindowRunCommandParameters": {
                    "Parameters": {"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]}}}}},
        },
        outputs={"Window": {"Value": {"Fn::GetAtt": ["Window", "WindowId"]}},
                 "Target": {"Value": {"Ref": "Servers"}}, "Task": {"Value": {"Ref": "Patch"}}},
    )


def test_window_targets_and_task_are_made_updated_in_place_and_deleted(target: Emulator) -> None:
    body = _patching(target)
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    ssm = target.client("ssm")
    made = cfn.outputs(target)
    (window,) = ssm.describe_maintenance_windows()["WindowIdentities"]
    assert (window["WindowId"], window["Name"], window["Schedule"]) == (made["Window"], "web-patching",
                                                                         "cron(0 3 ? * SUN *)")
    (servers,) = ssm.describe_maintenance_window_targets(WindowId=made["Window"])["Targets"]
    assert servers["WindowTargetId"] == made["Target"]
    assert servers["Targets"] == [{"Key": "InstanceIds", "Values": [cfn.physical_id(target, "Web")]}]
    (task,) = ssm.describe_maintenance_window_tasks(WindowId=made["Window"])["Tasks"]
    assert (task["WindowTaskId"], task["TaskArn"], task["MaxConcurrency"], task["MaxErrors"]) == (
        made["Task"], "AWS-RunPatchBaseline", "1", "0")

    later = copy.deepcopy(body)
    later["Resources"]["Window"]["Properties"]["Schedule"] = "cron(0 4 ? * SAT *)"
    later["Resources"]["Patch"]["Properties"]["MaxErrors"] = "1"
    assert cfn.deploy(target, later) == "UPDATE_COMPLETE"
    assert cfn.outputs(target) == made  # in place: the same IDs
    assert ssm.describe_maintenance_windows()["WindowIdentities"][0]["Schedule"] == "cron(0 4 ? * SAT *)"
    assert ssm.describe_maintenance_window_tasks(WindowId=made["Window"])["Tasks"][0]["MaxErrors"] == "1"

    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert ssm.describe_maintenance_windows()["WindowIdentities"] == []
