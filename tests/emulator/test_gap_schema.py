"""Every resource type's schema (CloudFormation's registry schema, as cfn-lint ships it) refuses what it forbids."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}


def test_properties_outside_the_schema_are_refused_with_cloudformations_message(target: Emulator) -> None:
    # AWS::IAM::Role's MaxSessionDuration: minimum 3600 (the schema); moto takes any number and no fill checks it.
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST, "MaxSessionDuration": 60}}
    assert cfn.deploy(target, cfn.template({"Role": role})) == "ROLLBACK_COMPLETE"
    assert cfn.failures(target)[0] == ("Role: Properties validation failed for resource Role with message:\n"
                                       "#/MaxSessionDuration: failed validation constraint for keyword [minimum]")
    assert target.client("iam").list_roles()["Roles"] == []


def test_a_missing_required_property_fails_an_update(target: Emulator) -> None:
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST, "Path": "/web/"}}
    assert cfn.deploy(target, cfn.template({"Role": role})) == "CREATE_COMPLETE", cfn.failures(target)
    topic = {"Type": "AWS::SNS::Subscription", "Properties": {"Protocol": "email"}}  # no TopicArn
    assert cfn.deploy(target, cfn.template({"Role": role, "Sub": topic})) == "UPDATE_ROLLBACK_COMPLETE"
    assert "#: required key [TopicArn] not found" in cfn.failures(target)[0]
