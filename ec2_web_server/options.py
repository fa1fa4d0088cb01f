"""The web server's options and AWS's rules for them: limits and combinations, checked at synth.

Types are checked by :mod:`.checks` from the annotations; what is here is what AWS (or this
construct) would refuse of a well-typed value. Every rule raises :class:`SettingError` naming the
prop, the value and what is allowed.
"""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional, Union

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2

from .cron import CronError, parse_aws
from .errors import SettingError
from .instance_types import InstanceTypeInfo, types_with_instance_store

ShutdownBehavior = Literal["stop", "terminate"]
PLACEMENT_STRATEGIES: tuple[str, ...] = ("cluster", "spread", "partition")

# One web tier of hand-managed servers. Past 20, an Auto Scaling group behind a load balancer is the
# right tool (and a new account's default On-Demand vCPU quota runs out soon after).
MAX_INSTANCE_COUNT = 20
# AWS's default quota of Elastic IPs per region: more is possible, but only after a quota increase.
DEFAULT_EIP_QUOTA = 5
# A spread placement group holds at most 7 running instances per Availability Zone.
SPREAD_MAX_PER_AZ = 7
# Anything wider than a /8 (IPv4) or /16 (IPv6) is a large share of the Internet, not "my network".
WIDEST_SSH_PREFIX_V4 = 8
WIDEST_SSH_PREFIX_V6 = 16
# AWS allows 50 tags per resource; the stack and CloudFormation add a few of their own.
MAX_USER_TAGS = 45
# fullmatch only: "$" would accept a trailing newline.
_POLICY_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy/[\w+=,.@/-]{1,128}", re.ASCII)
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]{1,255}")


def normalise_ssh_cidr(value: str, *, allow_anywhere: bool) -> str:
    """A CIDR for the SSH rule: a bare address means that one host (/32 or /128).

    Anything wider than /8 (IPv6 /16), the whole Internet included, is refused unless
    ``allow_anywhere`` is true.
    """
    text = value.strip()
    if "%" in text:  # Python reads a zone id (fe80::1%eth0); AWS's CIDR fields do not
        raise SettingError("ssh_cidr", value, "must be a CIDR without a zone id (the part from %)")
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise SettingError("ssh_cidr", value, "must be an IPv4 or IPv6 CIDR such as 203.0.113.7/32") from None
        raise SettingError("ssh_cidr", value, f"has host bits set; did you mean {loose}?") from None
    too_wide = network.prefixlen < (WIDEST_SSH_PREFIX_V4 if network.version == 4 else WIDEST_SSH_PREFIX_V6)
    if too_wide and not allow_anywhere:
        raise SettingError(
            "ssh_cidr", value,
            f"opens SSH to {'the whole' if network.prefixlen == 0 else 'a large part of the'} Internet; give your "
            "own address (e.g. $(curl -s https://checkip.amazonaws.com)/32) or also set allow_ssh_from_anywhere=true",
        )
    return str(network)


@dataclass(frozen=True, kw_only=True)
class Ingress:
    """One way in: a port (or range) and who may use it: a CIDR, a prefix list, or a security group.

    ``Ingress(port=443, cidr="0.0.0.0/0")``, ``Ingress(port=80, security_group=load_balancer_group)``,
    ``Ingress(port=8080, to_port=8089, prefix_list="pl-0123456789abcdef0")``.
    """

    port: int
    #: The last port of a range. Default: ``port`` alone.
    to_port: Optional[int] = None
    protocol: Literal["tcp", "udp"] = "tcp"
    cidr: Optional[str] = None
    prefix_list: Optional[str] = None
    #: A security group, or its id (sg-...).
    security_group: Optional[Union[ec2.ISecurityGroup, str]] = None
    #: The rule's description. Default: what it allows, e.g. "tcp/443 from 0.0.0.0/0".
    description: Optional[str] = None

    def source(self) -> str:
        group = self.security_group
        if group is not None and not isinstance(group, str):
            return group.node.path if hasattr(group, "node") else "a security group"
        return next(value for value in (self.cidr, self.prefix_list, group) if value is not None)

    def describe(self) -> str:
        ports = str(self.port) if self.to_port in (None, self.port) else f"{self.port}-{self.to_port}"
        return self.description or f"{self.protocol}/{ports} from {self.source()}"

    def port_range(self) -> ec2.Port:
        make = ec2.Port.tcp_range if self.protocol == "tcp" else ec2.Port.udp_range
        return make(self.port, self.to_port if self.to_port is not None else self.port)

    def peer(self, scope) -> ec2.IPeer:  # noqa: ANN001 - a construct, to import a group by id
        if self.cidr is not None:
            return ec2.Peer.ipv6(self.cidr) if ":" in self.cidr else ec2.Peer.ipv4(self.cidr)
        if self.prefix_list is not None:
            return ec2.Peer.prefix_list(self.prefix_list)
        if isinstance(self.security_group, str):
            # One import per group and scope: several rules may name it (and HTTPS copies port 80's to 443).
            child_id = f"Peer{self.security_group}"
            existing = scope.node.try_find_child(child_id)
            return existing or ec2.SecurityGroup.from_security_group_id(scope, child_id, self.security_group)
        return self.security_group


