"""tier=autoscaling: a launch template and an Auto Scaling group behind an Application Load Balancer."""

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Match

from ec2_web_server import SettingError
from tests.unit.test_validation import build

ASG = "AWS::AutoScaling::AutoScalingGroup"
ALB = "AWS::ElasticLoadBalancingV2::LoadBalancer"
LT = "AWS::EC2::LaunchTemplate"


def only(result, type_: str) -> tuple[str, dict]:
    (item,) = result.resources(type_).items()
    return item


def test_single_tier_has_no_group_and_no_load_balancer(default):
    assert not default.resources(ASG)
    assert not default.resources(ALB)


def test_launch_template_is_the_single_tiers_instance(fleet, default):
    _, template = only(fleet, LT)
    data = template["Properties"]["LaunchTemplateData"]
    _, instance = only(default, "AWS::EC2::Instance")
    assert data["ImageId"] == instance["Properties"]["ImageId"]
    assert data["InstanceType"] == "t2.micro"
    assert data["MetadataOptions"] == {"HttpTokens": "required"}
    assert data["BlockDeviceMappings"] == [{"DeviceName": "/dev/xvda", "Ebs": {
        "DeleteOnTermination": True, "Encrypted": True, "VolumeSize": 8, "VolumeType": "gp2"}}]
    assert "IamInstanceProfile" in data
    assert data["KeyName"] == {"Ref": next(iter(fleet.resources("AWS::EC2::KeyPair")))}


