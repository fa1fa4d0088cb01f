"""Change sets as the CDK CLI uses them on a second `cdk deploy`."""

from __future__ import annotations

import json
from typing import Any

import cfn_scenario as cfn
import pytest

from emulator import Emulator

NAME = "cdk-deploy-change-set"


def _create_update_change_set(cloudformation: Any, body: dict[str, Any]) -> dict[str, Any]:
    """CreateChangeSet as `cdk deploy` sends it for an update; returns DescribeChangeSet's answer."""
    cloudformation.create_change_set(
        StackName=cfn.STACK,
        ChangeSetName=NAME,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(body),
        Parameters=[{"ParameterKey": "AmiId", "UsePreviousValue": True}],
    )
    return cloudformation.describe_change_set(StackName=cfn.STACK, ChangeSetName=NAME)


def test_redeploy_reusing_change_set_name(target: Emulator) -> None:
    cloudformation = target.client("cloudformation")
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(target))})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    # An executed change set is gone (AWS removes a stack's change sets then).
    assert cloudformation.list_change_sets(StackName=cfn.STACK)["Summaries"] == []
    # The CLI deletes the old change set by name (even if absent)...
    cloudformation.delete_change_set(StackName=cfn.STACK, ChangeSetName=NAME)
    # ...and waits until DescribeChangeSet says "not found".
    with pytest.raises(cloudformation.exceptions.ChangeSetNotFoundException):
        cloudformation.describe_change_set(StackName=cfn.STACK, ChangeSetName=NAME)
    body["Resources"]["WebSg"]["Properties"]["Tags"].append({"Key": "tier", "Value": "web"})
    described = _create_update_change_set(cloudformation, body)
    assert described["Status"] == "CREATE_COMPLETE"
    cloudformation.execute_change_set(StackName=cfn.STACK, ChangeSetName=NAME)
    assert cfn.wait_stack(target, cfn.STACK) == "UPDATE_COMPLETE"


def test_change_set_without_changes_fails_softly(target: Emulator) -> None:
    # `cdk deploy --force` of an unchanged app: AWS creates the change set and
    # marks it FAILED ("didn't contain changes"); the CLI reads that as no-op.
    cloudformation = target.client("cloudformation")
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(target))})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    described = _create_update_change_set(cloudformation, body)
    assert described["Status"] == "FAILED"
    assert "didn't contain changes" in described["StatusReason"]


def test_a_failed_change_set_cannot_be_executed(target: Emulator) -> None:
    # ExecuteChangeSet takes only an AVAILABLE change set: a FAILED one (here: no changes) is refused, and the
    # stack is left as it was.
    cloudformation = target.client("cloudformation")
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(target))})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    described = _create_update_change_set(cloudformation, body)
    assert (described["Status"], described["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE")
    with pytest.raises(cloudformation.exceptions.InvalidChangeSetStatusException,
                       match=r"cannot be executed in its current execution status of \[UNAVAILABLE\]"):
        cloudformation.execute_change_set(StackName=cfn.STACK, ChangeSetName=NAME)
    assert cfn.wait_stack(target, cfn.STACK) == "CREATE_COMPLETE"