#: HTTP from anywhere, IPv4 and IPv6: the walk-through's public web server.
DEFAULT_INGRESS: tuple[Ingress, ...] = (
    Ingress(port=80, cidr="0.0.0.0/0", description="HTTP from anywhere (IPv4)"),
    Ingress(port=80, cidr="::/0", description="HTTP from anywhere (IPv6)"),
)
# EC2 (CreateSecurityGroup, and each rule's Description): "Up to 255 characters in length ... a-z, A-Z, 0-9, spaces,
# and ._-:/()#,@[]+=&;{}!$*".
_EC2_DESCRIPTION_CHARACTERS = r"a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*"
EC2_DESCRIPTION_ALLOWED = "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
MAX_EC2_DESCRIPTION = 255


def security_group_description(name: str, what: str) -> str:
    """A group's description: fixed text after the name, as a group's description cannot change in place."""
    return f"{name}: {what} firewall; each rule says what it allows"


# The name begins every group's description; the load balancer's is the longest.
MAX_NAME_LENGTH = MAX_EC2_DESCRIPTION - len(security_group_description("", "load balancer"))


def check_ec2_description(prop: str, value: str, *, why: str = "") -> None:
    if not re.fullmatch(f"[{_EC2_DESCRIPTION_CHARACTERS}]{{0,{MAX_EC2_DESCRIPTION}}}", value):
        raise SettingError(prop, value, f"must be at most {MAX_EC2_DESCRIPTION} characters of {EC2_DESCRIPTION_ALLOWED} "
                                        f"(EC2's rule for security group descriptions){why}")


def check_name(name: str) -> None:
    if not re.fullmatch(f"[{_EC2_DESCRIPTION_CHARACTERS}]{{1,{MAX_NAME_LENGTH}}}", name):
        raise SettingError("name", name, f"must be 1 to {MAX_NAME_LENGTH} characters of {EC2_DESCRIPTION_ALLOWED} (it "
                                         "begins the security groups' descriptions, which EC2 limits to 255 of those)")


_PREFIX_LIST = re.compile(r"pl-[0-9a-f]{8,17}")
_SECURITY_GROUP = re.compile(r"sg-[0-9a-f]{8,17}")


def check_ingress(rules: Sequence[Ingress]) -> None:
    for index, rule in enumerate(rules):
        prop = f"ingress[{index}]"
        from .checks import check_fields  # a rule is an option class like a volume: its fields are typed

        check_fields(rule, prop)
        for port_prop, port in (("port", rule.port), ("to_port", rule.to_port)):
            if port is not None and not 0 <= port <= 65535:
                raise SettingError(f"{prop}.{port_prop}", port, "must be a port from 0 to 65535")
        if rule.to_port is not None and rule.to_port < rule.port:
            raise SettingError(f"{prop}.to_port", rule.to_port, f"must not be below port ({rule.port})")
        sources = [name for name in ("cidr", "prefix_list", "security_group") if getattr(rule, name) is not None]
        if len(sources) != 1:
            raise SettingError(prop, {k: v for k, v in vars(rule).items() if v is not None},
                               "needs exactly one of cidr, prefix_list or security_group")
        if rule.cidr is not None:
            _check_cidr(f"{prop}.cidr", rule.cidr)
        if rule.prefix_list is not None and not _PREFIX_LIST.fullmatch(rule.prefix_list):
            raise SettingError(f"{prop}.prefix_list", rule.prefix_list, "must be a prefix list id such as pl-0123abcd")
        if isinstance(rule.security_group, str) and not _SECURITY_GROUP.fullmatch(rule.security_group):
            raise SettingError(f"{prop}.security_group", rule.security_group,
                               "must be a security group id such as sg-0123456789abcdef0")
        check_ec2_description(f"{prop}.description", rule.describe(),
                              why="" if rule.description else "; the default names the source: give a description")
        last = rule.to_port if rule.to_port is not None else rule.port
        if rule.protocol == "tcp" and rule.port <= 22 <= last:
            raise SettingError(f"{prop}.port", rule.port, "SSH (22) has its own setting, ssh_cidr, which guards how "
                                                          "wide it opens; leave port 22 out of ingress")


def _check_cidr(prop: str, value: str) -> None:
    if "%" in value:
        raise SettingError(prop, value, "must be a CIDR without a zone id (the part from %)")
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise SettingError(prop, value, "must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24, without host bits") from None


def check_site_dir(site_dir: Union[str, os.PathLike]) -> Path:
    """A folder with an index.html (the success check asks Apache for /, and it must answer 200)."""
    path = Path(site_dir)
    if not path.is_dir():
        raise SettingError("site_dir", str(site_dir), "must be a folder with the site's files (index.html at least)")
    if not (path / "index.html").is_file():
        raise SettingError("site_dir", str(site_dir), "needs an index.html: the deploy succeeds only once Apache "
                                                      "answers / with 200")
    return path.resolve()


