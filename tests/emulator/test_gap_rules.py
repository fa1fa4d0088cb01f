"""Template Rules, checked before anything is created or updated; parameters' previous values on update."""

from __future__ import annotations

import json
from typing import Any

import cfn_scenario as cfn
import pytest

from emulator import Emulator

VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
BOOTSTRAP_MESSAGE = (
    "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
)
GENERATION_MESSAGE = "this update replaces the instance while data volumes are attached to it"


def _generation_template(emu: Emulator, generation: str) -> dict[str, Any]:
    """Our stack's shapes: the CDK's CheckBootstrapVersion rule and the instance-generation rule."""
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu))})
    body["Parameters"].update(
        {
            "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": VERSION_PARAMETER},
            "InstanceGeneration": {"Type": "String", "Default": generation},
        }
    )
    body["Rules"] = {
        "CheckBootstrapVersion": {
            "Assertions": [
                {
                    "Assert": {"Fn::Not": [{"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "BootstrapVersion"}]}]},
                    "AssertDescription": BOOTSTRAP_MESSAGE,
                }
            ]
        },
        "KeepAttachedVolumes": {
            "Assertions": [
                {
                    "Assert": {"Fn::Equals": [{"Ref": "InstanceGeneration"}, generation]},
                    "AssertDescription": GENERATION_MESSAGE,
                }
            ]
        },
    }
    return body


def _bootstrapped(emu: Emulator, version: str = "30") -> None:
    emu.client("ssm").put_parameter(Name=VERSION_PARAMETER, Value=version, Type="String", Overwrite=True)


def _previous(*names: str) -> list[dict[str, Any]]:
    """What the CDK CLI passes on an update for the parameters the deployed stack has."""
    return [{"ParameterKey": name, "UsePreviousValue": True} for name in names]


def test_failed_rule_refuses_the_change_set_and_creates_nothing(target: Emulator) -> None:
    _bootstrapped(target, "5")
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError) as refused:
        cfn.deploy(target, _generation_template(target, "aaa"))
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == BOOTSTRAP_MESSAGE
    assert [s for s in cloudformation.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"] == []


def test_rule_sees_the_previous_value_on_update(target: Emulator) -> None:
    # The stack's instance-generation Rule: the CLI keeps the deployed generation (UsePreviousValue),
    # the new template asserts its own, so an update that changes it is refused before anything changes.
    _bootstrapped(target)
    assert cfn.deploy(target, _generation_template(target, "aaa")) == "CREATE_COMPLETE"
    group_id = cfn.physical_id(target, "WebSg")
    cloudformation = target.client("cloudformation")
    refused_body = _generation_template(target, "bbb")
    refused_body["Resources"]["WebSg"]["Properties"]["GroupDescription"] = "replaced"
    with pytest.raises(cloudformation.exceptions.ClientError, match=GENERATION_MESSAGE):
        cfn.deploy(target, refused_body, parameters=_previous("AmiId", "BootstrapVersion", "InstanceGeneration"))
    stack = cloudformation.describe_stacks(StackName=cfn.STACK)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert cfn.physical_id(target, "WebSg") == group_id
    assert cloudformation.list_change_sets(StackName=cfn.STACK)["Summaries"] == []
    # The same update through UpdateStack is refused the same way.
    with pytest.raises(cloudformation.exceptions.ClientError, match=GENERATION_MESSAGE):
        cloudformation.update_stack(
            StackName=cfn.STACK, TemplateBody=json.dumps(refused_body),
            Parameters=_previous("AmiId", "BootstrapVersion", "InstanceGeneration"),
        )
    assert cfn.physical_id(target, "WebSg") == group_id
    # An update that keeps the generation passes; so does one that drops the rule (detach_volumes),
    # and then one that brings it back with a new generation (no previous value to keep).
    body = _generation_template(target, "aaa")
    body["Resources"]["WebSg"]["Properties"]["Tags"].append({"Key": "tier", "Value": "web"})
    assert cfn.deploy(target, body, parameters=_previous("AmiId", "BootstrapVersion", "InstanceGeneration")) == (
        "UPDATE_COMPLETE"
    )
    detached = _generation_template(target, "aaa")
    del detached["Parameters"]["InstanceGeneration"], detached["Rules"]["KeepAttachedVolumes"]
    assert cfn.deploy(target, detached, parameters=_previous("AmiId", "BootstrapVersion")) == "UPDATE_COMPLETE"
    assert cfn.deploy(target, refused_body, parameters=_previous("AmiId", "BootstrapVersion")) == "UPDATE_COMPLETE"


def test_update_stack_reusing_a_defaulted_parameter(target: Emulator) -> None:
    # `cdk deploy --method=direct`: UpdateStack with UsePreviousValue for parameters that took their default.
    _bootstrapped(target)
    cloudformation = target.client("cloudformation")
    cloudformation.create_stack(StackName=cfn.STACK, TemplateBody=json.dumps(_generation_template(target, "aaa")))
    assert cfn.wait_stack(target, cfn.STACK) == "CREATE_COMPLETE"
    body = _generation_template(target, "aaa")
    body["Resources"]["WebSg"]["Properties"]["Tags"].append({"Key": "tier", "Value": "web"})
    cloudformation.update_stack(
        StackName=cfn.STACK, TemplateBody=json.dumps(body),
        Parameters=_previous("AmiId", "BootstrapVersion", "InstanceGeneration"),
    )
    assert cfn.wait_stack(target, cfn.STACK) == "UPDATE_COMPLETE"
    parameters = cloudformation.describe_stacks(StackName=cfn.STACK)["Stacks"][0]["Parameters"]
    assert {p["ParameterKey"]: p["ParameterValue"] for p in parameters}["InstanceGeneration"] == "aaa"


def test_failed_rule_refuses_create_stack(target: Emulator) -> None:
    _bootstrapped(target)
    cloudformation = target.client("cloudformation")
    body = _generation_template(target, "aaa")
    with pytest.raises(cloudformation.exceptions.ClientError, match=GENERATION_MESSAGE):
        cloudformation.create_stack(
            StackName=cfn.STACK, TemplateBody=json.dumps(body),
            Parameters=[{"ParameterKey": "InstanceGeneration", "ParameterValue": "other"}],
        )
    assert cloudformation.list_stacks()["StackSummaries"] == []


@pytest.mark.parametrize(
    ("condition", "assertion", "holds"),
    [
        (None, {"Fn::Equals": [{"Ref": "Env"}, "prod"]}, True),
        (None, {"Fn::Equals": [{"Ref": "Env"}, "dev"]}, False),
        (None, {"Fn::Not": [{"Fn::Equals": [{"Ref": "Env"}, "dev"]}]}, True),
        (None, {"Fn::And": [{"Fn::Equals": ["a", "a"]}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}, True),
        (None, {"Fn::Or": [{"Fn::Equals": ["a", "b"]}, {"Fn::Equals": [{"Ref": "AWS::AccountId"}, "123456789012"]}]}, True),
        (None, {"Fn::Contains": [["t3.micro", "t3.small"], {"Ref": "Type"}]}, False),
        (None, {"Fn::EachMemberEquals": [{"Ref": "Zones"}, "us-east-1a"]}, False),
        (None, {"Fn::EachMemberIn": [{"Ref": "Zones"}, ["us-east-1a", "us-east-1b"]]}, True),
        (None, {"Fn::Equals": [{"Ref": "AWS::StackName"}, "GapStack"]}, True),
        ({"Fn::Equals": [{"Ref": "Env"}, "dev"]}, {"Fn::Equals": ["a", "b"]}, True),  # condition false: not checked
        (None, {"Fn::ValueOf": ["Zones", "Tags.Name"]}, True),  # not evaluated: passes
    ],
)
def test_rule_functions(condition: dict | None, assertion: dict, holds: bool) -> None:
    # The rule-specific functions (CloudFormation User Guide, "Rule functions"), evaluated without a server.
    from moto.cloudformation.exceptions import ValidationError

    from emulator.gaps.template_rules import check_rules

    rule: dict[str, Any] = {"Assertions": [{"Assert": assertion, "AssertDescription": "no"}]}
    if condition:
        rule["RuleCondition"] = condition
    template = {
        "Parameters": {
            "Env": {"Type": "String", "Default": "prod"},
            "Type": {"Type": "String"},
            "Zones": {"Type": "CommaDelimitedList"},
        },
        "Rules": {"R": rule},
    }
    given = {"Type": "m5.large", "Zones": "us-east-1a,us-east-1b"}
    check = lambda: check_rules(template, given, account_id="123456789012", region="us-east-1", stack_name="GapStack")  # noqa: E731
    if holds:
        check()
    else:
        with pytest.raises(ValidationError) as refused:
            check()
        assert refused.value.message == "no"
