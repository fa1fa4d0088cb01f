"""Review a change before it is deployed: what it will do to running servers, in plain words, and what the
CDK CLI's own diff says. Offline: no AWS account, no credentials.

    python -m tools.review_diff                  # the working tree against its merge base with main
    python -m tools.review_diff --base v1.2      # against another git ref (make diff BASE=v1.2)
    python -m tools.review_diff -c instance_type=t3.micro   # context for both synths

Both sides are synthesized with the pinned CDK CLI (``npx cdk synth --no-lookups``) from the committed
``cdk.context.json``; the base in a temporary ``git worktree`` that borrows this checkout's ``.venv`` and
``node_modules`` and is removed again on every exit path. For every stack the real CLI then compares
the two (``npx cdk diff --app <working tree's assembly> --template <base template> <stack>``).

Above the CLI's output comes a summary a reviewer reads first, in Markdown (CI appends it to the job
summary): resources added, removed and changed, and in bold everything that

- REPLACES an instance or a volume. Replacement is read from CloudFormation's resource schemas as
  cfn-lint ships them (``createOnlyProperties``: a change replaces the resource;
  ``conditionalCreateOnlyProperties``: it may), and follows references: a resource whose create-only
  property points at a replaced resource is replaced too;
- widens network access (a new ingress rule, a wider CIDR or port range);
- changes IAM (roles, policies, instance profiles);
- loses data on removal or replacement (a volume deleted with DeletionPolicy Delete, an instance whose
  root volume goes with it);

and the change in cost (``tools/cost.py``).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Optional

from tools import cost
from tools.cdk_cli import offline_env

ROOT = Path(__file__).resolve().parent.parent
# Folders the base worktree borrows from this checkout (both are git-ignored, so a worktree has neither).
SHARED_FOLDERS = (".venv", "node_modules")
DEFAULT_BASE_BRANCHES = ("main", "origin/main")
IGNORED_TYPES = frozenset({"AWS::CDK::Metadata"})
# Attributes compared besides Properties; Metadata (construct paths) and DependsOn are not changes to AWS.
COMPARED_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy", "Condition")
WORDS = {"AWS::EC2::Instance": "instance", "AWS::EC2::Volume": "volume"}

# The schemas mark some properties "conditionally create-only": whether a change replaces the resource
# depends on the resource's state. For an EBS-backed instance in a VPC (every instance this app builds)
# CloudFormation's AWS::EC2::Instance reference says which way each goes ("Update requires: ..."):
# a stop and start ("Some interruptions"), or an update in place ("No interruption"). Any other
# conditional property is reported as "may replace".
CONDITIONAL_UPDATES: dict[tuple[str, str], str] = {
    ("AWS::EC2::Instance", "InstanceType"): "interrupt",
    ("AWS::EC2::Instance", "UserData"): "interrupt",
    ("AWS::EC2::Instance", "EbsOptimized"): "interrupt",
    ("AWS::EC2::Instance", "KernelId"): "interrupt",
    ("AWS::EC2::Instance", "RamdiskId"): "interrupt",
    ("AWS::EC2::Instance", "SecurityGroupIds"): "in-place",
}


class ReviewError(Exception):
    """Something outside the templates went wrong (git, synthesis); the message says what."""


# --------------------------------------------------------------------------------------------------
# Reading templates


def _resources(template: Optional[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    resources = (template or {}).get("Resources") or {}
    return {k: v for k, v in resources.items() if v.get("Type") not in IGNORED_TYPES}


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


def _short(value: Any, limit: int = 70) -> Optional[str]:
    """A value short enough to quote in a sentence, or None (user data, policy documents...)."""
    text = render_value(value)
    return text if len(text) <= limit and "\n" not in text else None


def _pointer_value(props: dict[str, Any], pointer: str) -> Any:
    """The value at a schema pointer such as ``/properties/BlockDeviceMappings``."""
    parts = pointer.split("/")[2:]
    value: Any = props
    for part in parts:
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


@cache
def _schema(resource_type: str, region: str) -> dict[str, Any]:
    from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER

    try:
        return PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    except Exception:  # unknown region or type in cfn-lint's copy: fall back to us-east-1, then to nothing
        if region != "us-east-1":
            return _schema(resource_type, "us-east-1")
        return {}


def update_behaviour(resource_type: str, prop: str, old: dict[str, Any], new: dict[str, Any], region: str) -> str:
    """What CloudFormation does when top-level property ``prop`` changes between ``old`` and ``new``:
    "replace", "maybe-replace", "interrupt" (stop and start) or "in-place"."""
    schema = _schema(resource_type, region)

    def touches(pointers: list[str]) -> bool:
        for pointer in pointers:
            parts = pointer.split("/")
            if len(parts) >= 3 and parts[1] == "properties" and parts[2] == prop \
                    and _pointer_value(old, pointer) != _pointer_value(new, pointer):
                return True
        return False

    if touches(schema.get("createOnlyProperties", [])):
        return "replace"
    if touches(schema.get("conditionalCreateOnlyProperties", [])):
        if resource_type == "AWS::EC2::Instance" and prop == "BlockDeviceMappings":
            # "Update requires: Replacement. If you change only the DeleteOnTermination property for one or
            # more block devices, update requires No interruption." (AWS::EC2::Instance reference)
            return "in-place" if _strip_delete_on_termination(old.get(prop)) == \
                _strip_delete_on_termination(new.get(prop)) else "replace"
        return CONDITIONAL_UPDATES.get((resource_type, prop), "maybe-replace")
    return "in-place"


def _strip_delete_on_termination(mappings: Any) -> Any:
    if not isinstance(mappings, list):
        return mappings
    stripped = []
    for mapping in mappings:
        mapping = dict(mapping)
        if isinstance(mapping.get("Ebs"), dict):
            mapping["Ebs"] = {k: v for k, v in mapping["Ebs"].items() if k != "DeleteOnTermination"}
        stripped.append(mapping)
    return stripped


# --------------------------------------------------------------------------------------------------
# The summary


@dataclass
class Change:
    """One resource's change: add, remove, replace or update (in place or with a stop and start)."""

    logical_id: str
    name: str
    type: str
    action: str
    reasons: list[str] = field(default_factory=list)
    maybe: bool = False  # replacement decided by CloudFormation at deploy time
    interrupt: bool = False  # the instance is stopped and started
    new_logical_id: Optional[str] = None  # replaced because its logical id changes