@dataclass(frozen=True, kw_only=True)
class AutoScaling:
    """The Auto Scaling tier: an EC2 Auto Scaling group behind an Application Load Balancer, across
    Availability Zones, instead of hand-managed servers (``WebServer(..., auto_scaling=AutoScaling())``).
    """

    #: Instances the group never goes below, also during a rolling update. Default: 2 (two AZs).
    min_capacity: int = 2
    #: Instances the group never goes above; must leave room above min_capacity for a rolling update to
    #: add new instances before it removes old ones. Default: 4.
    max_capacity: int = 4
    #: The group's size at deploy. Default: unset, so Auto Scaling owns it and a deploy never resets a
    #: scaled-out group.
    desired_capacity: Optional[int] = None
    #: Average CPU utilization (percent) that target tracking keeps the group at; a fraction is fine
    #: (PutScalingPolicy's TargetValue is a double). Default: 50.
    cpu_target: Union[int, float] = 50
    #: Requests per instance per minute that target tracking keeps the group at, if given. Default: none.
    requests_per_target: Optional[int] = None
    #: More instance types beside the launch template's (``instance_type``, always the first), all of its
    #: architecture: the group may launch any of them (:mod:`.capacity`). Default: none.
    instance_types: tuple[str, ...] = ()
    #: Percent (0-100) of the instances above ``on_demand_base`` that are Spot. Default: 0 (all On-Demand).
    spot_percent: int = 0
    #: The group's first instances that are always On-Demand, at most max_capacity. Default: 0.
    on_demand_base: int = 0


# Elastic Load Balancing: a health check path is at most 1024 characters.
_HEALTH_CHECK_PATH = re.compile(r"/[\x21-\x7e]{0,1023}")


def check_auto_scaling(options: AutoScaling, *, elastic_ip: Optional[bool], instance_count: Optional[int],
                       private_ip: Optional[str], detach_volumes: bool, placement_group: Optional[str],
                       volumes: Sequence, zones: int) -> None:
    """The group's own limits, and the props that mean one hand-managed server each (refused, saying why)."""
    from .checks import check_fields

    check_fields(options, "auto_scaling")
    check_single_server_props(elastic_ip=elastic_ip, instance_count=instance_count, private_ip=private_ip,
                              detach_volumes=detach_volumes or None)
    if placement_group == "cluster":
        raise SettingError("placement_group", placement_group, "a cluster placement group lives in one "
                           "Availability Zone, and the Auto Scaling tier spans two at least")
    for index, volume in enumerate(volumes):
        if volume.on_destroy != "delete":
            raise SettingError(f"volumes[{index}].on_destroy", volume.on_destroy,
                               "must be delete with tier=autoscaling: each instance's volumes come and go "
                               "with it; keep state in a database, EFS or S3")
    low, high = options.min_capacity, options.max_capacity
    # No upper bound: EC2 Auto Scaling has no per-group cap on MaxSize (its quotas count groups and launch
    # configurations, "Auto Scaling quotas"); the account's vCPU quota is what a large group meets.
    if low < 1:
        raise SettingError("min_capacity", low, "must be at least 1, so that the site always has a server")
    if not low < high:
        raise SettingError("max_capacity", high,
                           f"must be above min_capacity ({low}), so that a rolling update can start new instances "
                           "before it stops old ones")
    if options.desired_capacity is not None and not low <= options.desired_capacity <= high:
        raise SettingError("desired_capacity", options.desired_capacity,
                           f"must lie from min_capacity to max_capacity ({low} to {high}), or be left unset")
    if placement_group == "spread" and zones >= 2 and high > SPREAD_MAX_PER_AZ * zones:  # (zones < 2: its own rule)
        raise SettingError("placement_group", placement_group,
                           f"a spread group holds at most {SPREAD_MAX_PER_AZ} instances per Availability Zone, "
                           f"{SPREAD_MAX_PER_AZ * zones} in the group's {zones} zones, and max_capacity is {high}; "
                           "raise zones or lower max_capacity")
    if not 0 < options.cpu_target <= 100:
        raise SettingError("cpu_target", options.cpu_target, "must be a percentage above 0 and at most 100")
    if options.requests_per_target is not None and options.requests_per_target < 1:
        raise SettingError("requests_per_target", options.requests_per_target,
                           "must be a whole number of requests per instance per minute, at least 1")


