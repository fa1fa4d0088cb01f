"""A failed create rolls back (ROLLBACK_COMPLETE) and cleans up, as in AWS."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def test_failed_create_rolls_back(target: Emulator) -> None:
    subnet = cfn.default_subnet(target)["SubnetId"]
    web = cfn.web_instance(subnet, ImageId="ami-00000000000000000")
    web["DependsOn"] = "Data"
    body = cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(target)),
            "Data": {
                "Type": "AWS::EC2::Volume",
                "Properties": {"AvailabilityZone": "us-east-1a", "Size": 10},
            },
            "Web": web,
            "Ip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        },
        # Outputs of a rolled-back stack must not bring anything back.
        outputs={
            "PublicIp": {"Value": {"Fn::GetAtt": ["Ip", "PublicIp"]}},
            "InstanceId": {"Value": {"Ref": "Web"}},
        },
    )
    assert cfn.deploy(target, body) == "ROLLBACK_COMPLETE"
    cloudformation = target.client("cloudformation")
    events = cloudformation.describe_stack_events(StackName=cfn.STACK)["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert failed
    assert failed[-1]["LogicalResourceId"] == "Web"
    assert "ami-00000000000000000" in failed[-1]["ResourceStatusReason"]
    assert "InvalidAMIID.NotFound" in failed[-1]["ResourceStatusReason"]
    assert cfn.outputs(target) == {}
    ec2 = target.client("ec2")
    assert ec2.describe_addresses()["Addresses"] == []
    assert ec2.describe_volumes(Filters=[{"Name": "size", "Values": ["10"]}])["Volumes"] == []
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "tag:app", "Values": ["ec2-web-server"]}]
    )["SecurityGroups"]
    assert groups == []
    # A stack in ROLLBACK_COMPLETE can only be deleted.
    assert cfn.delete(target) == "DELETE_COMPLETE"
