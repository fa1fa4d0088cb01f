"""Stack updates through change sets, as `cdk deploy` of a changed app does."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator

HTTP = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}
HTTP6 = {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv6": "::/0"}
HTTPS = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}


def _web(emu: Emulator, ingress: list[dict] | None = None, **extra: dict) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    resources = {
        "WebSg": cfn.web_sg(cfn.default_vpc_id(emu), ingress),
        "Web": cfn.web_instance(subnet),
    }
    resources.update(extra)
    return cfn.template(resources, outputs={"InstanceId": {"Value": {"Ref": "Web"}}})


def _ingress(emu: Emulator, group_id: str) -> set[tuple]:
    (group,) = emu.client("ec2").describe_security_groups(GroupIds=[group_id])[
        "SecurityGroups"
    ]
    rules = set()
    for permission in group["IpPermissions"]:
        for ip_range in permission.get("IpRanges", []):
            rules.add((permission["FromPort"], ip_range["CidrIp"]))
        for ip_range in permission.get("Ipv6Ranges", []):
            rules.add((permission["FromPort"], ip_range["CidrIpv6"]))
    return rules


def _instance_groups(emu: Emulator) -> list[str]:
    found = cfn.instance(emu, cfn.physical_id(emu, "Web"))
    return [g["GroupId"] for g in found["SecurityGroups"]]


def test_update_reusing_ssm_parameter(target: Emulator) -> None:
    # The CLI passes UsePreviousValue for parameters it does not set.
    assert cfn.deploy(target, _web(target)) == "CREATE_COMPLETE"
    reuse = [{"ParameterKey": "AmiId", "UsePreviousValue": True}]
    assert cfn.deploy(target, _web(target, [HTTP]), parameters=reuse) == "UPDATE_COMPLETE"
    parameters = target.client("cloudformation").describe_stacks(StackName=cfn.STACK)[
        "Stacks"
    ][0]["Parameters"]
    (ami,) = [p for p in parameters if p["ParameterKey"] == "AmiId"]
    assert ami["ParameterValue"] == cfn.AL2023_SSM
    assert ami["ResolvedValue"].startswith("ami-")


def test_update_ingress_rule_keeps_group_and_instance(target: Emulator) -> None:
    assert cfn.deploy(target, _web(target)) == "CREATE_COMPLETE"
    group_id = cfn.physical_id(target, "WebSg")
    instance_id = cfn.physical_id(target, "Web")
    assert _ingress(target, group_id) == {(80, "0.0.0.0/0"), (80, "::/0")}
    assert cfn.deploy(target, _web(target, [HTTP, HTTPS])) == "UPDATE_COMPLETE"
    # An ingress change is an in-place update in AWS: same group, same instance.
    assert cfn.physical_id(target, "WebSg") == group_id
    assert cfn.physical_id(target, "Web") == instance_id
    assert _ingress(target, group_id) == {(80, "0.0.0.0/0"), (443, "0.0.0.0/0")}
    assert _instance_groups(target) == [group_id]
    assert cfn.outputs(target) == {"InstanceId": instance_id}


def test_update_replacing_group_moves_instance(target: Emulator) -> None:
    assert cfn.deploy(target, _web(target)) == "CREATE_COMPLETE"
    old_group = cfn.physical_id(target, "WebSg")
    body = _web(target)
    # A new description means a new group in AWS (replacement).
    body["Resources"]["WebSg"]["Properties"]["GroupDescription"] = "web server v2"
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE"
    new_group = cfn.physical_id(target, "WebSg")
    assert new_group != old_group
    assert _instance_groups(target) == [new_group]
    remaining = target.client("ec2").describe_security_groups(
        Filters=[{"Name": "group-id", "Values": [old_group]}]
    )["SecurityGroups"]
    assert remaining == []


def test_update_adding_volume_keeps_instance(target: Emulator) -> None:
    assert cfn.deploy(target, _web(target, [HTTP, HTTP6])) == "CREATE_COMPLETE"
    group_id = cfn.physical_id(target, "WebSg")
    instance_id = cfn.physical_id(target, "Web")
    volume = {
        "Type": "AWS::EC2::Volume",
        "Properties": {"AvailabilityZone": "us-east-1a", "Size": 10, "Encrypted": True},
    }
    attach = {
        "Type": "AWS::EC2::VolumeAttachment",
        "Properties": {
            "InstanceId": {"Ref": "Web"},
            "VolumeId": {"Ref": "Data"},
            "Device": "/dev/sdf",
        },
    }
    body = _web(target, [HTTP, HTTP6], Data=volume, DataAttach=attach)
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE"
    assert cfn.physical_id(target, "Web") == instance_id
    assert _instance_groups(target) == [group_id]
    devices = [
        m["DeviceName"] for m in cfn.instance(target, instance_id)["BlockDeviceMappings"]
    ]
    assert "/dev/sdf" in devices
    # Removing them again detaches and deletes the volume.
    assert cfn.deploy(target, _web(target, [HTTP, HTTP6])) == "UPDATE_COMPLETE"
    volumes = target.client("ec2").describe_volumes(
        Filters=[{"Name": "size", "Values": ["10"]}]
    )["Volumes"]
    assert volumes == []


def test_update_instance_type_in_place(target: Emulator) -> None:
    assert cfn.deploy(target, _web(target)) == "CREATE_COMPLETE"
    instance_id = cfn.physical_id(target, "Web")
    body = _web(target)
    body["Resources"]["Web"]["Properties"]["InstanceType"] = "t3.small"
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE"
    assert cfn.physical_id(target, "Web") == instance_id
    found = cfn.instance(target, instance_id)
    assert (found["InstanceType"], found["State"]["Name"]) == ("t3.small", "running")
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert cfn.instance(target, instance_id)["State"]["Name"] == "terminated"
