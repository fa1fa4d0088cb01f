"""Every resource shape of the project's stack in one template: create, read back, delete.

Not a single moto gap: the fills working together, checked the way `make audit` would.
"""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import REGION, Emulator
from tools import audit

TAGS = [{"Key": "app", "Value": "ec2-web-server"}]


def _full_template(emu: Emulator) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    assume = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    return cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": assume,
                    "ManagedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                    "Tags": TAGS,
                },
            },
            "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
            "Key": {"Type": "AWS::EC2::KeyPair", "Properties": {"KeyName": "web-key", "Tags": TAGS}},
            "Spread": {"Type": "AWS::EC2::PlacementGroup", "Properties": {"Strategy": "spread"}},
            "Web": {
                **cfn.web_instance(
                    subnet,
                    IamInstanceProfile={"Ref": "Profile"},
                    KeyName={"Ref": "Key"},
                    UserData={"Fn::Base64": "#!/bin/bash\necho hello\n"},
                    MetadataOptions={"HttpTokens": "required"},
                    BlockDeviceMappings=[
                        {
                            "DeviceName": "/dev/xvda",
                            "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
                        }
                    ],
                    DisableApiTermination=False,
                    InstanceInitiatedShutdownBehavior="stop",
                    Monitoring=False,
                    PlacementGroupName={"Ref": "Spread"},
                    PropagateTagsToVolumeOnCreation=True,
                ),
                "CreationPolicy": {"ResourceSignal": {"Timeout": "PT15M"}},
            },
            "Data": {
                "Type": "AWS::EC2::Volume",
                "DeletionPolicy": "Snapshot",
                "Properties": {
                    "AvailabilityZone": {"Fn::GetAtt": ["Web", "AvailabilityZone"]},
                    "Size": 50,
                    "VolumeType": "gp3",
                    "Iops": 3000,
                    "Throughput": 125,
                    "Encrypted": True,
                    "Tags": TAGS,
                },
            },
            "DataAttach": {
                "Type": "AWS::EC2::VolumeAttachment",
                "Properties": {"InstanceId": {"Ref": "Web"}, "VolumeId": {"Ref": "Data"}, "Device": "/dev/sdf"},
            },
            "Ip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc", "Tags": TAGS}},
            "IpAssoc": {
                "Type": "AWS::EC2::EIPAssociation",
                "Properties": {"AllocationId": {"Fn::GetAtt": ["Ip", "AllocationId"]}, "InstanceId": {"Ref": "Web"}},
            },
        },
        outputs={
            "PublicIp": {"Value": {"Fn::GetAtt": ["Ip", "PublicIp"]}},
            "KeyParameter": {"Value": {"Fn::Sub": "/ec2/keypair/${Key.KeyPairId}"}},
        },
    )


def test_full_stack_round_trip_leaves_only_the_snapshot(emu: Emulator) -> None:
    assert cfn.deploy(emu, _full_template(emu), tags={"owner": "web-team"}) == "CREATE_COMPLETE", cfn.failures(emu)
    ec2, ssm, iam = emu.client("ec2"), emu.client("ssm"), emu.client("iam")
    instance = cfn.instance(emu, cfn.physical_id(emu, "Web"))
    (address,) = ec2.describe_addresses()["Addresses"]
    assert address["InstanceId"] == instance["InstanceId"]
    assert cfn.outputs(emu)["PublicIp"] == address["PublicIp"]
    ssm.get_parameter(Name=cfn.outputs(emu)["KeyParameter"], WithDecryption=True)
    profile = iam.get_instance_profile(InstanceProfileName=cfn.physical_id(emu, "Profile"))["InstanceProfile"]
    assert instance["IamInstanceProfile"]["Arn"] == profile["Arn"]
    assert not audit.audit(REGION, "app", "ec2-web-server", endpoint_url=emu.endpoint).clean

    assert cfn.delete(emu) == "DELETE_COMPLETE"
    report = audit.audit(REGION, "app", "ec2-web-server", stack_name=cfn.STACK, endpoint_url=emu.endpoint)
    assert [(f.kind, f.intended) for f in report.findings] == [("snapshot", True)]
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == []
    assert ec2.describe_placement_groups()["PlacementGroups"] == []
