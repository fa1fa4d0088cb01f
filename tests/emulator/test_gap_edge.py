"""The edge's resource types, which moto 5.2.5 cannot deploy through CloudFormation (each test is a strict xfail on
plain moto): waf=true's web ACL, its association with the load balancer and its logging; cloudfront=true's
distribution, disabled before it is deleted; vpc_id=new's dual-stack VPC (an Amazon-provided IPv6 block, Fn::Cidr,
IPv6 subnets and a ::/0 route). And the refusals AWS makes: a rate limit under 10, a log group not named
aws-waf-logs-, a distribution's certificate outside us-east-1, an enabled distribution deleted."""

from __future__ import annotations

import copy
import ipaddress

import cfn_scenario as cfn
import pytest

from emulator import Emulator

VISIBILITY = {"CloudWatchMetricsEnabled": True, "MetricName": "m", "SampledRequestsEnabled": True}


def _balancer(emu: Emulator) -> dict:
    subnets = cfn.subnets(emu, ("us-east-1a", "us-east-1b"))
    return {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Scheme": "internet-facing", "Type": "application", "Subnets": subnets}}


def _waf(emu: Emulator, limit: int = 500, log_group: str = "aws-waf-logs-edge") -> dict:
    return cfn.template({
        "Lb": _balancer(emu),
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": log_group, "RetentionInDays": 30}},
        "Acl": {"Type": "AWS::WAFv2::WebACL", "Properties": {
            "Scope": "REGIONAL", "DefaultAction": {"Allow": {}}, "VisibilityConfig": VISIBILITY,
            "Tags": [{"Key": "app", "Value": "ec2-web-server"}],
            "Rules": [{"Name": "Rate", "Priority": 0, "Action": {"Block": {}}, "VisibilityConfig": VISIBILITY,
                       "Statement": {"RateBasedStatement": {"Limit": limit, "AggregateKeyType": "IP"}}},
                      {"Name": "Common", "Priority": 1, "OverrideAction": {"None": {}}, "VisibilityConfig": VISIBILITY,
                       "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS",
                                                                   "Name": "AWSManagedRulesCommonRuleSet"}}}]}},
        "Association": {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
            "ResourceArn": {"Ref": "Lb"}, "WebACLArn": {"Fn::GetAtt": ["Acl", "Arn"]}}},
        "Logging": {"Type": "AWS::WAFv2::LoggingConfiguration", "DependsOn": "Logs", "Properties": {
            "ResourceArn": {"Fn::GetAtt": ["Acl", "Arn"]},
            "LogDestinationConfigs": [{"Fn::Sub": f"arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:"
                                                  f"{log_group}"}]}},
    }, outputs={"Acl": {"Value": {"Fn::GetAtt": ["Acl", "Arn"]}}, "Lb": {"Value": {"Ref": "Lb"}}})


def test_web_acl_is_associated_with_the_load_balancer_logged_updated_and_deleted(target: Emulator) -> None:
    body = _waf(target)
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    wafv2 = target.client("wafv2")
    made = cfn.outputs(target)
    assert wafv2.get_web_acl_for_resource(ResourceArn=made["Lb"])["WebACL"]["ARN"] == made["Acl"]
    logging = wafv2.get_logging_configuration(ResourceArn=made["Acl"])["LoggingConfiguration"]
    assert logging["LogDestinationConfigs"][0].endswith(":log-group:aws-waf-logs-edge")

    later = copy.deepcopy(body)
    later["Resources"]["Acl"]["Properties"]["Rules"][0]["Statement"]["RateBasedStatement"]["Limit"] = 100
    assert cfn.deploy(target, later) == "UPDATE_COMPLETE"
    assert cfn.outputs(target)["Acl"] == made["Acl"]  # in place

    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] == []


@pytest.mark.parametrize(("limit", "log_group", "failure"), [
    (9, "aws-waf-logs-edge", "Limit must be 10 to 2000000000"),
    (500, "waf-edge", "a log group's name must start with aws-waf-logs-"),
])
def test_web_acl_refuses_what_waf_refuses(target: Emulator, limit: int, log_group: str, failure: str) -> None:
    assert cfn.deploy(target, _waf(target, limit, log_group)) in ("ROLLBACK_COMPLETE", "CREATE_FAILED")
    assert any(failure in reason for reason in cfn.failures(target))