@dataclass
class StackReview:
    stack: str
    region: str
    changes: list[Change] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # bold: replacement, widening, IAM, data loss
    notes: list[str] = field(default_factory=list)  # plain words: everything else worth reading
    cost: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


@dataclass(frozen=True)
class Rule:
    """One ingress rule, as compared: protocol, port range and source."""

    protocol: str
    from_port: int
    to_port: int
    source: str

    def describe(self) -> str:
        protocol = {"-1": "all traffic", "6": "tcp", "17": "udp", "1": "icmp"}.get(self.protocol, self.protocol)
        if protocol == "all traffic" or (self.from_port, self.to_port) in ((-1, -1), (0, 65535)):
            ports = f"{protocol}" if protocol == "all traffic" else f"{protocol} all ports"
        elif self.from_port == self.to_port:
            ports = f"{protocol} {self.from_port}"
        else:
            ports = f"{protocol} {self.from_port}-{self.to_port}"
        source = self.source
        if source in ("0.0.0.0/0", "::/0"):
            source += " (the whole Internet)"
        return f"{ports} from {source}"

    def network(self) -> Optional[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        try:
            return ipaddress.ip_network(self.source, strict=False)
        except ValueError:
            return None

    def covers(self, other: Rule) -> bool:
        """True when this rule allows everything ``other`` does."""
        mine, theirs = self.network(), other.network()
        ports_cover = self.protocol == "-1" or (self.protocol == other.protocol and (
            (self.from_port, self.to_port) == (-1, -1)
            or (self.from_port <= other.from_port and other.to_port <= self.to_port and other.from_port != -1)))
        if mine is None or theirs is None:
            return ports_cover and self.source == other.source
        return ports_cover and mine.version == theirs.version and theirs.subnet_of(mine)


def _rule(entry: dict[str, Any]) -> Rule:
    source = next((render_value(entry[key]) for key in
                   ("CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourcePrefixListId", "SourceSecurityGroupName")
                   if key in entry), "?")
    protocol = str(entry.get("IpProtocol", "-1")).lower()
    protocol = {"6": "tcp", "17": "udp", "1": "icmp"}.get(protocol, protocol)
    from_port = int(entry.get("FromPort", -1)) if not isinstance(entry.get("FromPort"), dict) else -1
    to_port = int(entry.get("ToPort", -1)) if not isinstance(entry.get("ToPort"), dict) else -1
    return Rule(protocol, from_port, to_port, source)


def ingress_rules(resources: dict[str, dict[str, Any]]) -> dict[str, set[Rule]]:
    """Ingress rules by security group name, inline and standalone."""
    rules: dict[str, set[Rule]] = {}
    for logical_id, resource in resources.items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::EC2::SecurityGroup":
            group = cost.resource_name(logical_id, resource)
            rules.setdefault(group, set()).update(_rule(entry) for entry in props.get("SecurityGroupIngress") or [])
        elif resource.get("Type") == "AWS::EC2::SecurityGroupIngress":
            targets = cost.references(props.get("GroupId"))
            target = next(iter(targets), None)
            group = cost.resource_name(target, resources[target]) if target in resources else \
                render_value(props.get("GroupId") or props.get("GroupName"))
            rules.setdefault(group, set()).add(_rule(props))
    return rules


def _widening(base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    before, after = ingress_rules(base), ingress_rules(head)
    flags, notes = [], []
    for group in sorted(after):
        old_rules = before.get(group, set())
        added = sorted(after[group] - old_rules, key=Rule.describe)
        gone = sorted(old_rules - after[group], key=Rule.describe)
        for rule in added:
            widened = next((old for old in gone if rule.covers(old)), None)
            if widened is not None:
                gone.remove(widened)
                flags.append(f"Widens network access: `{group}` now allows {rule.describe()} "
                             f"(was {widened.describe()}).")
            else:
                flags.append(f"Widens network access: `{group}` gets a new ingress rule, {rule.describe()}.")
        for rule in gone:
            notes.append(f"Narrows network access: `{group}` no longer allows {rule.describe()}.")
    for group in sorted(set(before) - set(after)):
        for rule in sorted(before[group], key=Rule.describe):
            notes.append(f"Narrows network access: `{group}` is removed, with its rule {rule.describe()}.")
    return flags, notes


def _iam(change: Change, base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]]) -> list[str]:
    """Bold lines for one IAM-relevant change."""
    kind = change.type.split("::")[-1]
    old = base.get(change.logical_id, {}).get("Properties", {})
    new = head.get(change.new_logical_id or change.logical_id, {}).get("Properties", {})
    name = f"`{change.name}`"
    if change.type == "AWS::EC2::Instance":
        if change.action not in ("add", "remove") and old.get("IamInstanceProfile") != new.get("IamInstanceProfile"):
            return [f"IAM: instance {name} gets a different instance profile (and so different permissions)."]
        return []
    if not change.type.startswith("AWS::IAM::"):
        return []
    if change.action == "add":
        arns = [render_value(a) for a in new.get("ManagedPolicyArns") or []]
        detail = f" with managed policies {', '.join(f'`{a}`' for a in arns)}" if arns else ""
        return [f"IAM: adds {kind} {name}{detail}."]
    if change.action == "remove":
        return [f"IAM: removes {kind} {name}."]
    lines = []
    old_arns = {render_value(a) for a in old.get("ManagedPolicyArns") or []}
    new_arns = {render_value(a) for a in new.get("ManagedPolicyArns") or []}
    for arn in sorted(new_arns - old_arns):
        lines.append(f"IAM: {kind} {name} gets managed policy `{arn}`.")
    for arn in sorted(old_arns - new_arns):
        lines.append(f"IAM: {kind} {name} loses managed policy `{arn}`.")
    if old.get("AssumeRolePolicyDocument") != new.get("AssumeRolePolicyDocument"):
        lines.append(f"IAM: who may assume {kind} {name} changes.")
    for key in ("Policies", "PolicyDocument", "PermissionsBoundary", "Roles", "Users", "Groups"):
        if old.get(key) != new.get(key):
            lines.append(f"IAM: {kind} {name}: {key} changes.")
    if change.action == "replace":
        lines.append(f"IAM: {kind} {name} is replaced ({'; '.join(change.reasons)}).")
    return lines  # other changes (tags, description) grant nothing: they stay in the table, not in bold


