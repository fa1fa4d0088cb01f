"""One stack per name: a `cdk deploy` interrupted in REVIEW_IN_PROGRESS, then deployed and destroyed again."""

from __future__ import annotations

import json

import cfn_scenario as cfn
import pytest

from emulator import Emulator

NAME = "cdk-deploy-change-set"


def _live_stacks(emu: Emulator) -> list[dict]:
    summaries = emu.client("cloudformation").list_stacks()["StackSummaries"]
    return [s for s in summaries if s["StackName"] == cfn.STACK and s["StackStatus"] != "DELETE_COMPLETE"]


def _body(emu: Emulator) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    return cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu)), "Web": cfn.web_instance(subnet)})


def _create_change_set(emu: Emulator, body: dict) -> dict:
    """CreateChangeSet as `cdk deploy` sends it for a stack that is not deployed (or is REVIEW_IN_PROGRESS)."""
    return emu.client("cloudformation").create_change_set(
        StackName=cfn.STACK, ChangeSetName=NAME, ChangeSetType="CREATE", TemplateBody=json.dumps(body)
    )


def test_interrupted_deploy_then_deploy_and_destroy_leave_one_stack_and_nothing_behind(target: Emulator) -> None:
    cloudformation = target.client("cloudformation")
    body = _body(target)
    # 1. `cdk deploy`, Ctrl-C after the change set was made: the stack waits in REVIEW_IN_PROGRESS.
    first = _create_change_set(target, body)
    (review,) = _live_stacks(target)
    assert (review["StackId"], review["StackStatus"]) == (first["StackId"], "REVIEW_IN_PROGRESS")
    # 2. `cdk deploy` again: the CLI sees no deployed stack, deletes its old change set, creates anew, executes.
    cloudformation.delete_change_set(StackName=cfn.STACK, ChangeSetName=NAME)
    second = _create_change_set(target, body)
    assert second["StackId"] == first["StackId"]  # the same stack, not a second one of that name
    cloudformation.execute_change_set(StackName=cfn.STACK, ChangeSetName=NAME)
    assert cfn.wait_stack(target, cfn.STACK) == "CREATE_COMPLETE"
    assert [s["StackId"] for s in _live_stacks(target)] == [first["StackId"]]
    instance_id = cfn.physical_id(target, "Web")
    # 3. `cdk destroy` (by name): the stack and its resources are gone.
    cloudformation.delete_stack(StackName=cfn.STACK)
    assert cfn.wait_stack(target, first["StackId"]) == "DELETE_COMPLETE"
    assert _live_stacks(target) == []
    assert cfn.instance(target, instance_id)["State"]["Name"] == "terminated"


def test_review_in_progress_stack_is_deleted_with_its_change_set(target: Emulator) -> None:
    # `cdk diff` and `cdk deploy --no-execute` clean up a stack they created in REVIEW_IN_PROGRESS.
    cloudformation = target.client("cloudformation")
    created = _create_change_set(target, _body(target))
    cloudformation.delete_stack(StackName=created["StackId"])
    assert cfn.wait_stack(target, created["StackId"]) == "DELETE_COMPLETE"
    assert _live_stacks(target) == []
    with pytest.raises(cloudformation.exceptions.ChangeSetNotFoundException):
        cloudformation.describe_change_set(ChangeSetName=created["Id"])


def test_create_change_set_for_a_deployed_stack_is_refused(target: Emulator) -> None:
    # "You can't use ... the CREATE type to create a change set for an existing stack."
    cloudformation = target.client("cloudformation")
    assert cfn.deploy(target, _body(target)) == "CREATE_COMPLETE"
    with pytest.raises(cloudformation.exceptions.ClientError, match="already exists"):
        _create_change_set(target, _body(target))
    assert len(_live_stacks(target)) == 1
