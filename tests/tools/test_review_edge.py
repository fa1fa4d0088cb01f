"""`make diff`'s words for the edge (tools/review_diff/edge.py): a WAF web ACL added, its rate limit changed, a
CloudFront distribution deleted (disabled first), a VPC replaced, a load balancer made dual-stack. Small templates,
no synthesis."""

import copy

from constants import EXAMPLE_REGION, STACK_NAME
from tests.tools.pairs import resources
from tools.review_diff import render_review, summarize


def acl(limit=2000):
    return {"Type": "AWS::WAFv2::WebACL", "Properties": {
        "Scope": "REGIONAL", "DefaultAction": {"Allow": {}},
        "VisibilityConfig": {"CloudWatchMetricsEnabled": True, "MetricName": "acl", "SampledRequestsEnabled": True},
        "Rules": [
            {"Name": "Rate", "Priority": 0, "Action": {"Block": {}},
             "Statement": {"RateBasedStatement": {"Limit": limit, "AggregateKeyType": "IP"}},
             "VisibilityConfig": {"CloudWatchMetricsEnabled": True, "MetricName": "r", "SampledRequestsEnabled": True}},
            {"Name": "Common", "Priority": 1, "OverrideAction": {"None": {}},
             "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}},
             "VisibilityConfig": {"CloudWatchMetricsEnabled": True, "MetricName": "c", "SampledRequestsEnabled": True}},
        ]}}


DISTRIBUTION = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
    "Enabled": True, "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https"},
    "Origins": [{"Id": "o", "DomainName": "lb.example.com", "CustomOriginConfig": {"OriginProtocolPolicy": "http-only"}}]}}}
VPC = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}


def review(before, after):
    return render_review(summarize(before, after, stack=STACK_NAME, region=EXAMPLE_REGION))


def test_a_new_web_acl_is_flagged_as_filtering_requests():
    text = review(resources(), resources(Acl=acl()))
    assert "- **Starts filtering requests with WAF web ACL `Acl`: a client address over 2000 requests in 5 minutes, " \
           "or a request matching AWSManagedRulesCommonRuleSet, is answered 403.**" in text
    # the cost change prices it: $5 the web ACL, $1 each of its two rules, $0.60 for an assumed million requests
    assert "while running $0.00 to $7.60 a month (+$7.60)" in text


def test_a_changed_rate_limit_is_said():
    text = review(resources(Acl=acl(2000)), resources(Acl=acl(500)))
    assert "WAF web ACL `Acl`: rate limit per client address 2000 to 500 requests in 5 minutes (in place)." in text


def test_a_deleted_distribution_is_disabled_first():
    text = review(resources(Cdn=DISTRIBUTION), resources())
    assert "**Deletes CloudFront distribution `Cdn`: CloudFormation disables it, waits until every edge location " \
           "has it disabled, then deletes it" in text


def test_a_replaced_vpc_takes_everything_in_it():
    after = copy.deepcopy(VPC)
    after["Properties"]["CidrBlock"] = "10.1.0.0/16"
    text = review(resources(Vpc=VPC), resources(Vpc=after))
    assert "**Replaces VPC `Vpc`: everything in it" in text


def test_a_load_balancer_made_dual_stack_is_said():
    balancer = {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Scheme": "internet-facing", "Subnets": ["subnet-1", "subnet-2"], "Type": "application"}}
    dual = copy.deepcopy(balancer)
    dual["Properties"]["IpAddressType"] = "dualstack"
    text = review(resources(Lb=balancer), resources(Lb=dual))
    assert "Load balancer `Lb`: IP address type ipv4 to dualstack (in place)." in text
