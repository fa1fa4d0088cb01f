"""make cost on the edge (cost_model/services/wafv2.py, cloudfront.py; route53.py's alias to a distribution; elbv2.py's
dualstack-without-public-ipv4), on the heaviest edge combination synthesized once per run (tests/conftest.py EDGE)."""

import copy
from decimal import Decimal

import pytest

from cost_model.estimate import estimate_template
from cost_model.prices import Prices
from tests.conftest import EDGE


@pytest.fixture(scope="module")
def edge(synth_with):
    return synth_with(EDGE)


def lines(template, resource_prefix):
    estimate = estimate_template(template, region="us-east-1", prices=Prices.load())
    return [line for line in estimate.lines if line.resource.startswith(resource_prefix)]


def test_waf_prices_the_web_acl_each_rule_and_the_requests(edge):
    found = {line.unit: line for line in lines(edge.template, "WebServerFirewallWebAcl")}
    assert found["web ACL"].monthly == Decimal("5.00")
    assert found["rule"].quantity == 4  # the rate rule and three managed rule groups
    assert found["rule"].monthly == Decimal("4.00")
    assert found["request"].monthly == Decimal("0.60")
    (logs,) = lines(edge.template, "WebServerFirewallLogging")
    assert logs.monthly == Decimal("0.75")  # 1.5 GB of vended logs at $0.50


def test_cloudfront_requests_and_data_out_are_within_the_free_tier(edge):
    found = {line.unit: line for line in lines(edge.template, "WebServerCdnDistribution")}
    assert "1,000,000 a month, assumed" in found["request"].item
    assert "50 GB a month, assumed" in found["GB"].item
    assert found["request"].monthly == found["GB"].monthly == 0


def test_alias_records_to_the_distribution_are_free(edge):
    records = lines(edge.template, "WebServerDomainRecord")
    assert len(records) == 2
    assert all("to a CloudFront distribution" in line.item and line.monthly == 0 for line in records)


def test_dualstack_without_public_ipv4_drops_the_load_balancers_addresses(edge):
    before = [line for line in lines(edge.template, "WebServerLoadBalancer") if line.unit == "address"]
    assert before[0].monthly == Decimal("7.30")  # two zones, $0.005 an hour each
    template = copy.deepcopy(edge.template)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            resource["Properties"]["IpAddressType"] = "dualstack-without-public-ipv4"
    after = [line for line in lines(template, "WebServerLoadBalancer") if line.unit == "address"]
    assert after == []