def check_load_balancer_props(has_load_balancer: bool, *, ingress: Sequence[Ingress], health_check_path: str,
                              access_log_days: int, keep_access_logs: bool, zones: int,
                              defaults: Mapping[str, object]) -> None:
    """A load balancer's own props only apply with one; with one, ingress is who may reach it (80, 443).
    ``defaults``: the construct's prop defaults (its signature is their one home)."""
    if not has_load_balancer:
        for prop, value in (("health_check_path", health_check_path), ("access_log_days", access_log_days),
                            ("keep_access_logs", keep_access_logs), ("zones", zones)):
            if value != defaults[prop]:
                raise SettingError(prop, value, "only applies with a load balancer: tier=autoscaling, or https")
        return
    for index, rule in enumerate(ingress):
        if rule.protocol != "tcp":
            # An Application Load Balancer's listeners are HTTP and HTTPS only, over TCP (ELB user guide,
            # "Listeners for your Application Load Balancers": "Protocols: HTTP, HTTPS").
            raise SettingError(f"ingress[{index}].protocol", rule.protocol, "cannot reach an Application Load "
                               "Balancer, whose listeners are HTTP and HTTPS over TCP; use tcp")
        if rule.port != 80 or rule.to_port not in (None, 80):
            raise SettingError(f"ingress[{index}].port", rule.port, "with a load balancer, ingress says who "
                               "may reach it, on port 80 (and 443 with HTTPS, from the same sources)")
    if not _HEALTH_CHECK_PATH.fullmatch(health_check_path):
        raise SettingError("health_check_path", health_check_path,
                           "must start with / and hold at most 1024 printable characters, no spaces (e.g. /health)")
    if access_log_days < 1:
        raise SettingError("access_log_days", access_log_days, "must be at least 1 day")
    if zones < 2:
        # "You must select at least two Availability Zone subnets" (ELB user guide, Application Load Balancers).
        raise SettingError("zones", zones, "must be at least 2: an Application Load Balancer spans two "
                                           "Availability Zones at least")


# A host name: dot-separated labels of letters, digits and inner hyphens, a top-level label of letters.
# An internationalised name is written in its ASCII (punycode) form, top-level label included (xn--p1ai).
_HOST_NAME = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})")
# ACM's certificate ARN: arn:<partition>:acm:<region>:<account>:certificate/<certificate id, a UUID>
# (ACM API reference, CertificateSummary.CertificateArn; "Amazon Resource Names", AWS General Reference).
_CERTIFICATE_ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate/"
                              r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# ACM: "The first domain name you enter cannot exceed 64 octets, including periods" (ACM User Guide,
# "Requesting a public certificate"); the 253 of DNS apply to the names after it.
ACM_MAX_FIRST_NAME = 64


def partition_of(region: str) -> str:
    """The partition of a Region's ARNs (AWS General Reference, "Amazon Resource Names")."""
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def check_host_name(prop: str, value: str) -> str:
    """A DNS name for the site or its zone, lower-cased (DNS is not case-sensitive); no wildcard, no address."""
    name = value.strip().rstrip(".").lower()
    if "*" in name:
        raise SettingError(prop, value, "is a wildcard, which names many sites; give the one name this site answers on")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise SettingError(prop, value, "is an IP address; give a DNS name such as www.example.com")
    if not name.isascii():
        try:
            ascii_name = name.encode("idna").decode()
        except UnicodeError:
            ascii_name = None
        hint = f"; write it as {ascii_name}" if ascii_name else ""
        raise SettingError(prop, value, "must be written in its ASCII (punycode) form, as DNS, Route 53 and ACM take "
                                        f"internationalised names{hint}")
    if not _HOST_NAME.fullmatch(name):
        raise SettingError(prop, value, "must be a DNS name such as www.example.com (letters, digits, hyphens, dots)")
    return name


def check_site_check_reachable(ingress: Sequence[Ingress]) -> None:
    """With a domain_name, the deploy waits until each instance reaches the site by its name, through the
    Internet: from its public address (or its NAT gateway's), which only a rule open to every IPv4 address
    admits (security groups match the packet's source address; a group reference matches private addresses
    only: VPC User Guide, "Security group rules")."""
    for rule in ingress:
        last = rule.to_port if rule.to_port is not None else rule.port
        if rule.protocol == "tcp" and rule.port <= 80 <= last and rule.cidr == "0.0.0.0/0":
            return
    sources = ", ".join(sorted({rule.source() for rule in ingress})) or "nothing"
    raise SettingError("ingress", sources, "must admit HTTP (80) from 0.0.0.0/0 with a domain_name: the deploy waits "
                                           "until the servers reach the site by its name through the Internet, from "
                                           "addresses these rules block; restrict access without domain_name, or "
                                           "with a WAF or the site itself")