def _size(props: dict[str, Any], key: str) -> str:
    size = props.get(key)
    return f"{size} GiB " if isinstance(size, (int, float, Decimal, str)) else ""


def _data_loss(change: Change, old_resource: dict[str, Any], how: str) -> tuple[list[str], list[str]]:
    """(bold, plain) lines about what happens to data when ``old_resource`` goes (``how``: removed/replaced)."""
    policy_key = "DeletionPolicy" if how == "removed" else "UpdateReplacePolicy"
    policy = old_resource.get(policy_key, "Delete")
    props = old_resource.get("Properties", {})
    name = f"`{change.name}`"
    event = "is removed" if how == "removed" else "is replaced (the old one is deleted)"
    if policy in cost.RETAINED:
        return [], [f"{WORDS.get(change.type, change.type)} {name} leaves the stack but stays in the account "
                    f"({policy_key} {policy}): it keeps costing money until you delete it."]
    if change.type == "AWS::EC2::Volume":
        what = f"volume {name} ({_size(props, 'Size')}{props.get('VolumeType', cost.DEFAULT_VOLUME_TYPE)})"
        if policy == "Snapshot":
            return [], [f"Data kept: {what} {event}; a snapshot of it is kept ({policy_key} Snapshot) and "
                        "costs money until you delete it."]
        return [f"Loses data: {what} {event} with {policy_key} {policy}: everything on it is lost."], []
    if change.type == "AWS::EC2::Instance":
        bold = []
        for mapping in props.get("BlockDeviceMappings") or []:
            ebs = mapping.get("Ebs")
            device = mapping.get("DeviceName", "?")
            if ebs is None and "VirtualName" in mapping:
                bold.append(f"Loses data: the instance-store volume {device} of instance {name} is wiped when the "
                            f"instance {event.split(' (')[0].removeprefix('is ')}.")
            elif ebs is not None and ebs.get("DeleteOnTermination", True) is not False:
                bold.append(f"Loses data: instance {name} {event}, and its root volume {device} "
                            f"({_size(ebs, 'VolumeSize')}{ebs.get('VolumeType', cost.DEFAULT_VOLUME_TYPE)}) is deleted "
                            "with it (DeleteOnTermination): anything stored on it is lost.")
        return bold, []
    return [], []


