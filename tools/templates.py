"""Reading synthesized CloudFormation templates and cloud assemblies: the one place the tools and tests do it.

    resources(template, "AWS::EC2::Instance")   # {logical id: resource}, never CDK's metadata resource
    references(value)                            # logical ids a value points at (Ref, Fn::GetAtt, Fn::Sub)
    display_name(logical_id, resource)           # WebServer/Server1/Instance, or the id without CDK's hash
    elastic_ip_associations(template)            # [(Elastic IP logical id, instance logical id), ...]
    render_value(value)                          # a value as `cdk diff` shows it: ${Instance.PublicIp}
    ingress_rules(template)                      # {security group logical id: [SecurityGroupRule, ...]}
    load_template(path)                          # a template file as a dict
    assembly_stacks(Path("cdk.out"))             # [StackTemplate(name, path, region), ...]
    stack.warnings()                             # the synthesis's warnings for that stack, as `cdk synth` prints them

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

METADATA_TYPE = "AWS::CDK::Metadata"
# DeletionPolicy / UpdateReplacePolicy values that keep the resource in the account.
RETAINED_POLICIES = ("Retain", "RetainExceptOnCreate")
# CloudFormation's and EC2's volume type when a template names none.
DEFAULT_VOLUME_TYPE = "gp2"
# CDK's logical id hash, and the user-data digest ec2.Instance appends with user_data_causes_replacement.
_HASH_SUFFIX = re.compile(r"[0-9A-F]{8}(?:[0-9a-f]{16})?$")
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp"}
_SOURCES = ("CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId", "SourceSecurityGroupName",
            "DestinationSecurityGroupId", "DestinationPrefixListId")


class AssemblyError(Exception):
    """No cloud assembly (or no stack in it) where one was expected; the message says where."""


# --------------------------------------------------------------------------------------------------
# Resources and references


def resources(template: Optional[dict[str, Any]], resource_type: Optional[str] = None) -> dict[str, dict[str, Any]]:
    """The template's resources by logical id, without CDK's metadata resource; only ``resource_type`` if given."""
    found = (template or {}).get("Resources") or {}
    return {logical_id: resource for logical_id, resource in found.items()
            if resource.get("Type") != METADATA_TYPE and resource_type in (None, resource.get("Type"))}


def properties(resource: Optional[dict[str, Any]]) -> dict[str, Any]:
    return (resource or {}).get("Properties") or {}


def references(value: Any) -> set[str]:
    """Logical ids that ``value`` points at: Ref, Fn::GetAtt, and Fn::Sub's ``${Id}`` / ``${Id.Attribute}``."""
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            found.add(value["Ref"])
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute and isinstance(attribute[0], str):
            found.add(attribute[0])
        elif isinstance(attribute, str):
            found.add(attribute.split(".")[0])
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else sub
        if isinstance(text, str):
            found |= {piece.split("}")[0].split(".")[0] for piece in text.split("${")[1:]}
        for inner in value.values():
            found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def reference(value: Any) -> Optional[str]:
    """The one logical id a ``Ref`` or ``Fn::GetAtt`` value points at, else None."""
    if isinstance(value, dict) and len(value) == 1 and ("Ref" in value or "Fn::GetAtt" in value):
        targets = references(value)
        return next(iter(targets)) if len(targets) == 1 else None
    return None


def elastic_ip_associations(template: Optional[dict[str, Any]]) -> list[tuple[Optional[str], Optional[str]]]:
    """(Elastic IP, instance) for each association the template makes, in template order: an AWS::EC2::EIP's own
    InstanceId, or an AWS::EC2::EIPAssociation's AllocationId (or EIP) and InstanceId. The Elastic IP is a logical
    id (of the template's AWS::EC2::EIP, or of a parameter), None when the association names it by a literal; the
    instance is None when the association names none (a network interface instead)."""
    found = []
    for logical_id, resource in resources(template).items():
        props = properties(resource)
        if resource.get("Type") == "AWS::EC2::EIP" and props.get("InstanceId") is not None:
            eip: Optional[str] = logical_id
        elif resource.get("Type") == "AWS::EC2::EIPAssociation":
            eip = reference(props.get("AllocationId")) or reference(props.get("EIP"))
        else:
            continue
        found.append((eip, next(iter(sorted(references(props.get("InstanceId")))), None)))
    return found


def display_name(logical_id: str, resource: dict[str, Any]) -> str:
    """The construct path (``WebServer/Server1/Instance``) when the template has it, else the logical id
    without CDK's hash suffix (and the user-data digest an instance's id may carry)."""
    path = (resource.get("Metadata") or {}).get("aws:cdk:path")
    if isinstance(path, str) and "/" in path:
        parts = path.split("/")[1:]  # drop the stack name
        if parts and parts[-1] in ("Resource", "Default"):
            parts = parts[:-1]
        return "/".join(parts) or logical_id
    return _HASH_SUFFIX.sub("", logical_id) or logical_id


def render_value(value: Any) -> str:
    """A template value as a reviewer reads it: literals as they are, intrinsics like the CDK CLI shows them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "Ref":
            return f"${{{inner}}}"
        if key == "Fn::GetAtt":
            return "${" + (".".join(inner) if isinstance(inner, list) else str(inner)) + "}"
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], list):
            return str(inner[0]).join(render_value(part) for part in inner[1])
        if key == "Fn::Sub" and isinstance(inner, str):
            return inner
    return json.dumps(value, sort_keys=True, default=str)


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
    """Every ingress rule of every security group in the template."""
    return {rule for rules in ingress_rules(template).values() for rule in rules}


# --------------------------------------------------------------------------------------------------
# Cloud assemblies


def load_template(path: Path | str) -> dict[str, Any]:
    """A template file as a plain dict."""
    return json.loads(Path(path).read_text())


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