def _distribution(certificate: str | None = None) -> dict:
    config = {
        "Enabled": True, "Comment": "edge", "PriceClass": "PriceClass_100", "IPV6Enabled": True,
        "HttpVersion": "http2and3",
        "Origins": [{"Id": "lb", "DomainName": "lb-123.us-east-1.elb.amazonaws.com",
                     "CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "OriginSSLProtocols": ["TLSv1.2"]}}],
        "DefaultCacheBehavior": {"TargetOriginId": "lb", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
                                 "AllowedMethods": ["GET", "HEAD", "OPTIONS"]},
    }
    if certificate:
        config["Aliases"] = ["www.example.com"]
        config["ViewerCertificate"] = {"AcmCertificateArn": certificate, "SslSupportMethod": "sni-only",
                                       "MinimumProtocolVersion": "TLSv1.2_2021"}
    return cfn.template({"Cdn": {"Type": "AWS::CloudFront::Distribution",
                                 "Properties": {"DistributionConfig": config,
                                                "Tags": [{"Key": "app", "Value": "ec2-web-server"}]}}},
                        outputs={"Id": {"Value": {"Ref": "Cdn"}},
                                 "Name": {"Value": {"Fn::GetAtt": ["Cdn", "DomainName"]}}})


def test_distribution_is_made_and_disabled_before_it_is_deleted(target: Emulator) -> None:
    assert cfn.deploy(target, _distribution()) == "CREATE_COMPLETE"
    cloudfront = target.client("cloudfront", "us-east-1")
    made = cfn.outputs(target)
    assert made["Name"].endswith(".cloudfront.net")
    found = cloudfront.get_distribution(Id=made["Id"])
    assert found["Distribution"]["DistributionConfig"]["Enabled"] is True
    with pytest.raises(cloudfront.exceptions.ClientError, match="DistributionNotDisabled"):
        cloudfront.delete_distribution(Id=made["Id"], IfMatch=found["ETag"])  # CloudFront refuses an enabled one
    assert cfn.delete(target) == "DELETE_COMPLETE"  # CloudFormation disables it first
    assert (cloudfront.list_distributions()["DistributionList"].get("Items") or []) == []


def test_distribution_certificate_must_be_in_us_east_1(target: Emulator) -> None:
    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab"
    assert cfn.deploy(target, _distribution(certificate)) in ("ROLLBACK_COMPLETE", "CREATE_FAILED")
    assert any("isn't in us-east-1 region" in reason for reason in cfn.failures(target))


def _dualstack_vpc() -> dict:
    return cfn.template({
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Ipv6": {"Type": "AWS::EC2::VPCCidrBlock", "Properties": {"VpcId": {"Ref": "Vpc"},
                                                                  "AmazonProvidedIpv6CidrBlock": True}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "DependsOn": "Ipv6", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/20", "AvailabilityZone": "us-east-1a",
            "MapPublicIpOnLaunch": True, "AssignIpv6AddressOnCreation": True,
            "Ipv6CidrBlock": {"Fn::Select": [1, {"Fn::Cidr": [
                {"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}]}, 2, "64"]}]}}},
        "Igw": {"Type": "AWS::EC2::InternetGateway", "Properties": {}},
        "Attach": {"Type": "AWS::EC2::VPCGatewayAttachment",
                   "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}}},
        "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Default6": {"Type": "AWS::EC2::Route", "DependsOn": "Attach", "Properties": {
            "RouteTableId": {"Ref": "Routes"}, "DestinationIpv6CidrBlock": "::/0", "GatewayId": {"Ref": "Igw"}}},
    }, outputs={"Vpc": {"Value": {"Ref": "Vpc"}}, "Subnet": {"Value": {"Ref": "Subnet"}},
                "Routes": {"Value": {"Ref": "Routes"}}})


def test_dual_stack_vpc_gets_an_ipv6_block_subnets_and_a_default_route(target: Emulator) -> None:
    assert cfn.deploy(target, _dualstack_vpc()) == "CREATE_COMPLETE"
    ec2 = target.client("ec2")
    made = cfn.outputs(target)
    (vpc,) = ec2.describe_vpcs(VpcIds=[made["Vpc"]])["Vpcs"]
    (block,) = [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", [])]
    (subnet,) = ec2.describe_subnets(SubnetIds=[made["Subnet"]])["Subnets"]
    (subnet_block,) = [a["Ipv6CidrBlock"] for a in subnet["Ipv6CidrBlockAssociationSet"]]
    assert ipaddress.ip_network(subnet_block) == list(ipaddress.ip_network(block).subnets(new_prefix=64))[1]
    assert subnet["AssignIpv6AddressOnCreation"] is True
    (table,) = ec2.describe_route_tables(RouteTableIds=[made["Routes"]])["RouteTables"]
    assert any(route.get("DestinationIpv6CidrBlock") == "::/0" for route in table["Routes"])
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [made["Vpc"]]}])["Vpcs"] == []


def _origin_facing(emu: Emulator) -> str:
    lists = emu.client("ec2").describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}])
    return lists["PrefixLists"][0]["PrefixListId"]


def _prefix_list_rules(emu: Emulator, ports: tuple[int, ...]) -> dict:
    resources = {"Sg": cfn.web_sg(cfn.default_vpc_id(emu), ingress=[])}
    for port in ports:
        resources[f"FromCloudFront{port}"] = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "SourcePrefixListId": _origin_facing(emu), "Description": "from CloudFront"}}
    resources["Ipv6"] = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
        "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
        "CidrIpv6": "::/0"}}
    return cfn.template(resources, outputs={"Sg": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}}})


def test_ingress_from_a_prefix_list_and_from_ipv6_is_authorized(target: Emulator) -> None:
    assert cfn.deploy(target, _prefix_list_rules(target, (443,))) == "CREATE_COMPLETE"
    (group,) = target.client("ec2").describe_security_groups(GroupIds=[cfn.outputs(target)["Sg"]])["SecurityGroups"]
    sources = {(p["FromPort"], tuple(x["PrefixListId"] for x in p.get("PrefixListIds", [])),
                tuple(x["CidrIpv6"] for x in p.get("Ipv6Ranges", []))) for p in group["IpPermissions"]}
    assert (443, (_origin_facing(target),), ()) in sources
    assert (8080, (), ("::/0",)) in sources
    assert cfn.delete(target) == "DELETE_COMPLETE"


def test_the_origin_facing_prefix_list_weighs_55_of_a_groups_60_rules(target: Emulator) -> None:
    assert cfn.deploy(target, _prefix_list_rules(target, (80, 443))) in ("ROLLBACK_COMPLETE", "CREATE_FAILED")
    assert any("RulesPerSecurityGroupLimitExceeded" in reason for reason in cfn.failures(target))