def check_health_check_path(path: str, *, site: Optional[Path], commands: Sequence[str]) -> None:
    """The load balancer's check must ask for something the site serves with 200: a file of ``site_dir``
    (``/`` and paths ending in ``/`` are that folder's index.html; Apache answers a folder without its ``/``
    with a 301 redirect, which the target group counts as unhealthy), or, without site_dir, ``/`` or
    ``/index.html``, the only page there. ``user_data_commands`` may install whatever serves it: then it is
    yours to check."""
    if commands:
        return
    from urllib.parse import unquote

    local = unquote(path.split("?", 1)[0])
    if site is None:
        if local not in ("/", "/index.html"):
            raise SettingError("health_check_path", path, "is not served: without site_dir the site is one page, / "
                                                          "(index.html); give a site_dir holding it, or use /")
        return
    relative = local.lstrip("/") + ("index.html" if local.endswith("/") else "")
    target = (site / relative).resolve()
    if target.is_dir():
        raise SettingError("health_check_path", path, f"is a folder of site_dir, which Apache answers with a 301 "
                                                      f"redirect, not 200; use {local}/")
    if site.resolve() not in target.parents or not target.is_file():
        raise SettingError("health_check_path", path, f"is not a file of site_dir ({site}), so Apache answers 404 "
                                                      "and every target is unhealthy")


def check_domain(domain_name: Optional[str], zone_name: Optional[str], certificate_arn: Optional[str],
                 https: Optional[bool], *, region: str, account: str, has_load_balancer: bool,
                 elastic_ip: bool) -> bool:
    """The name rules; returns whether the site is served over HTTPS."""
    if domain_name is None:
        for prop, value in (("hosted_zone", zone_name), ("certificate_arn", certificate_arn), ("https", https)):
            if value:
                raise SettingError(prop, value, "needs domain_name: the name the site answers on")
        return False
    if zone_name is not None and domain_name != zone_name and not domain_name.endswith("." + zone_name):
        raise SettingError("domain_name", domain_name, f"must lie inside hosted_zone ({zone_name})")
    if certificate_arn is not None and not cdk.Token.is_unresolved(certificate_arn):
        match = _CERTIFICATE_ARN.fullmatch(certificate_arn)
        if not match:
            raise SettingError("certificate_arn", certificate_arn, "must be an ACM certificate ARN such as "
                               "arn:aws:acm:us-east-1:123456789012:certificate/<uuid> (its id is a UUID)")
        if not cdk.Token.is_unresolved(region) and match.group(1) != partition_of(region):
            raise SettingError("certificate_arn", certificate_arn,
                               f"is in the {match.group(1)} partition, and the stack's region {region} is in "
                               f"{partition_of(region)}: a load balancer takes certificates of its own region only")
        # "Certificates in ACM are regional resources" (ACM User Guide, "Supported Regions").
        if not cdk.Token.is_unresolved(region) and match.group(2) != region:
            raise SettingError("certificate_arn", certificate_arn,
                               f"is in {match.group(2)}, and a load balancer takes certificates of its own region "
                               f"({region}) only")
        # An ACM certificate serves resources of the account that holds it; ACM does not share certificates
        # with other accounts (ACM User Guide, "Services integrated with ACM").
        if not cdk.Token.is_unresolved(account) and match.group(3) != account:
            raise SettingError("certificate_arn", certificate_arn,
                               f"belongs to account {match.group(3)}, and a load balancer takes certificates of its "
                               f"own account ({account}) only; import or request it in {account}")
    if https is None:
        https = certificate_arn is not None or (has_load_balancer and zone_name is not None)
    if https and certificate_arn is None and len(domain_name) > ACM_MAX_FIRST_NAME:
        raise SettingError("domain_name", domain_name,
                           f"is {len(domain_name)} characters, and ACM refuses a certificate whose name is over "
                           f"{ACM_MAX_FIRST_NAME}; use a shorter name, or bring your own certificate_arn")
    if https and certificate_arn is None and zone_name is None:
        raise SettingError("https", True, "asks for a certificate with no way to get one: give hosted_zone (to "
                                          "validate a new one through DNS) or certificate_arn (an existing one)")
    if not https and zone_name is None:
        raise SettingError("domain_name", domain_name, "needs hosted_zone, where its record goes (or certificate_arn "
                                                       "for HTTPS with the name managed elsewhere)")
    if not https and not has_load_balancer and not elastic_ip:
        raise SettingError("elastic_ip", False, "must be true with a domain_name on tier=single: the name points at "
                                                "the Elastic IP, and without one the address changes on every stop")
    return https


def check_single_server_props(**given: object) -> None:
    """Props that mean one hand-managed server each, refused with the Auto Scaling tier: say why."""
    why = ("instances in an Auto Scaling group are replaceable and come and go; keep state in a database, "
           "EFS or S3, and reach the site through the load balancer")
    for prop, value in given.items():
        if value is not None:
            raise SettingError(prop, value, f"only applies to tier=single: {why}")


# --- Day two: alarms, logs, backups, a schedule, a budget


@dataclass(frozen=True, kw_only=True)
class Backup:
    """AWS Backup of the servers and their volumes: a plan, an encrypted vault, a selection by the stack's tag."""

    #: daily (05:00 UTC), weekly (Saturdays 05:00 UTC), or an AWS cron expression such as cron(0 3 * * ? *).
    schedule: str = "daily"
    #: Days each recovery point is kept. Default: 7.
    retention_days: int = 7


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """When the servers run: EventBridge Scheduler stops and starts hand-managed servers; the Auto Scaling
    tier is scaled to zero and back by scheduled actions. Expressions: cron(...) with six fields, as
    EventBridge Scheduler takes them, e.g. cron(0 20 ? * MON-FRI *)."""

    stop: str
    start: str
    #: An IANA time zone for both expressions. Default: UTC.
    timezone: str = "UTC"


