"""Stack operations run on the server after the call answers, with the IN_PROGRESS states and events of AWS."""

from __future__ import annotations

import json
import time

import cfn_scenario as cfn
import pytest

from emulator import Emulator

GROUPS = 12  # enough resources that the operation is still under way when the next request comes


def _groups(emu: Emulator, team: str = "web") -> dict:
    resources = {}
    for index in range(GROUPS):
        group = cfn.web_sg(cfn.default_vpc_id(emu))
        group["Properties"]["Tags"] = [{"Key": "team", "Value": team}]
        resources[f"Sg{index}"] = group
    return cfn.template(resources)


def _statuses_until_done(emu: Emulator, stack: str) -> list[str]:
    """Every stack status a client polling DescribeStacks sees, from now until the operation ends."""
    cloudformation, seen = emu.client("cloudformation"), []
    for _ in range(600):
        status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if not status.endswith("_IN_PROGRESS"):
            return seen
        time.sleep(0.005)
    return seen


def _stack_events(emu: Emulator, stack: str) -> list[str]:
    """The stack's own events (not its resources'), oldest first."""
    found = emu.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    return [e["ResourceStatus"] for e in reversed(found) if e["ResourceType"] == "AWS::CloudFormation::Stack"]


def test_operations_answer_at_once_and_run_to_their_end_in_progress(target: Emulator) -> None:
    # CreateStack, UpdateStack and DeleteStack start an operation and answer; the stack is *_IN_PROGRESS
    # (DescribeStacks shows it) until CloudFormation has walked every resource, and the operation goes on
    # whether or not the client is still there (a Ctrl-C'd CLI never polls again).
    cloudformation = target.client("cloudformation")
    stack_id = cloudformation.create_stack(StackName=cfn.STACK, TemplateBody=json.dumps(_groups(target)))["StackId"]
    assert _statuses_until_done(target, cfn.STACK) == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
    events = cloudformation.describe_stack_events(StackName=cfn.STACK)["StackEvents"][::-1]
    assert [e["ResourceStatus"] for e in events if e["LogicalResourceId"] == "Sg0"] == \
        ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
    assert [e["Timestamp"] for e in events] == sorted(e["Timestamp"] for e in events)

    cloudformation.update_stack(StackName=cfn.STACK, TemplateBody=json.dumps(_groups(target, "site")))
    # While it runs, another update is refused, as CloudFormation refuses it.
    with pytest.raises(cloudformation.exceptions.ClientError,
                       match=r"is in UPDATE_IN_PROGRESS state and can not be updated"):
        cloudformation.update_stack(StackName=cfn.STACK, TemplateBody=json.dumps(_groups(target, "other")))
    assert _statuses_until_done(target, cfn.STACK)[-1] == "UPDATE_COMPLETE"

    cloudformation.delete_stack(StackName=cfn.STACK)
    assert _statuses_until_done(target, stack_id) == ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]


def test_update_events_in_aws_order_with_a_cleanup_phase(target: Emulator) -> None:
    # A removed resource is deleted in the UPDATE_COMPLETE_CLEANUP_IN_PROGRESS phase, after every other change.
    assert cfn.deploy(target, _groups(target)) == "CREATE_COMPLETE"
    smaller = _groups(target)
    del smaller["Resources"]["Sg0"]
    assert cfn.deploy(target, smaller) == "UPDATE_COMPLETE", cfn.failures(target)
    update = _stack_events(target, cfn.STACK)[-3:]
    assert update == ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE"]
    found = target.client("cloudformation").describe_stack_events(StackName=cfn.STACK)["StackEvents"][::-1]
    order = [(e["LogicalResourceId"], e["ResourceStatus"]) for e in found]
    cleanup = order.index((cfn.STACK, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"))
    assert order[cleanup + 1:] == [("Sg0", "DELETE_IN_PROGRESS"), ("Sg0", "DELETE_COMPLETE"),
                                   (cfn.STACK, "UPDATE_COMPLETE")]
