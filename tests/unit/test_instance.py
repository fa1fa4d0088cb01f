"""The instance: AMI, type, IMDSv2, root volume, role, user data wiring, instance details."""

from aws_cdk.assertions import Match

from constants import EXAMPLE_REGION
from ec2_web_server.boot import INSTALL_APACHE_SCRIPT, ON_EXIT_SCRIPT
from tests.conftest import base_context

INSTANCE = "AWS::EC2::Instance"
AL2_PARAMETER = "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2"
AL2023_ARM_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64"


def pinned_ami(parameter: str) -> str:
    return base_context()[f"ssm:account=123456789012:parameterName={parameter}:region={EXAMPLE_REGION}"]


def test_default_is_one_t2_micro(default):
    default.assertions().resource_count_is(INSTANCE, 1)
    default.assertions().has_resource_properties(INSTANCE, {"InstanceType": "t2.micro"})


def test_ami_is_pinned_from_context_not_resolved_at_deploy(default):
    # A literal AMI id (from cdk.context.json), not an SSM parameter the deploy would re-resolve.
    default.assertions().has_resource_properties(INSTANCE, {"ImageId": pinned_ami(AL2_PARAMETER)})
    ssm_parameters = [name for name, p in default.template.get("Parameters", {}).items()
                      if "AWS::SSM::Parameter::Value" in p["Type"]]
    assert ssm_parameters == ["BootstrapVersion"]


def test_arm_instance_type_gets_an_arm_ami(synth_with):
    result = synth_with({"instance_type": "t4g.micro", "machine_image": "amazon-linux-2023"})
    result.assertions().has_resource_properties(INSTANCE, {"ImageId": pinned_ami(AL2023_ARM_PARAMETER)})


def test_custom_ami_id_is_used_as_given(synth_with):
    result = synth_with({"machine_image": "ami-0123456789abcdef0"})
    result.assertions().has_resource_properties(INSTANCE, {"ImageId": "ami-0123456789abcdef0"})


def test_imdsv2_is_required(default):
    # AwsSolutions has no IMDSv2 rule, so this test is the proof.
    default.assertions().has_resource_properties(INSTANCE, {"MetadataOptions": {"HttpTokens": "required"}})


def test_root_volume_is_declared_encrypted_gp2_8gib_and_deleted_with_instance(default):
    default.assertions().has_resource_properties(INSTANCE, {"BlockDeviceMappings": [{
        "DeviceName": "/dev/xvda",
        "Ebs": {"VolumeSize": 8, "VolumeType": "gp2", "Encrypted": True, "DeleteOnTermination": True},
    }]})


def test_gp3_root_with_custom_iops(loaded):
    loaded.assertions().has_resource_properties(INSTANCE, {"BlockDeviceMappings": Match.array_with([{
        "DeviceName": "/dev/xvda",
        "Ebs": {"VolumeSize": 30, "VolumeType": "gp3", "Iops": 6000, "Encrypted": True, "DeleteOnTermination": True},
    }])})


def test_role_allows_session_manager(default):
    default.assertions().has_resource_properties("AWS::IAM::Role", {
        "AssumeRolePolicyDocument": {"Statement": [Match.object_like({"Principal": {"Service": "ec2.amazonaws.com"}})]},
        "ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                                 ":iam::aws:policy/AmazonSSMManagedInstanceCore"]]}],
    })