@dataclass(frozen=True, kw_only=True)
class PatchSchedule:
    """When the servers are patched (AWS-RunPatchBaseline through a Systems Manager maintenance window, one
    server at a time): a six-field cron(...) expression, as maintenance windows take it, e.g.
    cron(0 3 ? * SUN *), in ``timezone``."""

    cron: str
    #: An IANA time zone for the expression. Default: UTC.
    timezone: str = "UTC"


#: CloudWatch Logs' retention periods (PutRetentionPolicy, retentionInDays), each with its aws_logs.RetentionDays member.
LOG_RETENTION_PERIODS: Mapping[int, str] = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
    60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS"}
LOG_RETENTION_DAYS = tuple(LOG_RETENTION_PERIODS)
DEFAULT_LOG_RETENTION_DAYS = 30
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}", re.ASCII)
_BACKUP_PRESETS = ("daily", "weekly")


def check_alarm_email(email: str) -> None:
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise SettingError("alarm_email", email, "must be an email address such as ops@example.com")


def check_log_retention(days: Optional[int], *, logs: bool) -> None:
    if days is None:
        return
    if not logs:
        raise SettingError("log_retention_days", days, "only applies with logs=true, which creates the log groups")
    if days not in LOG_RETENTION_DAYS:
        raise SettingError("log_retention_days", days,
                           f"must be one of CloudWatch Logs' periods: {', '.join(map(str, LOG_RETENTION_DAYS))}")


def check_cron(prop: str, expression: str) -> None:
    """An EventBridge Scheduler / AWS Backup cron expression, read by :func:`.cron.parse_aws` (the parser
    cost_model/cron.py simulates schedules with): what it cannot read is refused, naming the field."""
    try:
        parse_aws(expression)
    except CronError as error:
        if error.field is None:
            allowed = error.detail or ("must be a cron expression with six fields, e.g. cron(0 20 ? * MON-FRI *) "
                                       "(minutes hours day-of-month month day-of-week year)")
        elif error.detail is None:
            allowed = f"has {error.part!r} in its {error.field} field, which takes {error.takes}"
        else:
            allowed = f"has {error.part!r} in its {error.field} field: {error.detail}"
        raise SettingError(prop, expression, allowed) from None


def unix_cron(prop: str, expression: str) -> str:
    """An EventBridge cron(...) as the five unix cron fields an Auto Scaling scheduled action takes.

    Unix cron has no year, no L, W or #, and counts days of the week from 0 (Sunday), where EventBridge
    counts from 1 (Sunday): an expression that cannot be said in unix cron is refused.
    """
    minutes, hours, day_of_month, month, day_of_week, year = expression.strip()[len("cron("):-1].split()
    if year != "*" or "L" in day_of_month or "W" in day_of_month or "L" in day_of_week or "#" in day_of_week:
        raise SettingError(prop, expression, "cannot be a scheduled action of tier=autoscaling, which takes unix cron: "
                                             "no year, L, W or # (e.g. cron(0 20 ? * MON-FRI *))")
    day_of_month = "*" if day_of_month == "?" else day_of_month
    day_of_week = "*" if day_of_week == "?" else re.sub(r"\d", lambda digit: str(int(digit[0]) - 1), day_of_week)
    return " ".join((minutes, hours, day_of_month, month, day_of_week))


def check_backup(backup: Backup, *, has_persistent_data: bool) -> None:
    from .checks import check_fields

    check_fields(backup, "backup")
    if backup.schedule not in _BACKUP_PRESETS:
        check_cron("backup.schedule", backup.schedule)
        # AWS Backup starts a rule's jobs at most once an hour (CreateBackupPlan: "The interval between backup
        # jobs shouldn't be less than 60 minutes"; AWS Backup Developer Guide, "Backup frequency"): the minutes
        # field must name one minute.
        minutes = backup.schedule.strip()[len("cron("):].split()[0]
        if not re.fullmatch(r"[0-9]{1,2}", minutes):
            raise SettingError("backup.schedule", backup.schedule,
                               f"runs more than once an hour (minutes {minutes!r}); AWS Backup takes at most one "
                               "backup an hour: give one minute, e.g. cron(0 * * * ? *) for hourly")
    if not 1 <= backup.retention_days <= 36500:
        raise SettingError("backup.retention_days", backup.retention_days, "must be from 1 to 36500 days")
    if not has_persistent_data:
        raise SettingError("backup", vars(backup), "has nothing to back up with tier=autoscaling: its instances and "
                                                   "their volumes are replaceable; keep state in a database, EFS or S3")