class _Summarizer:
    def __init__(self, base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], region: str) -> None:
        self.base = _resources(base)
        self.head = _resources(head)
        self.region = region or "us-east-1"
        self.changes: dict[str, Change] = {}

    def name(self, logical_id: str, side: dict[str, dict[str, Any]]) -> str:
        return cost.resource_name(logical_id, side[logical_id])

    def run(self) -> list[Change]:
        added = set(self.head) - set(self.base)
        removed = set(self.base) - set(self.head)
        # A resource whose logical id changes (same construct path and type) is replaced.
        by_name = {(self.name(k, self.head), self.head[k]["Type"]): k for k in added}
        for old_id in sorted(removed):
            key = (self.name(old_id, self.base), self.base[old_id]["Type"])
            new_id = by_name.pop(key, None)
            if new_id is not None:
                added.discard(new_id)
                self.changes[old_id] = Change(old_id, key[0], key[1], "replace", new_logical_id=new_id,
                                              reasons=[f"its logical id changes ({old_id} to {new_id})"])
            else:
                policy = self.base[old_id].get("DeletionPolicy", "Delete")
                self.changes[old_id] = Change(old_id, key[0], key[1], "remove", reasons=[f"DeletionPolicy {policy}"])
        for new_id in sorted(added):
            self.changes[new_id] = Change(new_id, self.name(new_id, self.head), self.head[new_id]["Type"], "add",
                                          reasons=_added_details(self.head[new_id]))
        for logical_id in sorted(set(self.base) & set(self.head)):
            self.compare(logical_id)
        self.propagate()
        return sorted(self.changes.values(), key=lambda c: (_ORDER[c.action], c.name))

    def compare(self, logical_id: str) -> None:
        old, new = self.base[logical_id], self.head[logical_id]
        change = Change(logical_id, self.name(logical_id, self.head), new["Type"], "update")
        if old["Type"] != new["Type"]:
            change.action = "replace"
            change.reasons.append(f"its type changes from {old['Type']}")
            self.changes[logical_id] = change
            return
        old_props, new_props = old.get("Properties", {}) or {}, new.get("Properties", {}) or {}
        for prop in sorted(set(old_props) | set(new_props)):
            if old_props.get(prop) != new_props.get(prop):
                self.classify(change, prop, old_props, new_props, self.describe(prop, old_props, new_props))
        for attribute in COMPARED_ATTRIBUTES:
            if old.get(attribute) != new.get(attribute):
                change.reasons.append(f"{attribute}: {old.get(attribute, '(none)')} to {new.get(attribute, '(none)')}")
        if change.reasons:
            self.changes[logical_id] = change

    @staticmethod
    def describe(prop: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        if prop == "BlockDeviceMappings":
            mappings = _describe_mappings(old.get(prop), new.get(prop))
            if mappings:
                return f"{prop}: {mappings}"
        before, after = (_short(old[prop]) if prop in old else "(none)"), (_short(new[prop]) if prop in new else "(none)")
        return f"{prop}: {before} to {after}" if before is not None and after is not None else f"{prop} changes"

    def classify(self, change: Change, prop: str, old: dict[str, Any], new: dict[str, Any], reason: str) -> None:
        behaviour = update_behaviour(change.type, prop, old, new, self.region)
        if behaviour == "replace":
            change.action = "replace"
            change.maybe = False
            reason += " (requires replacement)"
        elif behaviour == "maybe-replace":
            if change.action != "replace":
                change.action, change.maybe = "replace", True
            reason += " (may require replacement)"
        elif behaviour == "interrupt":
            change.interrupt = True
            reason += " (stop and start)"
        change.reasons.append(reason)

    def propagate(self) -> None:
        """A resource whose property points at a replaced resource sees a new value there: classify it."""
        seen: set[tuple[str, str]] = set()
        while True:
            replaced = {c.new_logical_id or c.logical_id: c for c in self.changes.values() if c.action == "replace"}
            progressed = False
            for logical_id in sorted(set(self.base) & set(self.head)):
                props = self.head[logical_id].get("Properties", {}) or {}
                for prop, value in sorted(props.items()):
                    targets = sorted(cost.references(value) & set(replaced) - {logical_id})
                    if not targets or (logical_id, prop) in seen:
                        continue
                    if (self.base[logical_id].get("Properties", {}) or {}).get(prop) != value:
                        continue  # the text changed too: compare() has classified it already
                    seen.add((logical_id, prop))
                    change = self.changes.get(logical_id) or Change(
                        logical_id, self.name(logical_id, self.head), self.head[logical_id]["Type"], "update")
                    old_props = {prop: {"previous": value}}  # any different value: the referenced id changes
                    reason = f"{prop}: `{replaced[targets[0]].name}` is replaced"
                    self.classify(change, prop, old_props, props, reason)
                    self.changes[logical_id] = change
                    progressed = True
            if not progressed:
                return


_ORDER = {"replace": 0, "remove": 1, "add": 2, "update": 3}


def _describe_mappings(old: Any, new: Any) -> Optional[str]:
    """Block device mappings, device by device: ``/dev/xvda VolumeSize 8 to 16``."""
    if not isinstance(old, list) or not isinstance(new, list):
        return None
    before = {m.get("DeviceName"): m for m in old if isinstance(m, dict)}
    after = {m.get("DeviceName"): m for m in new if isinstance(m, dict)}
    parts = []
    for device in sorted(set(before) | set(after), key=str):
        if device not in before or device not in after:
            parts.append(f"{device} {'added' if device in after else 'removed'}")
            continue
        old_ebs, new_ebs = before[device].get("Ebs") or {}, after[device].get("Ebs") or {}
        for key in sorted(set(old_ebs) | set(new_ebs)):
            if old_ebs.get(key) != new_ebs.get(key):
                parts.append(f"{device} {key} {render_value(old_ebs.get(key, '(none)'))} to "
                             f"{render_value(new_ebs.get(key, '(none)'))}")
        if {k: v for k, v in before[device].items() if k != "Ebs"} != {k: v for k, v in after[device].items() if k != "Ebs"}:
            parts.append(f"{device} changes")
    return ", ".join(parts) or None


def _added_details(resource: dict[str, Any]) -> list[str]:
    props = resource.get("Properties", {}) or {}
    if resource.get("Type") == "AWS::EC2::Volume":
        return [f"{_size(props, 'Size')}{props.get('VolumeType', cost.DEFAULT_VOLUME_TYPE)}, "
                f"DeletionPolicy {resource.get('DeletionPolicy', 'Delete')}"]
    if resource.get("Type") == "AWS::EC2::Instance" and isinstance(props.get("InstanceType"), str):
        return [props["InstanceType"]]
    return []


def summarize(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], *, stack: str, region: str,
              prices: Optional[cost.Prices] = None) -> StackReview:
    """The review of one stack: ``base`` is the deployed (or base) template, ``head`` the new one."""
    review = StackReview(stack=stack, region=region)
    replacing: list[str] = []
    losing: list[str] = []
    iam: list[str] = []
    summarizer = _Summarizer(base, head, region)
    review.changes = summarizer.run()
    base_res, head_res = summarizer.base, summarizer.head
    eip_targets = {target for r in head_res.values() if r.get("Type") in ("AWS::EC2::EIPAssociation", "AWS::EC2::EIP")
                   for target in cost.references(r.get("Properties", {}).get("InstanceId"))}

    for change in review.changes:
        word = WORDS.get(change.type)
        why = "; ".join(change.reasons)
        if change.action == "replace" and word:
            verb = "MAY REPLACE" if change.maybe else "REPLACES"
            replacing.append(f"{verb} {word} `{change.name}`: {why}.")
        elif change.action == "replace":
            extra = " It gets a new public IPv4 address." if change.type == "AWS::EC2::EIP" else ""
            review.notes.append(f"{'May replace' if change.maybe else 'Replaces'} {change.type} `{change.name}`: "
                                f"{why}.{extra}")
        if change.action in ("remove", "replace"):
            bold, plain = _data_loss(change, base_res[change.logical_id], "removed" if change.action == "remove"
                                     else "replaced")
            losing += bold
            review.notes += plain
        if change.interrupt and change.action != "replace":
            address = "" if change.logical_id in eip_targets else \
                " Its auto-assigned public IPv4 address changes (it has no Elastic IP)."
            review.notes.append(f"Stops and starts instance `{change.name}` (the web server is down meanwhile): "
                                f"{why}.{address}")
        if change.type == "AWS::EC2::Volume" and change.action == "update":
            old_size = base_res[change.logical_id].get("Properties", {}).get("Size")
            new_size = head_res[change.logical_id].get("Properties", {}).get("Size")
            if isinstance(old_size, (int, float, Decimal)) and isinstance(new_size, (int, float, Decimal)) \
                    and new_size < old_size:
                review.notes.append(f"Volume `{change.name}` shrinks from {old_size} to {new_size} GiB: EBS volumes "
                                    "cannot shrink, so this update will fail.")
        if change.type == "AWS::EC2::EIP" and change.action == "remove":
            review.notes.append(f"Elastic IP `{change.name}` is released: its address is gone for good.")
        iam += _iam(change, base_res, head_res)
    widen, narrow = _widening(base_res, head_res)
    review.flags = replacing + losing + widen + iam
    review.notes += narrow
    review.cost = cost_change(base, head, region=region, prices=prices)
    return review


