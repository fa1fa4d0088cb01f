"""The edge: waf (a regional WAF web ACL on the load balancer), cloudfront (a distribution in front of it) and the
stack's own dual-stack VPC (vpc_id=new, ip_version=dualstack). One synthesis of the heaviest combination (EDGE)
serves the template tests; the refusals build the app without synthesizing."""

import json

import pytest
from aws_cdk.assertions import Match

from app import build_app
from ec2_web_server import SettingError, WebServer
from ec2_web_server.edge import (
    CLOUDFRONT_PREFIX_LIST,
    DEFAULT_WAF_RATE_LIMIT,
    WAF_LOG_GROUP_PREFIX,
    WAF_MANAGED_RULE_GROUPS,
    WAF_RATE_LIMIT_MIN,
)
from tests.conftest import EDGE, base_context


def build(**context):
    return build_app(context={**base_context(), **context})[1]


@pytest.fixture(scope="module")
def edge(synth_with):
    return synth_with(EDGE)


def only(synth, kind):
    found = synth.resources(kind)
    assert len(found) == 1, f"{kind}: {list(found)}"
    return next(iter(found.values()))["Properties"]


# waf ------------------------------------------------------------------------------------------------------------


def test_waf_is_a_regional_web_acl_with_the_managed_groups_and_a_rate_rule(edge):
    acl = only(edge, "AWS::WAFv2::WebACL")
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    groups = [rule["Statement"]["ManagedRuleGroupStatement"]["Name"] for rule in acl["Rules"]
              if "ManagedRuleGroupStatement" in rule["Statement"]]
    assert set(groups) >= {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                           "AWSManagedRulesAmazonIpReputationList"}
    rate = [rule for rule in acl["Rules"] if "RateBasedStatement" in rule["Statement"]]
    assert len(rate) == 1
    # Behind CloudFront every connection comes from CloudFront: the viewer's address is X-Forwarded-For's first.
    assert rate[0]["Statement"]["RateBasedStatement"] == {
        "Limit": 500, "AggregateKeyType": "FORWARDED_IP",
        "ForwardedIPConfig": {"HeaderName": "X-Forwarded-For", "FallbackBehavior": "MATCH"}}
    assert rate[0]["Action"] == {"Block": {}}
    assert len({rule["Priority"] for rule in acl["Rules"]}) == len(acl["Rules"]) == 1 + len(WAF_MANAGED_RULE_GROUPS)