def check_schedule(schedule: Schedule, *, auto_scaling: bool) -> None:
    from .checks import check_fields

    check_fields(schedule, "schedule")
    for prop, expression in (("schedule.stop", schedule.stop), ("schedule.start", schedule.start)):
        check_cron(prop, expression)
        if auto_scaling:
            unix_cron(prop, expression)
    check_timezone("schedule.timezone", schedule.timezone)


def check_timezone(prop: str, timezone: str) -> None:
    import zoneinfo

    if timezone not in zoneinfo.available_timezones():
        raise SettingError(prop, timezone, "must be an IANA time zone such as Asia/Tokyo or UTC")


def check_patch_schedule(patching: PatchSchedule) -> None:
    """A maintenance window's cron (Systems Manager User Guide, "Reference: Cron and rate expressions for Systems
    Manager": six fields for maintenance windows) and time zone (CreateMaintenanceWindow ScheduleTimezone: IANA)."""
    from .checks import check_fields

    check_fields(patching, "patch_schedule")
    check_cron("patch_schedule.cron", patching.cron)
    check_timezone("patch_schedule.timezone", patching.timezone)


def check_resource_alarms(*, memory_percent: Optional[float], disk_percent: Optional[float], logs: bool,
                          alarm_email: Optional[str]) -> None:
    """The memory and disk alarms' thresholds: percentages, and only where those alarms exist (the CloudWatch
    agent's metrics need logs=true; the alarms need alarm_email)."""
    for prop, value in (("memory_alarm_percent", memory_percent), ("disk_alarm_percent", disk_percent)):
        if value is None:
            continue
        if not logs or alarm_email is None:
            raise SettingError(prop, value, "only applies with logs=true (the CloudWatch agent reports memory and disk "
                                            "use) and alarm_email (where the alarms go)")
        if not 0 < value < 100:
            raise SettingError(prop, value, "must be a percentage above 0 and below 100")


def check_budget(amount: float, alarm_email: Optional[str]) -> None:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 1 <= amount <= 1_000_000:
        raise SettingError("monthly_budget_usd", amount, "must be a number of US dollars from 1 to 1000000")
    if alarm_email is None:
        raise SettingError("monthly_budget_usd", amount, "needs alarm_email, where AWS Budgets sends its alerts (80% "
                                                         "forecast, 100% actual)")


def check_instance_type_usable(info: InstanceTypeInfo) -> None:
    """Types that exist but that this construct cannot launch as asked."""
    if any(arch.endswith("_mac") for arch in info.architectures):
        raise SettingError("instance_type", info.name,
                           "Mac instances run only on a Dedicated Host with a macOS AMI, which this construct does not "
                           "allocate; choose another type")


def check_instance_count(count: int) -> None:
    if not 1 <= count <= MAX_INSTANCE_COUNT:
        raise SettingError("instance_count", count, f"must be a whole number from 1 to {MAX_INSTANCE_COUNT} "
                                                    "(beyond that, use an Auto Scaling group)")


def instance_store_devices(info: InstanceTypeInfo, enabled: bool) -> tuple[str, ...]:
    """Device names for the type's instance-store volumes, /dev/sdb upwards (none unless ``enabled``).

    Refused on types without instance store, and on types whose instance store AWS does not encrypt.
    """
    if not enabled:
        return ()
    if info.instance_store_count == 0:
        raise SettingError("instance_store", True, f"{info.name} has no instance-store volumes; types that do "
                                                   f"include {', '.join(types_with_instance_store(info.name))}")
    if not info.instance_store_encrypted:
        raise SettingError("instance_store", True,
                           f"{info.name}'s instance store is not encrypted at rest; types whose NVMe instance store is "
                           f"include {', '.join(types_with_instance_store(info.name))}")
    return tuple(f"/dev/sd{chr(ord('b') + i)}" for i in range(info.instance_store_count))


def check_placement_group(group: Optional[str], info: InstanceTypeInfo) -> None:
    if group is None:
        return
    if not _PRINTABLE_ASCII.fullmatch(group):
        raise SettingError("placement_group", group,
                           "must be cluster, spread, partition, or an existing group's name (1-255 ASCII characters)")
    if group in PLACEMENT_STRATEGIES and group not in info.placement_strategies:
        raise SettingError("placement_group", group,
                           f"{info.name} supports only {', '.join(info.placement_strategies)} placement groups")


def check_spread(group: Optional[str], zones_of_servers: Sequence[str]) -> None:
    """A spread placement group holds at most 7 running instances per Availability Zone (EC2 User Guide,
    "Placement groups": "a spread placement group can span multiple Availability Zones ... a maximum of
    seven running instances per Availability Zone per group"). ``zones_of_servers``: each server's zone."""
    if group != "spread":
        return
    busiest = max(set(zones_of_servers), key=list(zones_of_servers).count)
    count = list(zones_of_servers).count(busiest)
    if count > SPREAD_MAX_PER_AZ:
        raise SettingError("placement_group", group,
                           f"a spread group holds at most {SPREAD_MAX_PER_AZ} instances per Availability Zone, and "
                           f"{count} of the {len(zones_of_servers)} servers would be in {busiest}; spread them over "
                           "more zones (leave subnet_id unset) or use fewer")