def test_the_same_apache_user_data_signals_the_group(fleet):
    group_id, _ = only(fleet, ASG)
    _, template = only(fleet, LT)
    script = template["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]
    script = script if isinstance(script, str) else json.dumps(script)
    assert "-y install httpd" in script
    assert "wait_for_apache" in script
    assert f"--resource {group_id}" in script


def test_group_spans_two_zones_at_least_with_defaults_2_to_4_and_no_desired(fleet):
    _, group = only(fleet, ASG)
    props = group["Properties"]
    assert (props["MinSize"], props["MaxSize"]) == ("2", "4")
    assert "DesiredCapacity" not in props  # Auto Scaling owns it: a deploy never resets a scaled-out group
    assert len(props["VPCZoneIdentifier"]) >= 2
    assert props["HealthCheckType"] == "ELB"
    assert props["HealthCheckGracePeriod"] == 900
    assert props["TargetGroupARNs"] == [{"Ref": next(iter(fleet.resources("AWS::ElasticLoadBalancingV2::TargetGroup")))}]


def first_public_subnets(count: int) -> list[str]:
    """The first ``count`` public subnets of the example default VPC, one per zone, as cdk.context.json records them."""
    context = json.loads((Path(__file__).parents[2] / "cdk.context.json").read_text())
    (vpc,) = [value for key, value in context.items() if key.startswith("vpc-provider:")]
    (public,) = [group for group in vpc["subnetGroups"] if group["type"] == "Public"]
    first: dict[str, str] = {}
    for subnet in public["subnets"]:
        first.setdefault(subnet["availabilityZone"], subnet["subnetId"])
    return list(first.values())[:count]


def test_group_and_load_balancer_share_the_vpcs_first_two_zones_by_default(fleet):
    # Each zone costs the load balancer a public IPv4 address; it routes only to targets in its own zones.
    _, group = only(fleet, ASG)
    _, balancer = only(fleet, ALB)
    assert group["Properties"]["VPCZoneIdentifier"] == first_public_subnets(2)
    assert balancer["Properties"]["Subnets"] == group["Properties"]["VPCZoneIdentifier"]


def test_zones_widens_the_group_and_the_load_balancer_together(fleet_loaded):
    _, group = only(fleet_loaded, ASG)
    _, balancer = only(fleet_loaded, ALB)
    assert group["Properties"]["VPCZoneIdentifier"] == first_public_subnets(3)
    assert balancer["Properties"]["Subnets"] == group["Properties"]["VPCZoneIdentifier"]


def test_a_load_balancer_in_front_of_servers_covers_every_servers_zone():
    stack = build(https="true", domain_name="www.example.com", hosted_zone="example.com", instance_count="3")
    web = stack.node.find_child("WebServer")
    balancer = web.load_balancer.load_balancer.node.default_child
    assert stack.resolve(balancer.subnets) == [server.instance.instance.subnet_id for server in web.servers]
    assert len(set(stack.resolve(balancer.subnets))) == 3


def test_creation_waits_for_min_capacity_signals(fleet):
    _, group = only(fleet, ASG)
    assert group["CreationPolicy"] == {"ResourceSignal": {"Count": 2, "Timeout": "PT15M"}}


def test_rolling_updates_never_drop_below_min_capacity(fleet, fleet_loaded):
    for result, (low, high) in ((fleet, (2, 4)), (fleet_loaded, (3, 6))):
        _, group = only(result, ASG)
        update = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
        assert update["MinInstancesInService"] == low
        assert update["MaxBatchSize"] == high - low
        assert update["WaitOnResourceSignals"] is True


def test_loaded_options_reach_the_group(fleet_loaded):
    _, group = only(fleet_loaded, ASG)
    props = group["Properties"]
    assert (props["MinSize"], props["MaxSize"], props["DesiredCapacity"]) == ("3", "6", "4")
    fleet_loaded.assertions().has_resource_properties("AWS::AutoScaling::ScalingPolicy", {
        "TargetTrackingConfiguration": {"PredefinedMetricSpecification": {
            "PredefinedMetricType": "ASGAverageCPUUtilization"}, "TargetValue": 60}})
    fleet_loaded.assertions().has_resource_properties("AWS::AutoScaling::ScalingPolicy", {
        "TargetTrackingConfiguration": Match.object_like({"PredefinedMetricSpecification": Match.object_like({
            "PredefinedMetricType": "ALBRequestCountPerTarget"}), "TargetValue": 1000})})
    fleet_loaded.assertions().has_resource_properties("AWS::ElasticLoadBalancingV2::TargetGroup",
                                                      {"HealthCheckPath": "/health.html", "Matcher": {"HttpCode": "200"}})


def test_cpu_is_the_only_scaling_policy_by_default(fleet):
    fleet.assertions().resource_count_is("AWS::AutoScaling::ScalingPolicy", 1)


def attributes(result) -> dict:
    _, balancer = only(result, ALB)
    return {a["Key"]: a["Value"] for a in balancer["Properties"]["LoadBalancerAttributes"]}


def test_load_balancer_is_internet_facing_hardened_and_logs_access(fleet):
    _, balancer = only(fleet, ALB)
    assert balancer["Properties"]["Scheme"] == "internet-facing"
    attrs = attributes(fleet)
    assert attrs["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attrs["access_logs.s3.enabled"] == "true"
    assert attrs["access_logs.s3.bucket"] == {"Ref": next(iter(fleet.resources("AWS::S3::Bucket")))}
    assert attrs["deletion_protection.enabled"] == "false"


def test_deletion_protection_follows_termination_protection(fleet_loaded):
    assert attributes(fleet_loaded)["deletion_protection.enabled"] == "true"
    assert fleet_loaded.termination_protection


def test_access_logs_bucket_is_encrypted_tls_only_expiring_and_emptied_on_destroy(fleet, fleet_loaded):
    bucket_id, bucket = only(fleet, "AWS::S3::Bucket")
    props = bucket["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"}
    assert props["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 90
    assert props["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    assert bucket["DeletionPolicy"] == "Delete"
    fleet.assertions().resource_count_is("Custom::S3AutoDeleteObjects", 1)
    policy = next(iter(fleet.resources("AWS::S3::BucketPolicy").values()))
    assert policy["Properties"]["Bucket"] == {"Ref": bucket_id}
    denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert [s["Condition"] for s in denies] == [{"Bool": {"aws:SecureTransport": "false"}}]
    _, loaded_bucket = only(fleet_loaded, "AWS::S3::Bucket")
    assert loaded_bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 30


def test_keep_access_logs_keeps_the_bucket(synth_with):
    result = synth_with({"tier": "autoscaling", "keep_access_logs": "true"})
    _, bucket = only(result, "AWS::S3::Bucket")
    assert bucket["DeletionPolicy"] == "Retain"
    result.assertions().resource_count_is("Custom::S3AutoDeleteObjects", 0)


def ingress(result, group_id: str) -> list:
    group = result.template["Resources"][group_id]
    inline = group["Properties"].get("SecurityGroupIngress", [])
    separate = [r["Properties"] for r in result.resources("AWS::EC2::SecurityGroupIngress").values()
                if r["Properties"]["GroupId"] == {"Fn::GetAtt": [group_id, "GroupId"]}]
    return inline + separate


def test_instances_accept_http_only_from_the_load_balancer(fleet_loaded):
    balancer_group = only(fleet_loaded, ALB)[1]["Properties"]["SecurityGroups"][0]["Fn::GetAtt"][0]
    (instance_group,) = [k for k in fleet_loaded.resources("AWS::EC2::SecurityGroup") if k != balancer_group]
    rules = ingress(fleet_loaded, instance_group)
    http = [r for r in rules if r["FromPort"] == 80]
    assert [r.get("SourceSecurityGroupId") for r in http] == [{"Fn::GetAtt": [balancer_group, "GroupId"]}]
    assert not any(r.get("CidrIp") == "0.0.0.0/0" or r.get("CidrIpv6") == "::/0" for r in rules)
    assert [r["CidrIp"] for r in rules if r["FromPort"] == 22] == ["203.0.113.7/32"]  # SSH as today
    balancer_rules = ingress(fleet_loaded, balancer_group)
    assert {(r["FromPort"], r.get("CidrIp") or r.get("CidrIpv6")) for r in balancer_rules} == {
        (80, "0.0.0.0/0"), (80, "::/0")}


def test_outputs_give_the_site_the_group_and_a_way_in(fleet):
    outputs = fleet.template["Outputs"]
    assert outputs["SiteUrl"]["Value"]["Fn::Join"][1][1] == {
        "Fn::GetAtt": [next(iter(fleet.resources(ALB))), "DNSName"]}
    assert outputs["AutoScalingGroupName"]["Value"] == {"Ref": next(iter(fleet.resources(ASG)))}
    assert "aws ssm start-session" in json.dumps(outputs["SessionManagerCommand"]["Value"])
    assert not any(name.startswith("Server1") for name in outputs)


def test_data_volumes_become_block_devices_deleted_with_each_instance(fleet_loaded):
    _, template = only(fleet_loaded, LT)
    mappings = template["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"]
    assert {"DeviceName": "/dev/sdf", "Ebs": {"DeleteOnTermination": True, "Encrypted": True, "VolumeSize": 20,
                                              "VolumeType": "gp3"}} in mappings
    fleet_loaded.assertions().resource_count_is("AWS::EC2::Volume", 0)


@pytest.mark.parametrize(("context", "match"), [
    ({"elastic_ip": "true"}, r"^elastic_ip: got True; only applies to tier=single: instances in an Auto Scaling group "
                             r"are replaceable"),
    ({"instance_count": "2"}, r"^instance_count: got 2; only applies to tier=single"),
    ({"private_ip": "172.31.0.10"}, r"^private_ip: got '172.31.0.10'; only applies to tier=single"),
    ({"detach_volumes": "true"}, r"^detach_volumes: got True; only applies to tier=single"),
    ({"volumes": '[{"size": 10}]'}, r"^volumes\[0\].on_destroy: got 'snapshot'; must be delete with tier=autoscaling"),
    ({"volumes": '[{"size": 10, "on_destroy": "retain"}]'}, r"^volumes\[0\].on_destroy: got 'retain'; must be delete"),
    ({"min_capacity": "3", "max_capacity": "2"}, r"^max_capacity: got 2; must be above min_capacity \(3\), so that a "
                                                 r"rolling update can start new instances"),
    ({"min_capacity": "2", "max_capacity": "2"}, r"^max_capacity: got 2; must be above min_capacity"),
    ({"min_capacity": "0"}, r"^min_capacity: got 0; must be at least 1, so that the site always has a server"),
    ({"desired_capacity": "9"}, r"^desired_capacity: got 9; must lie from min_capacity to max_capacity \(2 to 4\)"),
    ({"cpu_target": "0"}, r"^cpu_target: got 0; must be a percentage above 0 and at most 100"),
    ({"cpu_target": "100.5"}, r"^cpu_target: got 100.5; must be a percentage above 0 and at most 100"),
    ({"requests_per_target": "0"}, r"^requests_per_target: got 0; must be a whole number of requests"),
    ({"health_check_path": "health"}, r"^health_check_path: got 'health'; must start with /"),
    ({"health_check_path": "/a b"}, r"^health_check_path: got '/a b'; must start with / and hold at most 1024 printable"),
    ({"access_log_days": "0"}, r"^access_log_days: got 0; must be at least 1 day"),
    ({"placement_group": "cluster", "instance_type": "m5.large"}, r"^placement_group: got 'cluster'; a cluster "
                                                                  r"placement group lives in one Availability Zone"),
    # A spread group: at most 7 running instances per Availability Zone, and the group has `zones` of them.
    ({"placement_group": "spread", "max_capacity": "15"}, r"^placement_group: got 'spread'; a spread group holds at "
                                                          r"most 7 instances per Availability Zone, 14 in the group's 2 "
                                                          r"zones, and max_capacity is 15; raise zones or lower "
                                                          r"max_capacity"),
    ({"ingress": '[{"port": 8080, "cidr": "0.0.0.0/0"}]'}, r"^ingress\[0\].port: got 8080; with a load balancer, "
                                                           r"ingress says who may reach it"),
    ({"tier": "cluster"}, r"^tier: got 'cluster'; must be single or autoscaling"),
    ({"zones": "1"}, r"^zones: got 1; must be at least 2: an Application Load Balancer spans two Availability Zones"),
    ({"zones": "7"}, r"^zones: got 7; is more than the 6 Availability Zone\(s\) of the group's subnets"),
])
def test_autoscaling_rule(context, match):
    with pytest.raises(SettingError, match=match):
        build(**{"tier": "autoscaling", **context})


def test_autoscaling_settings_are_refused_with_the_single_tier():
    with pytest.raises(SettingError, match=r"^min_capacity: got 3; only applies to tier=autoscaling \(add -c "
                                           r"tier=autoscaling\)"):
        build(min_capacity="3")


def test_zones_is_refused_without_a_load_balancer():
    with pytest.raises(SettingError, match=r"^zones: got 3; only applies with a load balancer: tier=autoscaling, or "
                                           r"https$"):
        build(zones="3")


def test_a_vpc_with_public_subnets_in_one_zone_is_refused():
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2

    from ec2_web_server import AutoScaling, WebServer

    stack = cdk.Stack(cdk.App(), "OneZone", env=cdk.Environment(account="123456789012", region="us-east-1"))
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["us-east-1a"],
                                      public_subnet_ids=["subnet-0123456789abcdef0"])
    with pytest.raises(SettingError, match=r"^vpc_id: got 'vpc-0123456789abcdef0'; needs public subnets in two "
                                           r"Availability Zones at least"):
        WebServer(stack, "Web", vpc=vpc, machine_image=ec2.MachineImage.generic_linux({"us-east-1": "ami-0123abcd"}),
                  auto_scaling=AutoScaling())


def test_auto_delete_lambda_logs_to_a_group_of_the_stacks_with_a_retention(fleet, synth_with):
    # The CDK's auto-delete Lambda would create /aws/lambda/<function> itself, never expiring and outliving the
    # stack (aws/aws-cdk#26553): it logs to a group the stack owns instead.
    ((name, handler),) = [(n, r) for n, r in fleet.resources("AWS::Lambda::Function").items()
                          if n.startswith("CustomS3AutoDeleteObjectsCustomResourceProviderHandler")]
    (group_id,) = [v for v in handler["Properties"]["LoggingConfig"]["LogGroup"].values()]
    group = fleet.template["Resources"][group_id]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert "LogGroupName" not in group["Properties"]  # generated: never the name an earlier stack left behind
    assert group["Properties"]["RetentionInDays"] == 7
    assert group["DeletionPolicy"] == "Delete"
    kept = synth_with({"tier": "autoscaling", "keep_access_logs": "true"})
    assert not [r for r in kept.resources("AWS::Lambda::Function").values() if "LoggingConfig" in r["Properties"]]
