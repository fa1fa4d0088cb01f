"""make demo's view of the edge (waf, cloudfront, vpc_id=new): the web ACL on the load balancer, the distribution in
front of it and the VPC of the stack's own, as WAFv2, CloudFront and EC2 answer; and the check that the name's alias
names the distribution when there is one."""

from __future__ import annotations

from typing import Any

from constants import APP_TAG_KEY, APP_TAG_VALUE

#: The hosted zone id of every CloudFront alias target (Route 53 API reference, AliasTarget).
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def describe_edge(emu: Any) -> dict[str, Any]:
    wafv2, cloudfront, ec2 = emu.client("wafv2"), emu.client("cloudfront", "us-east-1"), emu.client("ec2")
    balancers = [lb["LoadBalancerArn"] for lb in emu.client("elbv2").describe_load_balancers()["LoadBalancers"]]
    protected: dict[str, list[str]] = {}
    for arn in balancers:  # GetWebACLForResource (moto has no ListResourcesForWebACL)
        acl = wafv2.get_web_acl_for_resource(ResourceArn=arn).get("WebACL")
        if acl:
            protected.setdefault(acl["ARN"], []).append(arn)
    acls = []
    for summary in wafv2.list_web_acls(Scope="REGIONAL").get("WebACLs", []):
        acl = wafv2.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["WebACL"]
        resources = protected.get(summary["ARN"], [])
        try:
            logging = wafv2.get_logging_configuration(ResourceArn=summary["ARN"])["LoggingConfiguration"]
        except wafv2.exceptions.ClientError:
            logging = {}
        acls.append({"acl": acl, "resources": resources, "logging": logging})
    distributions = (cloudfront.list_distributions().get("DistributionList") or {}).get("Items") or []
    vpcs = ec2.describe_vpcs(Filters=[{"Name": f"tag:{APP_TAG_KEY}", "Values": [APP_TAG_VALUE]}])["Vpcs"]
    return {"acls": acls, "distributions": distributions, "vpcs": vpcs}


def show_edge(edge: dict[str, Any]) -> None:
    for found in edge["acls"]:
        rules = found["acl"].get("Rules", [])
        rate = next((r["Statement"]["RateBasedStatement"]["Limit"] for r in rules
                     if "RateBasedStatement" in r["Statement"]), None)
        groups = [r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in rules
                  if "ManagedRuleGroupStatement" in r["Statement"]]
        print(f"    web ACL    {found['acl']['Name']}: rate limit {rate} / 5 min per address, {', '.join(groups)}")
        for arn in found["resources"]:
            print(f"    protects   {arn.rsplit('/', 3)[-3]}/{arn.rsplit('/', 3)[-2]}")
        for destination in found["logging"].get("LogDestinationConfigs", []):
            print(f"    logs to    {destination.rsplit(':', 1)[-1]}")
    for item in edge["distributions"]:
        origins = ", ".join(o["DomainName"] for o in item["Origins"]["Items"])
        aliases = ", ".join((item.get("Aliases") or {}).get("Items") or []) or "no aliases"
        print(f"    CloudFront {item['DomainName']} ({aliases}) -> {origins}  {item['Status']}")
    for vpc in edge["vpcs"]:
        ipv6 = ", ".join(a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet", [])) or "no IPv6"
        print(f"    VPC        {vpc['VpcId']}  {vpc['CidrBlock']}  {ipv6}")


def check_alias(alias: dict[str, Any], name: str, edge: dict[str, Any]) -> bool:
    """True when the alias is to CloudFront (and then it must name the stack's distribution); False otherwise."""
    if alias["HostedZoneId"] != CLOUDFRONT_ZONE:
        return False
    target = alias["DNSName"].lower().rstrip(".")
    same = any(item["DomainName"].lower() == target for item in edge["distributions"])
    print(f"    resolves   {name} -> CloudFront distribution {target}: {'yes' if same else 'NO'}")
    if not same:
        raise RuntimeError(f"{name} does not resolve to the distribution")
    return True
