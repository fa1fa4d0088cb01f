"""``SiteVpc``: a VPC of the stack's own (``vpc_id=new``), and what ``ip_version`` asks of the rest.

Public subnets only, in two or three Availability Zones, and no NAT gateway: the servers and the load balancer
live in public subnets (the instances' security group admits the load balancer alone on the Auto Scaling tier), so
nothing needs a NAT gateway's way out, which would cost $0.045 an hour ($32.85 a month) per zone plus $0.045 per GB
processed in us-east-1 (Amazon VPC pricing).

``ip_version=dualstack`` gives the VPC an Amazon-provided IPv6 /56 (AWS::EC2::VPCCidrBlock
``AmazonProvidedIpv6CidrBlock``), a /64 to each subnet that also assigns an IPv6 address to every network
interface created in it (``AssignIpv6AddressOnCreation``), and a ``::/0`` route to the Internet gateway. The
default VPC has no IPv6 block, and a VPC looked up by id cannot be judged offline: both are refused for dualstack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from .errors import SettingError
from .options import Ingress

IpVersion = Literal["ipv4", "dualstack", "dualstack-without-public-ipv4"]
IP_VERSIONS: tuple[str, ...] = ("ipv4", "dualstack", "dualstack-without-public-ipv4")
# The new VPC's IPv4 range: a private range (RFC 1918) apart from the default VPC's 172.31.0.0/16, so the two
# could be peered.
NEW_VPC_CIDR = "10.0.0.0/16"
# Zones the new VPC spans: two at least (a load balancer needs two), three at most (this app's zones setting
# rarely asks more, and each zone's subnet is one more route table association).
MIN_NEW_VPC_ZONES, MAX_NEW_VPC_ZONES = 2, 3


class SiteVpc(Construct):
    """A VPC of public subnets, one per Availability Zone, with no NAT gateway.

    :param zones: how many Availability Zones (2 or 3), the region's first ones.
    :param ip_version: ``ipv4``; or ``dualstack``/``dualstack-without-public-ipv4`` for an Amazon-provided IPv6
        block and dual-stack subnets.
    """

    def __init__(self, scope: Construct, id: str, *, zones: int = MIN_NEW_VPC_ZONES,
                 ip_version: IpVersion = "ipv4") -> None:
        super().__init__(scope, id)
        if not MIN_NEW_VPC_ZONES <= zones <= MAX_NEW_VPC_ZONES:
            raise SettingError("zones", zones, f"with vpc_id=new must be {MIN_NEW_VPC_ZONES} or {MAX_NEW_VPC_ZONES}: "
                                               "the new VPC's public subnets span that many Availability Zones")
        check_ip_version(ip_version)
        dualstack = ip_version != "ipv4"
        #: The VPC.
        self.vpc = ec2.Vpc(
            self, "Vpc", ip_addresses=ec2.IpAddresses.cidr(NEW_VPC_CIDR), max_azs=zones, nat_gateways=0,
            ip_protocol=ec2.IpProtocol.DUAL_STACK if dualstack else ec2.IpProtocol.IPV4_ONLY,
            subnet_configuration=[ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC,
                                                          cidr_mask=20, map_public_ip_on_launch=True)],
            # The default security group is left as EC2 makes it: nothing here is ever put in it (every
            # resource has a group of its own), and restricting it takes a custom-resource Lambda.
            restrict_default_security_group=False,
        )
        #: True when the VPC has an IPv6 block.
        self.dualstack = dualstack
        cdk.Validations.of(self.vpc).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-VPC7",
            reason="No flow logs by default: the load balancer's access logs (and the WAF's, with waf=true) record "
                   "the site's requests, and flow logs would bill CloudWatch Logs ingestion for every packet flow."))


def check_ip_version(ip_version: str) -> None:
    if ip_version not in IP_VERSIONS:
        raise SettingError("ip_version", ip_version, f"must be {', '.join(IP_VERSIONS[:-1])} or {IP_VERSIONS[-1]}")


def check_ip_version_fits(ip_version: str, *, has_load_balancer: bool, cloudfront: bool) -> None:
    """``dualstack-without-public-ipv4`` is a load balancer's IpAddressType: without one it would mean nothing, and
    CloudFront reaches a custom origin over IPv4 unless told otherwise (CustomOriginConfig.IpAddressType, default
    ipv4), while the load balancer admits only CloudFront's IPv4 origin-facing list: every request would fail."""
    if ip_version != "dualstack-without-public-ipv4":
        return
    if not has_load_balancer:
        raise SettingError("ip_version", ip_version, "only applies with a load balancer (tier=autoscaling, or "
                                                     "https=true); use dualstack for IPv6 on a lone server")
    if cloudfront:
        raise SettingError("ip_version", ip_version, "cannot be combined with cloudfront=true: CloudFront reaches "
                                                     "its origin over IPv4, which this load balancer would not have; "
                                                     "use dualstack")


def has_ipv6(vpc: ec2.IVpc) -> bool:
    """Whether the VPC is known, offline, to have an IPv6 block: a VPC of the stack's with an Amazon-provided block.
    A looked-up VPC (the default one included, which has none) cannot be judged from its recorded lookup."""
    return isinstance(vpc, ec2.Vpc) and any(isinstance(child, ec2.CfnVPCCidrBlock)
                                            and child.amazon_provided_ipv6_cidr_block for child in vpc.node.children)


def check_dualstack_vpc(ip_version: str, vpc: ec2.IVpc) -> None:
    """``ip_version`` other than ipv4 needs a VPC with IPv6: AWS refuses a dualstack load balancer in subnets without
    an IPv6 block (ELB CreateLoadBalancer / SetIpAddressType: "the subnets must have an associated IPv6 CIDR
    block")."""
    check_ip_version(ip_version)
    if ip_version != "ipv4" and not has_ipv6(vpc):
        raise SettingError("ip_version", ip_version, "needs a VPC with an IPv6 block, and the default VPC (or a VPC "
                                                     "looked up by id) has none known; use -c vpc_id=new, which "
                                                     "creates a dual-stack VPC")


def with_ipv6(ingress: Sequence[Ingress]) -> tuple[Ingress, ...]:
    """``ingress`` plus a ``::/0`` rule for each ``0.0.0.0/0`` rule that has none on the same ports."""
    rules = list(ingress)
    for rule in ingress:
        if rule.cidr != "0.0.0.0/0":
            continue
        twin = Ingress(port=rule.port, to_port=rule.to_port, protocol=rule.protocol, cidr="::/0",
                       description=rule.description.replace("IPv4", "IPv6") if rule.description else None)
        if not any(other.cidr == "::/0" and other.port == rule.port and other.to_port == rule.to_port
                   and other.protocol == rule.protocol for other in rules):
            rules.append(twin)
    return tuple(rules)


def elb_ip_address_type(ip_version: str) -> elbv2.IpAddressType:
    """The load balancer's IpAddressType for ``ip_version``. ``dualstack-without-public-ipv4`` gives it no public
    IPv4 address (one fewer $0.005 an hour per zone): it answers the Internet on IPv6 only."""
    return {"ipv4": elbv2.IpAddressType.IPV4, "dualstack": elbv2.IpAddressType.DUAL_STACK,
            "dualstack-without-public-ipv4": elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4}[ip_version]