def test_iam_policies_are_added_to_the_role(loaded):
    loaded.assertions().has_resource_properties("AWS::IAM::Role", {
        "ManagedPolicyArns": Match.array_with(["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]),
    })


def test_instance_profile_uses_the_role(default):
    default.assertions().has_resource_properties("AWS::IAM::InstanceProfile", {
        "Roles": [{"Ref": next(iter(default.resources("AWS::IAM::Role")))}],
    })


def test_creation_policy_waits_for_one_signal(default):
    instance = next(iter(default.resources(INSTANCE).values()))
    signal = instance["CreationPolicy"]["ResourceSignal"]
    assert signal["Timeout"] == "PT15M"
    assert signal.get("Count", 1) == 1


def test_name_and_app_tags(default):
    instance = next(iter(default.resources(INSTANCE).values()))
    tags = {t["Key"]: t["Value"] for t in instance["Properties"]["Tags"]}
    assert tags == {"Name": "web-server", "app": "ec2-web-server"}


def test_custom_tags_reach_every_taggable_resource(loaded):
    for logical_id, resource in loaded.template["Resources"].items():
        if resource["Type"] in ("AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::EC2::EIP",
                                "AWS::EC2::SecurityGroup", "AWS::IAM::Role", "AWS::EC2::PlacementGroup"):
            tags = {t["Key"]: t["Value"] for t in resource["Properties"].get("Tags", [])}
            assert tags.get("team") == "web", logical_id
            assert tags.get("cost-center") == "1234", logical_id


def test_user_tags_skip_the_key_pair_whose_properties_are_all_replace_only(synth_with):
    result = synth_with({"tags": '{"team": "web"}'})
    (key,) = result.resources("AWS::EC2::KeyPair").values()
    assert key["Properties"]["Tags"] == [{"Key": "app", "Value": "ec2-web-server"}]


def test_root_volume_gets_the_tags_too(default):
    default.assertions().has_resource_properties(INSTANCE, {"PropagateTagsToVolumeOnCreation": True})


def test_defaults_stop_on_shutdown_without_termination_protection(default):
    default.assertions().has_resource_properties(INSTANCE, {
        "InstanceInitiatedShutdownBehavior": "stop", "DisableApiTermination": False, "Monitoring": False})
    assert default.termination_protection is False


def test_shutdown_behavior_terminate(synth_with):
    synth_with({"shutdown_behavior": "terminate"}).assertions().has_resource_properties(
        INSTANCE, {"InstanceInitiatedShutdownBehavior": "terminate"})


def test_termination_protection_protects_instance_and_stack(synth_with):
    result = synth_with({"termination_protection": "true"})
    result.assertions().has_resource_properties(INSTANCE, {"DisableApiTermination": True})
    # Stack protection makes `cdk destroy` fail before it deletes anything.
    assert result.termination_protection is True


def test_detailed_monitoring(loaded):
    loaded.assertions().has_resource_properties(INSTANCE, {"Monitoring": True})


def test_two_instances_each_with_outputs(loaded):
    loaded.assertions().resource_count_is(INSTANCE, 2)
    outputs = loaded.template["Outputs"]
    for i in (1, 2):
        for name in ("WebUrl", "PublicIp", "InstanceId", "SshCommand"):
            assert f"Server{i}{name}" in outputs


def zone_of(result, server: int) -> str:
    return next(r["Properties"]["AvailabilityZone"] for k, r in result.resources(INSTANCE).items()
                if k.startswith(f"WebServerServer{server}"))


def test_servers_are_spread_over_availability_zones_with_their_volumes(loaded):
    assert zone_of(loaded, 1) != zone_of(loaded, 2)
    for key, volume in loaded.resources("AWS::EC2::Volume").items():
        server = int(key[len("WebServerServer")])
        assert volume["Properties"]["AvailabilityZone"] == zone_of(loaded, server)


def test_a_pinned_subnet_holds_every_server(synth_with):
    subnet = "subnet-c8d870c350fade4f9"  # the default VPC's second public subnet (cdk.context.json)
    result = synth_with({"instance_count": "3", "subnet_id": subnet})
    assert {r["Properties"]["SubnetId"] for r in result.resources(INSTANCE).values()} == {subnet}


def test_a_cluster_placement_group_keeps_servers_in_one_zone(synth_with):
    result = synth_with({"instance_type": "m5.large", "instance_count": "2", "placement_group": "cluster"})
    assert zone_of(result, 1) == zone_of(result, 2)


def test_spread_placement_group_is_created_and_used(loaded):
    loaded.assertions().has_resource_properties("AWS::EC2::PlacementGroup", {"Strategy": "spread"})
    group = next(iter(loaded.resources("AWS::EC2::PlacementGroup")))
    loaded.assertions().has_resource_properties(INSTANCE, {"PlacementGroupName": {"Fn::GetAtt": [group, "GroupName"]}})


def test_existing_placement_group_by_name(synth_with):
    result = synth_with({"placement_group": "my-group"})
    result.assertions().resource_count_is("AWS::EC2::PlacementGroup", 0)
    result.assertions().has_resource_properties(INSTANCE, {"PlacementGroupName": "my-group"})


def test_private_ip(synth_with):
    synth_with({"private_ip": "172.31.0.10"}).assertions().has_resource_properties(
        INSTANCE, {"PrivateIpAddress": "172.31.0.10"})


def test_instance_store_volumes_are_mapped(synth_with):
    result = synth_with({"instance_type": "m5d.large", "instance_store": "true"})
    result.assertions().has_resource_properties(INSTANCE, {"BlockDeviceMappings": Match.array_with([
        {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}])})


def test_user_data_signals_cloudformation_with_its_exit_status(default):
    instance_id, instance = next(iter(default.resources(INSTANCE).items()))
    script = instance["Properties"]["UserData"]["Fn::Base64"]
    assert isinstance(script, str)
    assert "trap exitTrap EXIT" in script
    assert f"--resource {instance_id}" in script
    assert f"--region {EXAMPLE_REGION}" in script
    assert INSTALL_APACHE_SCRIPT.read_text() in script
    # The success check runs in the trap, before the signal, so later steps run before it too.
    assert script.index(ON_EXIT_SCRIPT.read_text()) < script.index("cfn-signal") < script.index("set -euo pipefail")


def test_amazon_linux_2_warns_of_its_end_of_support_and_names_the_switch(default, loaded):
    assert any("2026-06-30" in w and "-c machine_image=amazon-linux-2023" in w for w in default.warnings)
    assert not any("2026-06-30" in w for w in loaded.warnings)  # loaded runs AL2023


def test_more_elastic_ips_than_the_default_quota_warn(synth_with, loaded):
    result = synth_with({"instance_count": "6"})
    assert any("default quota of 5" in w for w in result.warnings)
    assert not any("default quota" in w for w in loaded.warnings)