def test_waf_is_associated_with_the_load_balancer(edge):
    association = only(edge, "AWS::WAFv2::WebACLAssociation")
    (balancer_id,) = edge.resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
    (acl_id,) = edge.resources("AWS::WAFv2::WebACL")
    assert association["ResourceArn"] == {"Ref": balancer_id}
    assert association["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}


def test_waf_logs_to_an_aws_waf_logs_group_with_a_retention(edge):
    logging = only(edge, "AWS::WAFv2::LoggingConfiguration")
    groups = {i: r["Properties"] for i, r in edge.resources("AWS::Logs::LogGroup").items()
              if str(r["Properties"].get("LogGroupName", "")).startswith(WAF_LOG_GROUP_PREFIX)}
    assert len(groups) == 1
    (group,) = groups.values()
    assert group["RetentionInDays"] == 30
    destination = json.dumps(logging["LogDestinationConfigs"])
    assert group["LogGroupName"] in destination
    assert ":*" not in destination


def test_waf_needs_a_load_balancer():
    with pytest.raises(SettingError, match=r"^waf: got True; needs a load balancer .*cannot be associated with an "
                                           r"EC2 instance$"):
        build(waf="true")


@pytest.mark.parametrize("limit", [str(WAF_RATE_LIMIT_MIN - 1), "2000000001"])
def test_waf_rate_limit_outside_aws_limits_is_refused(limit):
    with pytest.raises(SettingError, match=rf"^waf_rate_limit: got {limit}; must be 10 to 2,000,000,000"):
        build(tier="autoscaling", waf="true", waf_rate_limit=limit)


def test_waf_rate_limit_without_waf_is_refused():
    with pytest.raises(SettingError, match=r"^waf_rate_limit: got 500; only applies with waf=true$"):
        build(tier="autoscaling", waf_rate_limit="500")


def test_waf_rate_limit_default_is_the_documented_one():
    import inspect

    assert inspect.signature(WebServer.__init__).parameters["waf_rate_limit"].default == DEFAULT_WAF_RATE_LIMIT


def test_waf_on_a_single_server_with_https_builds_the_web_acl():
    stack = build(waf="true", https="true", domain_name="www.example.com", hosted_zone="example.com")
    web = stack.node.find_child("WebServer")
    assert web.firewall is not None
    assert stack.resolve(web.firewall.association.resource_arn) == stack.resolve(
        web.load_balancer.load_balancer.load_balancer_arn)
    # without CloudFront the rule counts the connection's own address
    rules = stack.resolve(web.firewall.web_acl.rules)
    rate = next(rule for rule in rules if "rateBasedStatement" in rule["statement"])
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"


# cloudfront -----------------------------------------------------------------------------------------------------


def test_cloudfront_distribution_redirects_viewers_to_https(edge):
    config = only(edge, "AWS::CloudFront::Distribution")["DistributionConfig"]
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["CachePolicyId"]  # a managed policy for web sites (the origin's Cache-Control)
    (balancer_id,) = edge.resources("AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert config["Origins"][0]["DomainName"] == {"Fn::GetAtt": [balancer_id, "DNSName"]}
    assert config["Aliases"] == ["www.example.com"]
    assert config["ViewerCertificate"]["SslSupportMethod"] == "sni-only"


def test_cloudfront_load_balancer_admits_only_the_origin_facing_prefix_list(edge):
    (group_id,) = [i for i, r in edge.resources("AWS::EC2::SecurityGroup").items()
                   if "load balancer" in r["Properties"]["GroupDescription"]]
    inline = edge.template["Resources"][group_id]["Properties"].get("SecurityGroupIngress", [])
    separate = [r["Properties"] for r in edge.resources("AWS::EC2::SecurityGroupIngress").values()
                if r["Properties"]["GroupId"] == {"Fn::GetAtt": [group_id, "GroupId"]}]
    rules = inline + separate
    assert len(rules) == 1  # the prefix list weighs 55 of the group's 60 rules
    assert rules[0]["SourcePrefixListId"].startswith("pl-")
    assert rules[0]["FromPort"] == 443  # the load balancer has the name's certificate: CloudFront uses HTTPS
    cidrs = [r["Properties"].get("CidrIp") for r in edge.resources("AWS::EC2::SecurityGroupIngress").values()]
    assert "0.0.0.0/0" not in cidrs + [rule.get("CidrIp") for rule in inline]


def test_cloudfront_prefix_list_lookup_is_recorded_in_cdk_context():
    from pathlib import Path

    context = json.loads((Path(__file__).parents[2] / "cdk.context.json").read_text())
    assert any(CLOUDFRONT_PREFIX_LIST in key for key in context), "run make context"


def test_cloudfront_name_has_alias_a_and_aaaa_records_to_the_distribution(edge):
    (distribution_id,) = edge.resources("AWS::CloudFront::Distribution")
    records = [r["Properties"] for r in edge.resources("AWS::Route53::RecordSet").values()]
    kinds = {record["Type"] for record in records
             if record.get("AliasTarget", {}).get("DNSName") == {"Fn::GetAtt": [distribution_id, "DomainName"]}}
    assert kinds == {"A", "AAAA"}


def test_cloudfront_needs_a_load_balancer():
    with pytest.raises(SettingError, match=r"^cloudfront: got True; needs a load balancer"):
        build(cloudfront="true")


def test_cloudfront_with_a_name_outside_us_east_1_needs_a_us_east_1_certificate():
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_route53 as route53

    from ec2_web_server import AutoScaling

    stack = cdk.Stack(cdk.App(), "Tokyo", env=cdk.Environment(account="123456789012", region="ap-northeast-1"))
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, max_azs=2,
                  subnet_configuration=[ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)])
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ",
                                                          zone_name="example.com")
    with pytest.raises(SettingError, match=r"^cloudfront: got True; with domain_name in ap-northeast-1 needs "
                                           r"cloudfront_certificate_arn: a certificate for www.example.com in "
                                           r"us-east-1"):
        WebServer(stack, "Web", vpc=vpc, machine_image=ec2.MachineImage.generic_linux({"ap-northeast-1": "ami-0123"}),
                  auto_scaling=AutoScaling(), cloudfront=True, domain_name="www.example.com", hosted_zone=zone)


