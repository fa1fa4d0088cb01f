"""AWS::EC2::SecurityGroup: IPv6 and egress rules, tags, in-place rule updates.

moto 5.2.5 keeps only IPv4 ``CidrIp`` (and source-group) ingress: ``CidrIpv6``
rules, rule descriptions and ``SecurityGroupEgress`` are dropped. Any update,
even of one ingress rule, deletes the group and creates a new one, while in
AWS a rule or tag change is made in place (same group ID) and only a new
GroupDescription, GroupName or VpcId replaces the group.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroup, SecurityGroupRule

from emulator.gaps._install import install
from emulator.gaps._props import changed, replacement_name, retag, tag_dict

_REPLACING = {"GroupDescription", "GroupName", "VpcId"}
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}
#: The rule a VPC security group gets when the template lists no egress rule (shared with
#: ec2_security_group_egress, which strips it).
DEFAULT_EGRESS = {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}

#: A rule as (protocol, from port, to port, peer kind, peer, description); shared with
#: ec2_security_group_egress, which adds rules of its own.
RuleKey = tuple[str, int | None, int | None, str, str, str]


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


def _ports(protocol: str, spec_from: Any, spec_to: Any) -> tuple[int | None, int | None]:
    if protocol == "-1":
        return None, None
    return int(spec_from), int(spec_to)


def spec_key(spec: dict[str, Any], egress: bool) -> RuleKey:
    protocol = _protocol(spec["IpProtocol"])
    from_port, to_port = _ports(protocol, spec.get("FromPort"), spec.get("ToPort"))
    group = spec.get("DestinationSecurityGroupId" if egress else "SourceSecurityGroupId")
    prefix = spec.get("DestinationPrefixListId" if egress else "SourcePrefixListId")
    for kind, value in (("CidrIp", spec.get("CidrIp")), ("CidrIpv6", spec.get("CidrIpv6")),
                        ("GroupId", group), ("PrefixListId", prefix)):
        if value:
            return (protocol, from_port, to_port, kind, str(value), spec.get("Description", ""))
    raise ValueError(f"security group rule has no source or destination: {spec}")


def rule_key(rule: SecurityGroupRule) -> RuleKey:
    protocol = rule.ip_protocol or "-1"
    from_port, to_port = _ports(protocol, rule.from_port, rule.to_port)
    for kind in ("CidrIp", "CidrIpv6"):
        if kind in rule.ip_range:
            return (protocol, from_port, to_port, kind, rule.ip_range[kind], rule.ip_range.get("Description", ""))
    if rule.source_group:
        group = rule.source_group
        return (protocol, from_port, to_port, "GroupId", group.get("GroupId", ""), group.get("Description") or "")
    return (protocol, from_port, to_port, "PrefixListId", str(rule.prefix_list_id), "")


def authorize(group: SecurityGroup, key: RuleKey, egress: bool) -> None:
    protocol, from_port, to_port, kind, value, description = key
    target: dict[str, str] = {kind: value}
    if description:
        target["Description"] = description
    arguments: dict[str, Any] = {
        "group_name_or_id": group.id,
        "ip_protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "ip_ranges": [target] if kind in ("CidrIp", "CidrIpv6") else [],
        "source_groups": [target] if kind == "GroupId" else [],
        "prefix_list_ids": [target] if kind == "PrefixListId" else [],
        "vpc_id": group.vpc_id,
    }
    backend = group.ec2_backend
    if egress:
        backend.authorize_security_group_egress(**arguments)
    else:
        backend.authorize_security_group_ingress(**arguments)


def _wanted(properties: dict[str, Any], egress: bool) -> list[RuleKey]:
    specs = properties.get("SecurityGroupEgress" if egress else "SecurityGroupIngress") or []
    if egress and not specs:
        specs = [DEFAULT_EGRESS]
    return [spec_key(spec, egress) for spec in specs]


def _sync_rules(group: SecurityGroup, properties: dict[str, Any], old: dict[str, Any] | None = None) -> None:
    """Give the group the template's rules: revoke those the old template declared and the new one does
    not, authorize the new ones. Rules added by AWS::EC2::SecurityGroupIngress/Egress resources are not
    the group's to manage and stay (with no old template, on create, the group is new and has none)."""
    for egress in (False, True):
        wanted = _wanted(properties, egress)
        declared = set(_wanted(old, egress)) if old is not None else None
        rules: list[SecurityGroupRule] = group.egress_rules if egress else group.ingress_rules
        if declared is None:
            kept = [rule for rule in rules if rule_key(rule) in wanted]
        else:
            kept = [rule for rule in rules if rule_key(rule) not in declared or rule_key(rule) in wanted]
        rules[:] = kept
        present = {rule_key(rule) for rule in kept}
        if egress and old is not None and not properties.get("SecurityGroupEgress"):
            # The implicit allow-all rule is added only when the group is created: "After the
            # security group is created, if you remove all egress rules that you added, we do not
            # add egress rules" (aws-resource-ec2-securitygroup.md). So an update never brings it
            # back, e.g. after AWS::EC2::SecurityGroupEgress resources took it away.
            wanted = []
        for key in wanted:
            if key not in present:
                authorize(group, key, egress)
                present.add(key)


class SecurityGroupFill:
    """What moto's SecurityGroup gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> SecurityGroup:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        group = backend.create_security_group(
            name=properties.get("GroupName") or resource_name,
            description=properties.get("GroupDescription"),
            vpc_id=properties.get("VpcId"),
            tags=tag_dict(properties.get("Tags")),
        )
        _sync_rules(group, properties)
        return group

    @classmethod
    def emulator_update(
        cls, group: SecurityGroup, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> SecurityGroup:
        differences = changed(old, new)
        if differences & _REPLACING:
            # New group now; the old one is deleted in the clean-up phase, after
            # the instance has moved to the new one.
            name = replacement_name(old.get("GroupName"), new.get("GroupName"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        _sync_rules(group, new, old)
        if "Tags" in differences:
            retag(group, old.get("Tags"), new.get("Tags"))
        return group


def apply() -> None:
    install(SecurityGroup, SecurityGroupFill)
