"""AWS::EC2::SecurityGroupEgress: the load balancer's rule to the instances' group."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def _groups(emu: Emulator, with_rule: bool = True) -> dict:
    vpc = cfn.default_vpc_id(emu)
    resources = {
        "LbSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "lb", "VpcId": vpc}},
        "WebSg": cfn.web_sg(vpc),
    }
    if with_rule:
        resources["LbToWeb"] = {"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["LbSg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["WebSg", "GroupId"]}, "Description": "to the servers"}}
    return cfn.template(resources)


def _egress(emu: Emulator) -> list[tuple]:
    (group,) = emu.client("ec2").describe_security_groups(GroupIds=[cfn.physical_id(emu, "LbSg")])["SecurityGroups"]
    rules = []
    for permission in group["IpPermissionsEgress"]:
        peers = [r["CidrIp"] for r in permission.get("IpRanges", [])]
        peers += [p["GroupId"] for p in permission.get("UserIdGroupPairs", [])]
        rules += [(permission["IpProtocol"], permission.get("FromPort"), peer) for peer in peers]
    return rules


def test_egress_rule_replaces_the_default_and_goes_with_its_resource(target: Emulator) -> None:
    assert cfn.deploy(target, _groups(target)) == "CREATE_COMPLETE", cfn.failures(target)
    web = cfn.physical_id(target, "WebSg")
    assert _egress(target) == [("tcp", 80, web)]
    assert cfn.physical_id(target, "LbToWeb").startswith("sgr-")
    assert cfn.deploy(target, _groups(target, with_rule=False)) == "UPDATE_COMPLETE", cfn.failures(target)
    assert _egress(target) == []


def test_group_update_keeps_the_default_egress_rule_away(target: Emulator) -> None:
    # The CDK's load balancer group: no inline egress, its rules are SecurityGroupEgress resources.
    # An in-place update of the group (a tag here) must not bring back the allow-all rule.
    assert cfn.deploy(target, _groups(target)) == "CREATE_COMPLETE", cfn.failures(target)
    group_id = cfn.physical_id(target, "LbSg")
    body = _groups(target)
    body["Resources"]["LbSg"]["Properties"]["Tags"] = [{"Key": "tier", "Value": "lb"}]
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    assert cfn.physical_id(target, "LbSg") == group_id
    assert _egress(target) == [("tcp", 80, cfn.physical_id(target, "WebSg"))]


def test_removing_inline_egress_rules_leaves_none(target: Emulator) -> None:
    # "After the security group is created, if you remove all egress rules that you added, we do not
    # add egress rules, so no outbound traffic is allowed." (aws-resource-ec2-securitygroup.md)
    body = _groups(target, with_rule=False)
    body["Resources"]["LbSg"]["Properties"]["SecurityGroupEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}]
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    assert _egress(target) == [("tcp", 443, "10.0.0.0/8")]
    assert cfn.deploy(target, _groups(target, with_rule=False)) == "UPDATE_COMPLETE", cfn.failures(target)
    assert _egress(target) == []


def test_duplicate_egress_rule_is_refused(target: Emulator) -> None:
    # The same rule again, with another description: EC2 answers InvalidPermission.Duplicate, so the
    # second resource fails; shared, deleting either resource would revoke the rule for both.
    body = _groups(target)
    again = {**body["Resources"]["LbToWeb"]["Properties"], "Description": "again"}
    body["Resources"]["Again"] = {"Type": "AWS::EC2::SecurityGroupEgress", "DependsOn": "LbToWeb", "Properties": again}
    assert cfn.deploy(target, body) == "ROLLBACK_COMPLETE"
    (reason,) = [f for f in cfn.failures(target) if f.startswith("Again:")]
    assert "InvalidPermission.Duplicate" in reason