def cost_change(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], *, region: str,
                prices: Optional[cost.Prices] = None) -> list[str]:
    """Plain lines: the monthly cost before and after, running, stopped and after destroy."""
    try:
        prices = prices or cost.Prices.load()
        before = cost.estimate_template(base or {}, region=region, prices=prices)
        after = cost.estimate_template(head or {}, region=region, prices=prices)
    except cost.CostError as error:
        return [f"Cost: not estimated: {error}."]
    parts = []
    for label, attribute in (("while running", "monthly"), ("while stopped", "stopped_monthly"),
                             ("after `cdk destroy`", "after_destroy_monthly")):
        old, new = getattr(before, attribute), getattr(after, attribute)
        delta = new - old
        change = "no change" if cost.money(delta) in ("$0.00", "$-0.00") else \
            ("+" if delta > 0 else "-") + cost.money(abs(delta))
        parts.append(f"{label} {cost.money(old)} to {cost.money(new)} a month ({change})")
    return [f"Cost ({region}, `tools/prices.json`): " + "; ".join(parts) + "."]


def render_review(review: StackReview) -> str:
    out = [f"## {review.stack} ({review.region})", ""]
    for flag in review.flags:
        out.append(f"- **{flag}**")
    for note in review.notes:
        out.append(f"- {note}")
    for line in review.cost:
        out.append(f"- {line}")
    replaced = review.count("replace")
    updated = review.count("update")
    if review.changes:
        out.append(f"- {review.count('add')} added, {review.count('remove')} removed, {replaced + updated} changed "
                   f"({replaced} replaced, {updated} updated in place).")
        out += ["", "| change | resource | type | what changes |", "|---|---|---|---|"]
        for change in review.changes:
            action = ("may replace" if change.maybe else "replace") if change.action == "replace" else change.action
            if change.action == "update" and change.interrupt:
                action = "update (stop and start)"
            if change.action in ("replace", "remove") and change.type in WORDS:
                action = f"**{action}**"
            details = "; ".join(change.reasons).replace("|", "\\|")
            out.append(f"| {action} | {change.name} | {change.type} | {details} |")
    else:
        out.append("- No changes to the stack's resources.")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# git, synthesis and the CDK CLI


