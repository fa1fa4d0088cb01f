"""AWS::EC2::EIP (tags, PublicIp) and AWS::EC2::EIPAssociation; released on delete."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def _eip_template(emu: Emulator) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    return cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
            "Web": cfn.web_instance(subnet),
            "Ip": {
                "Type": "AWS::EC2::EIP",
                "Properties": {
                    "Domain": "vpc",
                    "Tags": [{"Key": "app", "Value": "ec2-web-server"}],
                },
            },
            "IpAssoc": {
                "Type": "AWS::EC2::EIPAssociation",
                "Properties": {
                    "AllocationId": {"Fn::GetAtt": ["Ip", "AllocationId"]},
                    "InstanceId": {"Ref": "Web"},
                },
            },
        },
        outputs={"PublicIp": {"Value": {"Fn::GetAtt": ["Ip", "PublicIp"]}}},
    )


def test_eip_tagged_and_associated_with_instance(target: Emulator) -> None:
    assert cfn.deploy(target, _eip_template(target)) == "CREATE_COMPLETE"
    (address,) = target.client("ec2").describe_addresses()["Addresses"]
    assert address["Domain"] == "vpc"
    assert {"Key": "app", "Value": "ec2-web-server"} in address.get("Tags", [])
    assert address.get("InstanceId") == cfn.physical_id(target, "Web")
    assert address.get("AssociationId") == cfn.physical_id(target, "IpAssoc")
    assert cfn.physical_id(target, "Ip") == address["PublicIp"]


def test_eip_public_ip_attribute(target: Emulator) -> None:
    assert cfn.deploy(target, _eip_template(target)) == "CREATE_COMPLETE"
    (address,) = target.client("ec2").describe_addresses()["Addresses"]
    assert cfn.outputs(target) == {"PublicIp": address["PublicIp"]}


def test_eip_released_on_delete(target: Emulator) -> None:
    assert cfn.deploy(target, _eip_template(target)) == "CREATE_COMPLETE"
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert target.client("ec2").describe_addresses()["Addresses"] == []