def test_cloudfront_certificate_arn_must_be_in_us_east_1():
    with pytest.raises(SettingError, match=r"^cloudfront_certificate_arn: got .*; is in eu-west-1; CloudFront takes "
                                           r"certificates from us-east-1 only$"):
        build(tier="autoscaling", cloudfront="true", domain_name="www.example.com", hosted_zone="example.com",
              cloudfront_certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/"
                                         "0123abcd-0123-4567-89ab-0123456789ab")


def test_cloudfront_refuses_ingress_of_its_own():
    with pytest.raises(SettingError, match=r"^ingress: .*cannot be combined with cloudfront=true"):
        build(tier="autoscaling", cloudfront="true", ingress='[{"port": 80, "cidr": "0.0.0.0/0"}]')


# vpc_id=new and ip_version=dualstack ------------------------------------------------------------------------------


def test_new_vpc_has_public_subnets_in_two_zones_and_no_nat(edge):
    assert len(edge.resources("AWS::EC2::VPC")) == 1
    subnets = [r["Properties"] for r in edge.resources("AWS::EC2::Subnet").values()]
    assert len({s["AvailabilityZone"] for s in subnets}) == len(subnets) == 2
    assert all(s["MapPublicIpOnLaunch"] for s in subnets)
    assert not edge.resources("AWS::EC2::NatGateway")


def test_dualstack_gives_the_vpc_an_amazon_ipv6_block_and_dual_stack_subnets(edge):
    block = only(edge, "AWS::EC2::VPCCidrBlock")
    assert block["AmazonProvidedIpv6CidrBlock"] is True
    subnets = [r["Properties"] for r in edge.resources("AWS::EC2::Subnet").values()]
    assert len(subnets) == 2
    assert all("Ipv6CidrBlock" in s and s["AssignIpv6AddressOnCreation"] for s in subnets)
    routes = [r["Properties"] for r in edge.resources("AWS::EC2::Route").values()]
    assert any(route.get("DestinationIpv6CidrBlock") == "::/0" for route in routes)


def test_dualstack_load_balancer(edge):
    assert only(edge, "AWS::ElasticLoadBalancingV2::LoadBalancer")["IpAddressType"] == "dualstack"


def test_dualstack_twins_every_ipv4_anywhere_rule_with_ipv6():
    stack = build(vpc_id="new", ip_version="dualstack", ingress='[{"port": 80, "cidr": "0.0.0.0/0"}]')
    group = stack.resolve(stack.node.find_child("WebServer").security_group.node.default_child.security_group_ingress)
    assert {rule.get("cidrIp") or rule.get("cidrIpv6") for rule in group} == {"0.0.0.0/0", "::/0"}


def test_dualstack_load_balancer_name_has_an_aaaa_alias_beside_the_a():
    stack = build(vpc_id="new", ip_version="dualstack", tier="autoscaling", domain_name="www.example.com",
                  hosted_zone="example.com")
    web = stack.node.find_child("WebServer")
    kinds = sorted(stack.resolve(record.node.default_child.type) for record in web.domain.records)
    assert kinds == ["A", "AAAA"]


def test_dualstack_servers_have_an_ipv6_address():
    from aws_cdk.assertions import Template

    stack = build(vpc_id="new", ip_version="dualstack")
    Template.from_stack(stack).has_resource_properties("AWS::EC2::Instance", {"Ipv6AddressCount": 1})