def git(*args: str, cwd: Path = ROOT) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise ReviewError(f"git {' '.join(args)} failed: {run.stderr.strip() or run.stdout.strip()}")
    return run.stdout.strip()


@dataclass(frozen=True)
class Base:
    sha: str
    label: str


def resolve_base(ref: Optional[str], *, cwd: Path = ROOT) -> Base:
    """The commit to compare with: ``ref`` itself, or the merge base of HEAD with main (or origin/main)."""
    if ref:
        try:
            sha = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=cwd)
        except ReviewError:
            raise ReviewError(f"BASE={ref} is not a commit in this repository") from None
        return Base(sha, f"`{ref}`")
    for branch in DEFAULT_BASE_BRANCHES:
        try:
            git("rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}", cwd=cwd)
        except ReviewError:
            continue
        return Base(git("merge-base", "HEAD", branch, cwd=cwd), f"the merge base of HEAD and `{branch}`")
    raise ReviewError(f"no {' or '.join(DEFAULT_BASE_BRANCHES)} branch to compare with; pass BASE=<git ref>")


def _cdk(args: Sequence[str], *, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(["npx", "--no-install", "cdk", *args], cwd=cwd, env=offline_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)


def synth(checkout: Path, outdir: Path, context: Sequence[str], label: str) -> None:
    run = _cdk(["synth", "--quiet", "--no-lookups", "--output", str(outdir), *context], cwd=checkout)
    if run.returncode != 0:
        tail = "\n".join((run.stderr + run.stdout).strip().splitlines()[-15:])
        raise ReviewError(f"synthesizing {label} failed (exit status {run.returncode}):\n{tail}")


def cli_diff(head_assembly: Path, base_template: Path, stack: str, *, cwd: Path = ROOT) -> str:
    """The CDK CLI's resource-level diff of ``stack`` against a template file."""
    run = _cdk(["diff", "--app", str(head_assembly), "--template", str(base_template), "--no-color", stack], cwd=cwd)
    text = (run.stdout + run.stderr).strip()
    if run.returncode not in (0, 1):
        raise ReviewError(f"cdk diff {stack} failed (exit status {run.returncode}):\n{text[-2000:]}")
    return text


@contextmanager
def base_worktree(sha: str, *, repo: Path = ROOT) -> Iterator[Path]:
    """A temporary worktree at ``sha`` that borrows ``repo``'s .venv and node_modules; always removed."""
    holder = Path(tempfile.mkdtemp(prefix="review-diff-base-"))
    path = holder / "base"
    added = False
    try:
        git("worktree", "add", "--detach", "--quiet", str(path), sha, cwd=repo)
        added = True
        for name in SHARED_FOLDERS:
            source = repo / name
            if source.exists() and not (path / name).exists():
                (path / name).symlink_to(source.resolve(), target_is_directory=True)
        yield path
    finally:
        for name in SHARED_FOLDERS:  # unlink the borrowed folders first: never delete through them
            link = path / name
            if link.is_symlink():
                link.unlink()
        if added:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=repo, capture_output=True,
                           check=False)
        subprocess.run(["git", "worktree", "prune"], cwd=repo, capture_output=True, check=False)
        shutil.rmtree(holder, ignore_errors=True)


