"""RunInstances from a launch template: the instance gets the template's settings."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def test_instances_from_a_launch_template_get_its_settings(target: Emulator) -> None:
    ec2, iam = target.client("ec2"), target.client("iam")
    iam.create_instance_profile(InstanceProfileName="web-profile")
    image = target.client("ssm").get_parameter(Name=cfn.AL2023_SSM)["Parameter"]["Value"]
    template_id = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": image,
        "InstanceType": "t3.micro",
        "MetadataOptions": {"HttpTokens": "required"},
        "IamInstanceProfile": {"Name": "web-profile"},
        "Monitoring": {"Enabled": True},
        "InstanceInitiatedShutdownBehavior": "terminate",
        "TagSpecifications": [{"ResourceType": "volume", "Tags": [{"Key": "app", "Value": "ec2-web-server"}]}],
    })["LaunchTemplate"]["LaunchTemplateId"]
    (instance,) = ec2.run_instances(LaunchTemplate={"LaunchTemplateId": template_id}, MinCount=1, MaxCount=1,
                                    SubnetId=cfn.default_subnet(target)["SubnetId"])["Instances"]
    found = cfn.instance(target, instance["InstanceId"])
    assert found["MetadataOptions"]["HttpTokens"] == "required"
    assert found["IamInstanceProfile"]["Arn"].endswith(":instance-profile/web-profile")
    assert found["Monitoring"]["State"] == "enabled"
    behavior = ec2.describe_instance_attribute(InstanceId=instance["InstanceId"],
                                               Attribute="instanceInitiatedShutdownBehavior")
    assert behavior["InstanceInitiatedShutdownBehavior"]["Value"] == "terminate"
    (mapping,) = found["BlockDeviceMappings"]
    (volume,) = ec2.describe_volumes(VolumeIds=[mapping["Ebs"]["VolumeId"]])["Volumes"]
    assert {"Key": "app", "Value": "ec2-web-server"} in volume.get("Tags", [])
