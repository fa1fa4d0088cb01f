"""Application Load Balancer, target group and listeners as CloudFormation makes them."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

from emulator import Emulator

ELB_ACCOUNT = "127311923021"  # Elastic Load Balancing's log writer in us-east-1


def _logs_policy(prefix: str = "lb") -> dict:
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Logs"}, "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ELB_ACCOUNT}:root"}, "Action": "s3:PutObject",
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Logs", "Arn"]}, f"/{prefix}/AWSLogs/123456789012/*"]]},
        }]}}}


def _site(emu: Emulator, *, policy: bool = True, protect: bool = False, delay: str = "30") -> dict:
    vpc = cfn.default_vpc_id(emu)
    resources = {
        "LbSg": cfn.web_sg(vpc),
        "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}},
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
            "Scheme": "internet-facing", "Type": "application", "Subnets": cfn.subnets(emu),
            "SecurityGroups": [{"Fn::GetAtt": ["LbSg", "GroupId"]}],
            "LoadBalancerAttributes": [
                {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                {"Key": "deletion_protection.enabled", "Value": str(protect).lower()},
                {"Key": "access_logs.s3.enabled", "Value": "true"},
                {"Key": "access_logs.s3.bucket", "Value": {"Ref": "Logs"}},
                {"Key": "access_logs.s3.prefix", "Value": "lb"}],
            "Tags": [{"Key": "app", "Value": "ec2-web-server"}]},
            "DependsOn": ["LogsPolicy"] if policy else []},
        "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
            "Port": 80, "Protocol": "HTTP", "VpcId": vpc, "TargetType": "instance", "HealthCheckPath": "/",
            "TargetGroupAttributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": delay}],
            "Tags": [{"Key": "app", "Value": "ec2-web-server"}]}},
        "Http": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Lb"}, "Port": 80, "Protocol": "HTTP",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]}},
    }
    if policy:
        resources["LogsPolicy"] = _logs_policy()
    return cfn.template(resources, outputs={
        "Zone": {"Value": {"Fn::GetAtt": ["Lb", "CanonicalHostedZoneID"]}},
        "FullName": {"Value": {"Fn::GetAtt": ["Lb", "LoadBalancerFullName"]}},
        "TargetGroupFullName": {"Value": {"Fn::GetAtt": ["Tg", "TargetGroupFullName"]}},
    })


def _attributes(emu: Emulator) -> dict[str, str]:
    found = emu.client("elbv2").describe_load_balancer_attributes(LoadBalancerArn=cfn.physical_id(emu, "Lb"))
    return {a["Key"]: a["Value"] for a in found["Attributes"]}


def test_load_balancer_attributes_and_access_log_test_file(target: Emulator) -> None:
    assert cfn.deploy(target, _site(target)) == "CREATE_COMPLETE", cfn.failures(target)
    attributes = _attributes(target)
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert (attributes["access_logs.s3.enabled"], attributes["access_logs.s3.prefix"]) == ("true", "lb")
    objects = target.client("s3").list_objects_v2(Bucket=cfn.physical_id(target, "Logs"))["Contents"]
    assert [o["Key"] for o in objects] == ["lb/AWSLogs/123456789012/ELBAccessLogTestFile"]


def test_access_logs_to_a_bucket_elb_cannot_write_fail(target: Emulator) -> None:
    assert cfn.deploy(target, _site(target, policy=False)) == "ROLLBACK_COMPLETE"
    assert any("Access Denied for bucket" in f for f in cfn.failures(target))


def test_load_balancer_attributes_for_records_and_alarms(target: Emulator) -> None:
    assert cfn.deploy(target, _site(target)) == "CREATE_COMPLETE", cfn.failures(target)
    lb_arn, tg_arn = cfn.physical_id(target, "Lb"), cfn.physical_id(target, "Tg")
    assert cfn.outputs(target) == {
        "Zone": "Z35SXDOTRQ7X7K",
        "FullName": lb_arn.split(":loadbalancer/")[1],
        "TargetGroupFullName": tg_arn.split(":")[-1],
    }


def test_deletion_protection_blocks_the_stack_delete(target: Emulator) -> None:
    assert cfn.deploy(target, _site(target, protect=True)) == "CREATE_COMPLETE", cfn.failures(target)
    assert cfn.delete(target) == "DELETE_FAILED"
    assert any("deletion protection is enabled" in f for f in cfn.failures(target))
    assert target.client("elbv2").describe_load_balancers()["LoadBalancers"]


def test_target_group_attributes_updated_in_place_and_deleted_with_the_stack(target: Emulator) -> None:
    assert cfn.deploy(target, _site(target)) == "CREATE_COMPLETE", cfn.failures(target)
    elbv2 = target.client("elbv2")
    arn = cfn.physical_id(target, "Tg")

    def delay() -> str:
        found = elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]
        return {a["Key"]: a["Value"] for a in found}["deregistration_delay.timeout_seconds"]

    assert delay() == "30"
    assert cfn.deploy(target, _site(target, delay="60")) == "UPDATE_COMPLETE", cfn.failures(target)
    assert (cfn.physical_id(target, "Tg"), delay()) == (arn, "60")
    # The access log test file keeps the bucket from being deleted: empty it, as the CDK's provider would.
    s3 = target.client("s3")
    s3.delete_object(Bucket=cfn.physical_id(target, "Logs"), Key="lb/AWSLogs/123456789012/ELBAccessLogTestFile")
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert elbv2.describe_target_groups()["TargetGroups"] == []


def test_https_listener_refuses_a_certificate_not_issued(target: Emulator) -> None:
    elbv2, acm = target.client("elbv2"), target.client("acm")
    assert cfn.deploy(target, _site(target)) == "CREATE_COMPLETE", cfn.failures(target)
    pending = acm.request_certificate(DomainName="www.example.org", ValidationMethod="DNS")["CertificateArn"]
    with pytest.raises(elbv2.exceptions.ClientError, match="CertificateNotFound"):
        elbv2.create_listener(
            LoadBalancerArn=cfn.physical_id(target, "Lb"), Port=443, Protocol="HTTPS",
            SslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", Certificates=[{"CertificateArn": pending}],
            DefaultActions=[{"Type": "forward", "TargetGroupArn": cfn.physical_id(target, "Tg")}])
    with pytest.raises(elbv2.exceptions.ClientError, match="SSLPolicyNotFound"):
        elbv2.create_listener(
            LoadBalancerArn=cfn.physical_id(target, "Lb"), Port=8443, Protocol="HTTP",
            SslPolicy="ELBSecurityPolicy-Nonexistent", DefaultActions=[
                {"Type": "forward", "TargetGroupArn": cfn.physical_id(target, "Tg")}])