def _on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks, so the worktree is removed


def exit_cleanly_on_signals() -> None:
    """Turn SIGTERM and SIGHUP (a cancelled CI job, a closed terminal) into an exception, like Ctrl-C."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)


def review(*, base_ref: Optional[str] = None, context: Sequence[str] = (), repo: Path = ROOT) -> str:
    """The whole review as Markdown."""
    base = resolve_base(base_ref, cwd=repo)
    dirty = bool(git("status", "--porcelain", "--untracked-files=no", cwd=repo))
    head_sha = git("rev-parse", "--short", "HEAD", cwd=repo)
    prices = cost.Prices.load()
    with tempfile.TemporaryDirectory(prefix="review-diff-") as tmp:
        tmp_dir = Path(tmp)
        head_out, base_out = tmp_dir / "head.out", tmp_dir / "base.out"
        synth(repo, head_out, context, "the working tree")
        with base_worktree(base.sha, repo=repo) as checkout:
            synth(checkout, base_out, context, f"the base {base.sha[:7]}")
        head_stacks = {s.name: s for s in cost.assembly_stacks(head_out)}
        base_stacks = {s.name: s for s in cost.assembly_stacks(base_out)}
        parts = ["# Review of this change", "",
                 f"Base: `{base.sha[:7]}` ({base.label}). Head: the working tree at `{head_sha}`"
                 + (" with uncommitted changes" if dirty else "") + ". Both synthesized offline from "
                 "`cdk.context.json`" + (f" with {' '.join(context)}" if context else "") + ".", ""]
        for name in sorted(set(head_stacks) | set(base_stacks)):
            head_stack, base_stack = head_stacks.get(name), base_stacks.get(name)
            region = (head_stack or base_stack).region or ""
            head_template = head_stack.load() if head_stack else None
            base_template = base_stack.load() if base_stack else {"Resources": {}}
            summary = summarize(base_template, head_template, stack=name, region=region, prices=prices)
            parts += [render_review(summary), ""]
            if head_stack is None:
                parts += ["The stack is gone from the app: `cdk deploy` no longer touches it, and `cdk destroy` "
                          "must be run for it on the base commit.", ""]
                continue
            base_file = base_stack.path if base_stack else tmp_dir / f"{name}.empty.template.json"
            if base_stack is None:
                base_file.write_text(json.dumps(base_template))
            parts += [f"### `cdk diff {name}` (the CDK CLI's view)", "", "```text",
                      cli_diff(head_out, base_file, name, cwd=repo), "```", ""]
    return "\n".join(parts).rstrip() + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.review_diff", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=os.environ.get("BASE") or None,
                        help="git ref to compare with (default: the merge base of HEAD and main)")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE",
                        help="context for both synths, as `cdk synth -c`")
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    context = [arg for pair in args.context for arg in ("-c", pair)]
    try:
        sys.stdout.write(review(base_ref=args.base, context=context))
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
