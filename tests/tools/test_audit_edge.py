"""make audit finds the edge's leftovers (tools/audit/edge.py): a tagged WAF web ACL (with its monthly fee), WAF's
log group, a tagged CloudFront distribution and a tagged VPC, each with the command that deletes it."""

from __future__ import annotations

from decimal import Decimal

from constants import APP_TAG_KEY, APP_TAG_VALUE, STACK_NAME
from emulator import REGION, Emulator
from tools import audit

TAG = [{"Key": APP_TAG_KEY, "Value": APP_TAG_VALUE}]


def test_the_audit_finds_the_edge_leftovers(emu: Emulator) -> None:
    wafv2, cloudfront, ec2, logs = (emu.client(s) for s in ("wafv2", "cloudfront", "ec2", "logs"))
    visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
    acl = wafv2.create_web_acl(Name="acl", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility,
                               Rules=[{"Name": "rate", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig":
                                       visibility, "Statement": {"RateBasedStatement": {"Limit": 100,
                                                                                         "AggregateKeyType": "IP"}}}],
                               Tags=TAG)["Summary"]
    wafv2.create_web_acl(Name="not-ours", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility)
    logs.create_log_group(logGroupName=f"aws-waf-logs-{STACK_NAME}-0123abcd")
    distribution = cloudfront.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": {
            "CallerReference": "edge", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "lb.example.com", "CustomOriginConfig": {
                "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "83da9c7e-98b4-4e11-a168-04f0df8e2c65"}},
        "Tags": {"Items": TAG}})["Distribution"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": TAG}])["Vpc"]

    report = audit.audit(REGION, APP_TAG_KEY, APP_TAG_VALUE, stack_name=STACK_NAME, endpoint_url=emu.endpoint)
    found = {finding.kind: finding for finding in report.findings if finding.kind in
             ("web-acl", "distribution", "vpc", "log-group")}
    assert found["web-acl"].resource_id == acl["ARN"]
    assert found["web-acl"].monthly == Decimal("6.00")  # $5 the web ACL, $1 its one rule
    assert "delete-web-acl" in found["web-acl"].remove[0]
    assert found["distribution"].resource_id == distribution["Id"]
    assert "delete-distribution" in found["distribution"].remove[0]
    assert found["vpc"].resource_id == vpc["VpcId"]
    assert found["log-group"].resource_id == f"aws-waf-logs-{STACK_NAME}-0123abcd"
    assert not found["web-acl"].intended
    assert sum(1 for f in report.findings if f.kind == "web-acl") == 1  # the untagged one is not ours
