"""The tools' template reading: security group rules and cloud assemblies, on top of the cost model's template
reader (cost_model/templates.py), whose names are re-exported here so the tools read templates through one module.

    ingress_rules(template)                      # {security group logical id: [SecurityGroupRule, ...]}
    assembly_stacks(Path("cdk.out"))             # [StackTemplate(name, path, region), ...]
    stack.warnings()                             # the synthesis's warnings for that stack, as `cdk synth` prints them
    resources, properties, references, reference, display_name, elastic_ip_associations, render_value,
    load_template                                # cost_model/templates.py's

Templates are plain dicts as ``json.loads`` returns them; nothing here calls AWS or the CDK.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, Optional

from cost_model.templates import (
    DEFAULT_VOLUME_TYPE,
    METADATA_TYPE,
    RETAINED_POLICIES,
    display_name,
    elastic_ip_associations,
    load_template,
    properties,
    reference,
    references,
    render_value,
    resources,
)

__all__ = ["DEFAULT_VOLUME_TYPE", "METADATA_TYPE", "RETAINED_POLICIES", "AssemblyError", "SecurityGroupRule",
           "StackTemplate", "assembly_stacks", "display_name", "elastic_ip_associations", "ingress_rule_set",
           "ingress_rules", "load_template", "properties", "protocol", "reference", "references", "region_of",
           "render_value", "resources", "template_stack"]

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp"}
_SOURCES = ("CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId", "SourceSecurityGroupName",
            "DestinationSecurityGroupId", "DestinationPrefixListId")


class AssemblyError(Exception):
    """No cloud assembly (or no stack in it) where one was expected; the message says where."""


# --------------------------------------------------------------------------------------------------
# Security group rules


class SecurityGroupRule(NamedTuple):
    """One security group rule: protocol (``tcp``, ``udp``, ``icmp``, ``-1`` for all), port range (-1 when
    the rule has none) and peer (a CIDR, or another group or prefix list as the template names it).

    A tuple, so rules read back from the EC2 API compare equal to the synthesized ones."""

    protocol: str
    from_port: int
    to_port: int
    peer: str

    @classmethod
    def from_template(cls, entry: dict[str, Any]) -> SecurityGroupRule:
        """A rule as a template declares it: an entry of SecurityGroupIngress/Egress, or the properties of an
        AWS::EC2::SecurityGroupIngress/Egress resource."""
        peer = next((render_value(entry[key]) for key in _SOURCES if key in entry), "?")
        return cls(protocol(entry.get("IpProtocol", "-1")), _port(entry.get("FromPort")), _port(entry.get("ToPort")),
                   peer)

    def describe(self, direction: str = "from") -> str:
        """``tcp 22 from 203.0.113.7/32``; ``direction`` "to" for egress."""
        if self.protocol == "-1":
            ports = "all traffic"
        elif (self.from_port, self.to_port) in ((-1, -1), (0, 65535)):
            ports = f"{self.protocol} all ports"
        elif self.from_port == self.to_port:
            ports = f"{self.protocol} {self.from_port}"
        else:
            ports = f"{self.protocol} {self.from_port}-{self.to_port}"
        peer = self.peer + (" (the whole Internet)" if self.peer in ("0.0.0.0/0", "::/0") else "")
        return f"{ports} {direction} {peer}"

    def network(self) -> Optional[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        try:
            return ipaddress.ip_network(self.peer, strict=False)
        except ValueError:
            return None

    def covers(self, other: SecurityGroupRule) -> bool:
        """True when this rule allows everything ``other`` does."""
        mine, theirs = self.network(), other.network()
        ports_cover = self.protocol == "-1" or (self.protocol == other.protocol and (
            (self.from_port, self.to_port) == (-1, -1)
            or (self.from_port <= other.from_port and other.to_port <= self.to_port and other.from_port != -1)))
        if mine is None or theirs is None:
            return ports_cover and self.peer == other.peer
        return ports_cover and mine.version == theirs.version and theirs.subnet_of(mine)


def protocol(value: Any) -> str:
    """An IpProtocol as a name: ``6`` is ``tcp``; ``-1`` (all) stays."""
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


def _port(value: Any) -> int:
    return int(value) if isinstance(value, (int, str, Decimal)) and str(value).lstrip("-").isdigit() else -1


def ingress_rules(template: Optional[dict[str, Any]]) -> dict[str, list[SecurityGroupRule]]:
    """Ingress rules by security group logical id, in template order: each group's inline rules, then the
    standalone AWS::EC2::SecurityGroupIngress resources that point at it. A standalone rule for a group
    outside the template is keyed by the group as written (``sg-0123...`` or ``${Other.GroupId}``)."""
    found = resources(template)
    rules: dict[str, list[SecurityGroupRule]] = {}
    for logical_id, resource in found.items():
        if resource["Type"] == "AWS::EC2::SecurityGroup":
            entries = properties(resource).get("SecurityGroupIngress") or []
            rules.setdefault(logical_id, []).extend(SecurityGroupRule.from_template(entry) for entry in entries)
    for resource in resources(template, "AWS::EC2::SecurityGroupIngress").values():
        props = properties(resource)
        group = reference(props.get("GroupId"))
        key = group if group in found else render_value(props.get("GroupId") or props.get("GroupName"))
        rules.setdefault(key, []).append(SecurityGroupRule.from_template(props))
    return rules


def ingress_rule_set(template: Optional[dict[str, Any]]) -> set[SecurityGroupRule]:
    """Every ingress rule of every security group in the template: ingress_rules' rules as one set (what a test
    compares with a deployed group's), not another reader.

    The template side has one reader, ingress_rules; the deployed side has its own, tools/deployment.py's
    ``deployed_ingress``, and must keep it: EC2's DescribeSecurityGroups answers in another shape (IpPermissions
    with IpRanges and Ipv6Ranges) than a template declares rules in (CidrIp, CidrIpv6, SourceSecurityGroupId, inline
    or as AWS::EC2::SecurityGroupIngress resources). Both return SecurityGroupRule, so the two compare equal."""
    return {rule for rules in ingress_rules(template).values() for rule in rules}


# --------------------------------------------------------------------------------------------------
# Cloud assemblies


@dataclass(frozen=True)
class StackTemplate:
    """One stack of a cloud assembly: its name, template file and region (None when environment-agnostic)."""

    name: str
    path: Path
    region: Optional[str]
    # Where the synthesis recorded the stack's metadata: a file of its own, or the manifest's entries (a dict).
    metadata: tuple[Path | dict[str, Any], ...] = field(default=(), compare=False)

    def load(self) -> dict[str, Any]:
        return load_template(self.path)

    def warnings(self) -> list[str]:
        """The warnings the synthesis recorded for this stack (``aws:cdk:warning`` metadata: annotations such as
        the app's own and aws-cdk-lib's), first line of each, in order and without repeats."""
        found: list[str] = []
        for source in self.metadata:
            if isinstance(source, Path):
                source = json.loads(source.read_text()) if source.is_file() else {}
            for entries in source.values():
                for entry in entries or []:
                    if entry.get("type") == "aws:cdk:warning":
                        text = str(entry.get("data", "")).strip().splitlines()
                        if text and text[0] not in found:
                            found.append(text[0])
        return found


def assembly_stacks(assembly: Path) -> list[StackTemplate]:
    """Every CloudFormation stack in a cloud assembly (cdk.out), with the region of its environment."""
    manifest_file = Path(assembly) / "manifest.json"
    if not manifest_file.is_file():
        raise AssemblyError(f"no cloud assembly in {assembly} (no manifest.json); run `make synth` first")
    manifest = json.loads(manifest_file.read_text())
    stacks = []
    for artifact_id, artifact in sorted(manifest.get("artifacts", {}).items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_file = Path(assembly) / artifact["properties"]["templateFile"]
        # Metadata (warnings among it) is inline in the manifest or in a file of its own, as the CDK chooses.
        metadata: list[Path | dict[str, Any]] = [artifact["metadata"]] if artifact.get("metadata") else []
        if artifact.get("additionalMetadataFile"):
            metadata.append(Path(assembly) / artifact["additionalMetadataFile"])
        stacks.append(StackTemplate(name=artifact.get("displayName", artifact_id), path=template_file,
                                    region=region_of(artifact.get("environment", "")), metadata=tuple(metadata)))
    if not stacks:
        raise AssemblyError(f"no stacks in {assembly}; run `make synth` first")
    return stacks


def region_of(environment: str) -> Optional[str]:
    """``aws://123456789012/us-east-1`` -> ``us-east-1`` (``unknown-region`` for an environment-agnostic stack)."""
    match = re.fullmatch(r"aws://[^/]*/(.+)", environment or "")
    return match.group(1) if match else None


def template_stack(path: Path) -> StackTemplate:
    """A template file; its stack name and region from the manifest next to it, if there is one."""
    path = Path(path)
    if not path.is_file():
        raise AssemblyError(f"template {path} not found")
    try:
        for stack in assembly_stacks(path.parent):
            if stack.path.resolve() == path.resolve():
                return stack
    except AssemblyError:
        pass
    return StackTemplate(name=path.name.removesuffix(".template.json").removesuffix(".json"), path=path, region=None)
