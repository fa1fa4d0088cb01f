"""The web server's options and AWS's rules for them: limits and combinations, checked at synth.

Types are checked by :mod:`.checks` from the annotations; what is here is what AWS (or this
construct) would refuse of a well-typed value. Every rule raises :class:`SettingError` naming the
prop, the value and what is allowed.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Literal, Optional

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2

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


def check_placement_group(group: Optional[str], info: InstanceTypeInfo, instance_count: int) -> None:
    if group is None:
        return
    if not _PRINTABLE_ASCII.fullmatch(group):
        raise SettingError("placement_group", group,
                           "must be cluster, spread, partition, or an existing group's name (1-255 ASCII characters)")
    if group in PLACEMENT_STRATEGIES and group not in info.placement_strategies:
        raise SettingError("placement_group", group,
                           f"{info.name} supports only {', '.join(info.placement_strategies)} placement groups")
    if group == "spread" and instance_count > SPREAD_MAX_PER_AZ:
        raise SettingError("placement_group", group,
                           f"a spread group holds at most {SPREAD_MAX_PER_AZ} instances per Availability Zone "
                           f"(instance_count is {instance_count})")


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