def test_dualstack_group_instances_have_an_ipv6_address(edge):
    # The launch template's interface asks for one, and carries the security group (EC2 refuses both places).
    (template,) = edge.resources("AWS::EC2::LaunchTemplate").values()
    data = template["Properties"]["LaunchTemplateData"]
    (interface,) = data["NetworkInterfaces"]
    assert interface["DeviceIndex"] == 0
    assert interface["Ipv6AddressCount"] == 1
    assert [group["Fn::GetAtt"][1] for group in interface["Groups"]] == ["GroupId"]
    assert "SecurityGroupIds" not in data


def test_dualstack_without_public_ipv4_load_balancer():
    stack = build(vpc_id="new", ip_version="dualstack-without-public-ipv4", tier="autoscaling")
    balancer = stack.node.find_child("WebServer").load_balancer.load_balancer.node.default_child
    assert balancer.ip_address_type == "dualstack-without-public-ipv4"


def test_dualstack_on_the_default_vpc_is_refused():
    with pytest.raises(SettingError, match=r"^ip_version: got 'dualstack'; needs a VPC with an IPv6 block, and the "
                                           r"default VPC .* use -c vpc_id=new"):
        build(ip_version="dualstack")


def test_ip_version_must_be_known():
    with pytest.raises(SettingError, match=r"^ip_version: got 'ipv6'; must be ipv4, dualstack or "
                                           r"dualstack-without-public-ipv4$"):
        build(ip_version="ipv6", vpc_id="new")


def test_new_vpc_takes_no_subnet_id():
    with pytest.raises(SettingError, match=r"^subnet_id: got 'subnet-0123456789abcdef0'; cannot name a subnet"):
        build(vpc_id="new", subnet_id="subnet-0123456789abcdef0")


def test_new_vpc_spans_three_zones_at_most():
    with pytest.raises(SettingError, match=r"^zones: got 4; with vpc_id=new must be 2 or 3"):
        build(vpc_id="new", tier="autoscaling", zones="4")


def test_new_vpc_with_three_zones():
    stack = build(vpc_id="new", tier="autoscaling", zones="3")
    assert len(stack.site_vpc.vpc.public_subnets) == 3


def test_edge_template_matches(edge):
    edge.assertions().has_resource_properties("AWS::CloudFront::Distribution", {
        "DistributionConfig": Match.object_like({"IPV6Enabled": True, "PriceClass": "PriceClass_100"})})


def test_diagram_draws_the_new_vpc_the_web_acl_and_the_distribution(edge):
    from tools.diagram import mermaid

    picture = mermaid(edge.template)
    assert "VPC 10.0.0.0/16 + Amazon IPv6 /56<br/>2 public subnets in 2 zones, no NAT gateway" in picture
    assert "AWS WAF web ACL<br/>3 managed rule groups, 500 requests / 5 min per address" in picture
    assert "CloudFront<br/>www.example.com, HTTP redirected to HTTPS" in picture


def test_dualstack_without_public_ipv4_needs_a_load_balancer():
    # It is the load balancer's IpAddressType: on a lone server it would silently mean dualstack.
    with pytest.raises(SettingError, match=r"^ip_version: got 'dualstack-without-public-ipv4'; only applies with a "
                                           r"load balancer"):
        build(vpc_id="new", ip_version="dualstack-without-public-ipv4")


def test_dualstack_without_public_ipv4_is_refused_behind_cloudfront():
    # CloudFront reaches a custom origin over IPv4 (CustomOriginConfig.IpAddressType defaults to ipv4), and the
    # load balancer admits only CloudFront's IPv4 origin-facing list: every viewer would get a 502.
    with pytest.raises(SettingError, match=r"^ip_version: got 'dualstack-without-public-ipv4'; cannot be combined "
                                           r"with cloudfront=true"):
        build(vpc_id="new", ip_version="dualstack-without-public-ipv4", tier="autoscaling", cloudfront="true")