def check_private_ip(private_ip: Optional[str], instance_count: int) -> None:
    """Shape and count here; whether it is usable is decided against the subnet (check_private_ip_in_subnet)."""
    if private_ip is None:
        return
    try:
        address = ipaddress.ip_address(private_ip)
    except ValueError:
        address = None
    if not isinstance(address, ipaddress.IPv4Address):
        raise SettingError("private_ip", private_ip, "must be an IPv4 address such as 172.31.0.10")
    if instance_count != 1:
        raise SettingError("private_ip", private_ip,
                           f"one address cannot go to {instance_count} instances; use it with instance_count 1")


def check_private_ip_in_subnet(private_ip: str, subnet: ec2.ISubnet) -> None:
    """AWS refuses an address outside the subnet, and the first four and the last of every subnet."""
    cidr = subnet.ipv4_cidr_block
    if cdk.Token.is_unresolved(cidr):
        return  # only known after deploy; AWS will check
    network = ipaddress.ip_network(cidr)
    address = ipaddress.ip_address(private_ip)
    usable = f"{network[4]} to {network[-2]}"
    if address not in network or int(address) - int(network.network_address) < 4 or address == network[-1]:
        raise SettingError("private_ip", private_ip,
                           f"must lie inside subnet {subnet.subnet_id} ({cidr}), from {usable} (AWS reserves the rest)")


# AWS managed policies that grant administrator-level access, or the power to give it to oneself
# (IAM and Organizations full access): no public web server should hold them. Customer managed
# policies cannot be judged offline; cdk-nag and your own review are the check there.
ADMIN_EQUIVALENT_POLICIES = frozenset({
    "AdministratorAccess",
    "AdministratorAccess-Amplify",
    "AdministratorAccess-AWSElasticBeanstalk",
    "PowerUserAccess",
    "IAMFullAccess",
    "AWSOrganizationsFullAccess",
})


def is_admin_policy(arn: str) -> bool:
    match = _POLICY_ARN.fullmatch(arn)
    return bool(match) and match.group(2) == "aws" and arn.rsplit("/", 1)[-1] in ADMIN_EQUIVALENT_POLICIES


def check_iam_policies(arns: Sequence[str], *, allow_admin: bool = False) -> None:
    for index, arn in enumerate(arns):
        if not _POLICY_ARN.fullmatch(arn):
            raise SettingError(f"iam_policies[{index}]", arn, "must be a managed policy ARN such as "
                                                               "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy")
        if is_admin_policy(arn) and not allow_admin:
            raise SettingError(f"iam_policies[{index}]", arn,
                               "gives a public web server administrator-level access; grant only what it needs, or "
                               "also set allow_admin_policies=true if you really mean it")


def check_key_pair_name(name: str) -> None:
    if not _PRINTABLE_ASCII.fullmatch(name):
        raise SettingError("key_pair_name", name, "must be an existing key pair's name (1-255 ASCII characters)")


def _iam_tag_char(char: str) -> bool:
    """IAM's tag pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]: letters, separators, numbers and a few marks."""
    return unicodedata.category(char)[0] in "LZN" or char in "_.:/=+-@"


def check_tags(tags: Mapping[str, str], *, reserved: Sequence[str] = ()) -> None:
    """Tags for every resource, the instance role included: IAM accepts fewer characters than EC2."""
    if len(tags) > MAX_USER_TAGS:
        raise SettingError("tags", f"{len(tags)} tags",
                           f"at most {MAX_USER_TAGS} (AWS allows 50 per resource, the stack uses the rest)")
    # IAM compares tag keys without regard to case, and refuses two that differ only in case.
    seen = {key.lower(): key for key in reserved}
    for key, value in tags.items():
        setting = f"tags.{key}"
        if not 1 <= len(key) <= 128:
            raise SettingError("tags", key, "tag keys must be 1 to 128 characters")
        if key.lower().startswith("aws:"):
            raise SettingError("tags", key, "tag keys starting with aws: are reserved for AWS")
        if key.lower() in seen:
            other = seen[key.lower()]
            owner = f"{other} is set by the stack itself" if other in reserved else f"{other} is also given"
            if other != key:
                owner += ", and IAM treats tag keys that differ only in case as the same key"
            raise SettingError("tags", key, f"{owner}; choose another key")
        seen[key.lower()] = key
        if not isinstance(value, str):
            raise SettingError(setting, value, "tag values must be text")
        if len(value) > 256:
            raise SettingError(setting, value, "tag values must be at most 256 characters")
        for text, what in ((key, "tags"), (value, setting)):
            bad = sorted({c for c in text if not _iam_tag_char(c)})
            if bad:
                raise SettingError(what, text, f"tags may only use letters, digits, spaces and _.:/=+-@ "
                                               f"(IAM's rule), not {''.join(bad)!r}")
