"""Review a change before it is deployed: what it will do to running servers, in plain words, and what the
CDK CLI's own diff says. Offline: no AWS account, no credentials.

    python -m tools.review_diff                  # the working tree against its merge base with main
    python -m tools.review_diff --base v1.2      # against another git ref (make diff BASE=v1.2)
    python -m tools.review_diff -c instance_type=t3.micro   # context for both synths

Both sides are synthesized with the pinned CDK CLI (``npx cdk synth --no-lookups``) from the committed
``cdk.context.json``; the base in a temporary ``git worktree`` that borrows this checkout's ``.venv`` and
``node_modules`` and is removed again on every exit path. For every stack the real CLI then compares
the two (``npx cdk diff --app <working tree's assembly> --template <base template> <stack>``); the
synthesis's warnings are listed once in the summary, not repeated in the CLI's diff.

Above the CLI's output comes a summary a reviewer reads first, in Markdown (CI posts it on the pull
request). What is replaced, and the security group and IAM changes, come from the engine ``cdk diff``
itself is built on (``@aws-cdk/cloudformation-diff``, through ``tools/cfn_diff.cjs``), so the summary and
the diff below it agree. The summary lists resources added, removed and changed, and puts in bold
everything that

- will be REFUSED before anything changes (a template Rule that fails: the KeepAttachedVolumes rule when an
  instance with data volumes attached would be replaced) or will FAIL (an EBS volume update CloudFormation
  does not support, a shrink, a device or a volume still in use: a data volume moved to another device);
- REPLACES an instance, a volume, a load balancer, a target group, an Auto Scaling group, a certificate, a
  listener or a DNS record (the engine's verdict, and where the resource specification can only say "may be
  replaced", what AWS's AWS::EC2::Instance reference says for an EBS-backed instance in a VPC: a stop and
  start, an update in place, or a replacement), or ROLLS an Auto Scaling group's instances (its UpdatePolicy,
  batch by batch);
- cuts off clients (a listener's port or protocol changes, a listener closes its port, a DNS record is
  deleted and takes its name off the Internet) or may (a new TLS security policy);
- widens network access (a new ingress or egress rule, a wider CIDR or port range);
- changes IAM (policy statements, managed policies, roles and instance profiles);
- loses data on removal or replacement (a volume deleted with DeletionPolicy Delete, an instance whose
  root volume goes with it), or on a stop and start (an instance's instance-store volumes);

then in plain words the stops and starts, public address changes, the site's name and HTTPS (a certificate
requested and validated, in which order CloudFormation switches listeners to it; what ports 80 and 443 answer;
where a name points and how long resolvers keep the old answer; whether the deploy waits for the site on its
name), and the change in cost (``tools/cost.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from tools import cfn_diff, cost
from tools.cdk_cli import SynthError, cdk_command, offline_env, synth_offline
from tools.templates import (
    DEFAULT_VOLUME_TYPE,
    RETAINED_POLICIES,
    AssemblyError,
    SecurityGroupRule,
    assembly_stacks,
    display_name,
    elastic_ip_associations,
    properties,
    reference,
    references,
    render_value,
    resources,
)

ROOT = Path(__file__).resolve().parent.parent
# Folders the base worktree borrows from this checkout (both are git-ignored, so a worktree has neither).
SHARED_FOLDERS = (".venv", "node_modules")
DEFAULT_BASE_BRANCHES = ("main", "origin/main")
# Attributes the engine compares besides Properties that change nothing in AWS: construct paths, ordering.
UNDEPLOYED_ATTRIBUTES = frozenset({"Metadata", "DependsOn"})
INSTANCE = "AWS::EC2::Instance"
VOLUME = "AWS::EC2::Volume"
ATTACHMENT = "AWS::EC2::VolumeAttachment"
GROUP = "AWS::AutoScaling::AutoScalingGroup"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
CERTIFICATE = "AWS::CertificateManager::Certificate"
RECORD = "AWS::Route53::RecordSet"
WAIT_CONDITION = "AWS::CloudFormation::WaitCondition"
# The stack's output with the site's address (stacks/web_server_stack.py).
SITE_URL_OUTPUT = "SiteUrl"
# Resources whose replacement or removal a reviewer must see in bold, and what a replacement means beyond that.
WORDS = {
    INSTANCE: "instance",
    VOLUME: "volume",
    LOAD_BALANCER: "load balancer",
    TARGET_GROUP: "target group",
    GROUP: "Auto Scaling group",
    CERTIFICATE: "certificate",
    LISTENER: "listener",
    RECORD: "DNS record",
}
# A replacement's order is CloudFormation's ("Understand update behaviors of stack resources", Replacement): it
# creates the new resource first, points the resources that refer to it at the new one, and deletes the old one
# last, in the update's cleanup.
REPLACEMENT_MEANS = {
    LOAD_BALANCER:
        "The new load balancer has a new DNS name, so the site's address (the SiteUrl output) changes; anything "
        "that points at the old name (a DNS record) must follow.",
    TARGET_GROUP:
        "The instances are registered with the new target group and serve only once its health checks pass; the "
        "listener forwards to it from then on.",
    GROUP: "All its instances are replaced at once by the new group's, not batch by batch.",
    CERTIFICATE:
        "CloudFormation requests the new certificate first and waits until ACM issues it, then switches what "
        "presents the old one to it (no interruption), and deletes the old certificate last, in the update's "
        "cleanup.",
    LISTENER: "CloudFormation creates the new listener first and deletes the old one last, in the update's cleanup.",
    RECORD: "CloudFormation creates the new record first and deletes the old one last, in the update's cleanup.",
}
# Resources outside WORDS whose update can fail (_attachments_moved), as a failure names them.
FAILING_WORDS = {ATTACHMENT: "volume attachment"}
ENGINE_MAYBE = "`cdk diff`: may be replaced"
_TOKEN = re.compile(r"\$\{([^.}]+)")  # the start of ${LogicalId} or ${LogicalId.Attribute}

# The resource specification marks some AWS::EC2::Instance properties "may replace": whether they do depends
# on the instance. For an EBS-backed instance in a VPC (every instance this app builds) CloudFormation's
# AWS::EC2::Instance reference says which way each goes ("Update requires: ..."): a stop and start ("Some
# interruptions"), or an update in place ("No interruption"). BlockDeviceMappings: see _block_devices.
# Any other "may replace" property stays "may replace".
INSTANCE_UPDATES: dict[str, str] = {
    "InstanceType": "interrupt",
    "UserData": "interrupt",
    "EbsOptimized": "interrupt",
    "KernelId": "interrupt",
    "RamdiskId": "interrupt",
    "SecurityGroupIds": "in-place",
}
# User data runs on an instance's first boot only (cloud-init's default): a stop and start does not run a new
# script. This app replaces the instance instead (ec2.Instance's user_data_causes_replacement: the script's
# digest is part of the logical id), so a changed script reaches the servers on a new instance's first boot.
USER_DATA_NOT_RERUN = "the new script does not run: user data runs on an instance's first boot only"

# AWS::EC2::Volume properties CloudFormation cannot update: its resource reference says "Update requires: Updates
# are not supported" for AvailabilityZone, Encrypted, KmsKeyId and SnapshotId, and for MultiAttachEnabled that
# "AWS CloudFormation does not currently support updating a single-attach volume to be multi-attach enabled"
# (and back). Source: awsdocs/aws-cloudformation-user-guide, doc_source/aws-resource-ec2-volume.md (periodic update
# of 19 Sep 2023, commit 6c68a17a). The update fails and rolls back, the volume untouched. The resource
# specification the engine reads marks none of them as replacing the volume, so the engine says "update".
VOLUME_NOT_UPDATABLE = ("AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId", "MultiAttachEnabled")
# The same reference, MultiAttachEnabled: nor does it support "updating the size or number of I/O operations per second
# (IOPS) of a multi-attach enabled volume".
VOLUME_NOT_UPDATABLE_MULTI_ATTACH = {"Size": "size", "Iops": "IOPS"}
_VOLUME_BOOLEANS = ("Encrypted", "MultiAttachEnabled")  # absent means false to CloudFormation
# What triggers an Auto Scaling group's AutoScalingReplacingUpdate/AutoScalingRollingUpdate policy (UpdatePolicy
# attribute reference: a change of the group's LaunchConfiguration, VPCZoneIdentifier or LaunchTemplate). A launch
# template whose data changes gets a new version, and the group's LaunchTemplate names its LatestVersionNumber.
GROUP_ROLLING_PROPERTIES = ("LaunchTemplate", "LaunchConfigurationName", "VPCZoneIdentifier", "MixedInstancesPolicy")
# The AutoScalingRollingUpdate defaults (same reference): one at a time, none kept in service, no pause.
ROLLING_DEFAULTS = {"MaxBatchSize": 1, "MinInstancesInService": 0}
_BEHAVIOUR = {"replace": "replace", "may-replace": "maybe-replace", "update": "in-place"}
_SAY = {"replace": "requires replacement", "maybe-replace": "may require replacement", "interrupt": "stop and start",
        "in-place": ""}
_TWO_DEPLOYS = "deploy with -c detach_volumes=true, then without it"


class ReviewError(Exception):
    """Something outside the templates went wrong (git, synthesis); the message says what."""


# --------------------------------------------------------------------------------------------------
# What the engine cannot know about EC2


def instance_behaviour(prop: str, old: Any, new: Any) -> Optional[str]:
    """How a property the engine says "may replace" really updates on an EBS-backed instance in a VPC:
    "replace", "interrupt" (stop and start) or "in-place"; None when that depends on more than the template."""
    if prop == "BlockDeviceMappings":
        # "Update requires: Replacement. If you change only the DeleteOnTermination property for one or more block
        # devices, update requires No interruption." (AWS::EC2::Instance reference)
        return "in-place" if _strip_delete_on_termination(old) == _strip_delete_on_termination(new) else "replace"
    return INSTANCE_UPDATES.get(prop)


def volume_update_fails(prop: str, old: Any, new: Any, *, multi_attach: bool = False) -> Optional[str]:
    """Why CloudFormation will fail this update of an AWS::EC2::Volume property, or None when it can make it;
    ``multi_attach``: the deployed volume has MultiAttachEnabled true."""
    if prop in _VOLUME_BOOLEANS and bool(old) == bool(new):
        return None  # e.g. Encrypted false written out or left to its default: no change to CloudFormation
    if prop in VOLUME_NOT_UPDATABLE:
        return (f"CloudFormation's AWS::EC2::Volume reference says \"Updates are not supported\" for {prop}, so this "
                "update will fail and roll back, the volume untouched; to change it, add a new volume under a new "
                "name and copy the data across")
    if prop == "Size" and _is_number(old) and _is_number(new) and Decimal(str(new)) < Decimal(str(old)):
        return (f"EBS volumes cannot shrink ({old} to {new} GiB), so this update will fail and roll back; make a new, "
                "smaller volume under a new name instead")
    if multi_attach and prop in VOLUME_NOT_UPDATABLE_MULTI_ATTACH:
        return (f"CloudFormation's AWS::EC2::Volume reference says it does not support updating the "
                f"{VOLUME_NOT_UPDATABLE_MULTI_ATTACH[prop]} of a multi-attach enabled volume (MultiAttachEnabled true), "
                "so this update will fail and roll back, the volume untouched; to change it, add a new volume under a "
                "new name and copy the data across")
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


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


def _short(value: Any, limit: int = 70) -> Optional[str]:
    """A value short enough to quote in a sentence, or None (user data, policy documents...)."""
    text = render_value(value)
    return text if len(text) <= limit and "\n" not in text else None


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


def _describe_fields(old: Any, new: Any) -> list[str]:
    """A nested object's changes, key by key (a launch template's data): ``ImageId: ami-1 to ami-2``, ``UserData
    changes``; block device mappings device by device."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    parts = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "BlockDeviceMappings" and _describe_mappings(before, after):
            parts.append(f"{key}: {_describe_mappings(before, after)}")
            continue
        short_before = _short(before) if before is not None else "(none)"
        short_after = _short(after) if after is not None else "(none)"
        parts.append(f"{key}: {short_before} to {short_after}" if short_before and short_after else f"{key} changes")
    return parts


def _leaf_changes(old: Any, new: Any, path: str = "", limit: int = 6) -> list[str]:
    """A nested value's changes leaf by leaf, ``MaxBatchSize: 2 to 3`` (``Key.Inner`` for deeper ones); lists of the
    same length item by item, others as a whole. At most ``limit`` parts, then "and N more"."""
    found: list[str] = []

    def walk(before: Any, after: Any, where: str) -> None:
        if before == after:
            return
        if isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after)):
                walk(before.get(key), after.get(key), f"{where}.{key}" if where else key)
        elif _keyed(before) and _keyed(after):  # [{Key, Value}, ...]: load balancer attributes, tags
            walk({item["Key"]: item.get("Value") for item in before}, {item["Key"]: item.get("Value") for item in after},
                 where)
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after) and before:
            for index, (one, other) in enumerate(zip(before, after, strict=True)):
                walk(one, other, f"{where}[{index}]")
        else:
            short_before = _short(before) if before is not None else "(none)"
            short_after = _short(after) if after is not None else "(none)"
            label = where or "value"
            found.append(f"{label}: {short_before} to {short_after}" if short_before and short_after
                         else f"{label} changes")

    walk(old, new, path)
    return found[:limit] + ([f"and {len(found) - limit} more"] if len(found) > limit else [])


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) and "Key" in item for item in value)


def _size(props: dict[str, Any], key: str) -> str:
    size = props.get(key)
    return f"{size} GiB " if isinstance(size, (int, float, Decimal, str)) else ""


def _volume_fate(policy_key: str, policy: str) -> str:
    """What CloudFormation does with a volume that leaves the stack (DeletionPolicy or UpdateReplacePolicy)."""
    if policy in RETAINED_POLICIES:
        return f"stays in the account, detached ({policy_key} {policy})"
    if policy == "Snapshot":
        return f"is snapshotted, then deleted ({policy_key} Snapshot)"
    return f"is deleted with its data ({policy_key} {policy})"


def _data_loss(change: Change, old_resource: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(bold, plain) lines about what happens to data when ``old_resource`` goes. A replacement in place
    follows UpdateReplacePolicy; a removal, and a replacement by a new logical id, follow DeletionPolicy."""
    replaced_in_place = change.action == "replace" and change.new_logical_id is None
    policy_key = "UpdateReplacePolicy" if replaced_in_place else "DeletionPolicy"
    policy = old_resource.get(policy_key, "Delete")
    props = properties(old_resource)
    name = f"`{change.name}`"
    event = "is removed" if change.action == "remove" else "is replaced (the old one is deleted)"
    if policy in RETAINED_POLICIES:
        return [], [f"{WORDS.get(change.type, change.type)} {name} leaves the stack but stays in the account "
                    f"({policy_key} {policy}): it keeps costing money until you delete it."]
    if change.type == VOLUME:
        what = f"volume {name} ({_size(props, 'Size')}{props.get('VolumeType', DEFAULT_VOLUME_TYPE)})"
        if policy == "Snapshot":
            return [], [f"Data kept: {what} {event}; a snapshot of it is kept ({policy_key} Snapshot) and "
                        "costs money until you delete it."]
        return [f"Loses data: {what} {event} with {policy_key} {policy}: everything on it is lost."], []
    if change.type == INSTANCE:
        bold = []
        for mapping in props.get("BlockDeviceMappings") or []:
            ebs = mapping.get("Ebs")
            device = mapping.get("DeviceName", "?")
            if ebs is not None and ebs.get("DeleteOnTermination", True) is not False:
                bold.append(f"Loses data: instance {name} {event}, and its root volume {device} "
                            f"({_size(ebs, 'VolumeSize')}{ebs.get('VolumeType', DEFAULT_VOLUME_TYPE)}) is deleted "
                            "with it (DeleteOnTermination): anything stored on it is lost.")
        return bold + _instance_store_loss(change, old_resource, event.split(" (")[0]), []
    return [], []


def _instance_store_loss(change: Change, old_resource: dict[str, Any], event: str) -> list[str]:
    """Bold lines for the instance-store volumes (VirtualName ephemeralN) of an instance that ``event`` ("is removed",
    "is replaced", "is stopped and started"). Their data lives on the host: it "persists only during the life of the
    associated instance" and is lost when the instance stops or terminates (EC2 User Guide, "Data persistence for
    Amazon EC2 instance store volumes"), so a stop and start wipes them as a replacement does."""
    return [f"Loses data: the instance-store volume {mapping.get('DeviceName', '?')} of instance `{change.name}` is "
            f"wiped when the instance {event}: anything stored on it is lost."
            for mapping in properties(old_resource).get("BlockDeviceMappings") or []
            if isinstance(mapping, dict) and mapping.get("Ebs") is None
            and str(mapping.get("VirtualName", "")).startswith("ephemeral")]


# --------------------------------------------------------------------------------------------------
# The summary


@dataclass
class Change:
    """One resource's change: add, remove, replace or update (in place, with a stop and start, or rolling)."""

    logical_id: str
    name: str
    type: str
    action: str
    reasons: list[str] = field(default_factory=list)
    maybe: bool = False  # replacement decided by CloudFormation at deploy time
    interrupt: bool = False  # the instance is stopped and started
    new_logical_id: Optional[str] = None  # replaced because its logical id changes
    new_name: Optional[str] = None  # ... and its construct path with it (a renamed volume)
    fails: list[str] = field(default_factory=list)  # why CloudFormation will fail this update
    rolling: list[str] = field(default_factory=list)  # what makes an Auto Scaling group replace its instances


@dataclass
class StackReview:
    stack: str
    region: str
    changes: list[Change] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # bold: refusal, failure, replacement, widening, IAM, data loss
    notes: list[str] = field(default_factory=list)  # plain words: everything else worth reading
    cost: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the head's synthesis warnings

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


_ORDER = {"replace": 0, "remove": 1, "add": 2, "update": 3}


class _Summarizer:
    """Turns the engine's resource changes into Changes, adding the EC2 rules and plain-words reasons."""

    def __init__(self, base: Optional[dict[str, Any]], head: Optional[dict[str, Any]],
                 engine: cfn_diff.TemplateDiff) -> None:
        self.base = resources(base)
        self.head = resources(head)
        self.engine = engine
        # A resource whose logical id changes but not its construct path and type: the engine sees one removed and
        # one added; it is the same resource, replaced (old logical id -> new).
        added = {(self.name(i), e.type): i for i, e in engine.resources.items() if e.impact == "add"}
        self.renamed: dict[str, str] = {}
        for logical_id, change in sorted(engine.resources.items()):
            if change.impact in ("destroy", "orphan") and (self.name(logical_id), change.type) in added:
                self.renamed[logical_id] = added.pop((self.name(logical_id), change.type))

    def name(self, logical_id: str) -> str:
        resource = self.head.get(logical_id) or self.base.get(logical_id) or {}
        return display_name(logical_id, resource)

    def named(self, text: str) -> str:
        """``text`` with the logical id of each ``${LogicalId}`` or ``${LogicalId.Attribute}`` of either template as
        its display name, as `cdk diff` shows them (``${WebServer/InstanceRole.Arn}``); other ids as they are."""
        return _TOKEN.sub(lambda m: "${" + (self.name(m[1]) if m[1] in self.head or m[1] in self.base else m[1]), text)

    def run(self) -> list[Change]:
        changes: dict[str, Change] = {}
        for logical_id, engine in sorted(self.engine.resources.items()):
            change = self.classify(engine)
            if change is not None:
                changes[logical_id] = change
        self.pair_renames(changes)
        self.pair_volume_renames(changes)
        self.rolling_updates(changes)
        return sorted(changes.values(), key=lambda c: (_ORDER[c.action], c.name))

    def classify(self, engine: cfn_diff.ResourceChange) -> Optional[Change]:
        logical_id = engine.logical_id
        change = Change(logical_id, self.name(logical_id), engine.type, "update")
        if engine.impact == "add":
            change.action, change.reasons = "add", self.added_details(logical_id)
            return change
        if engine.impact in ("destroy", "orphan"):
            change.action, change.reasons = "remove", self.removed_details(logical_id)
            return change
        if engine.old_type != engine.new_type:
            change.action, change.type = "replace", engine.new_type or ""
            change.reasons.append(f"its type changes from {engine.old_type}")
            return change
        for prop, impact in sorted(engine.properties.items()):
            if impact != "none":
                self.property(change, prop, impact)
        for attribute, (old, new) in sorted(engine.other.items()):
            if attribute not in UNDEPLOYED_ATTRIBUTES:
                change.reasons.append(", ".join(_leaf_changes(old, new, attribute)))
        return change if change.reasons else None

    def property(self, change: Change, prop: str, impact: str) -> None:
        old = properties(self.base[change.logical_id]).get(prop)
        new = properties(self.head[change.logical_id]).get(prop)
        behaviour = _BEHAVIOUR.get(impact, "in-place")
        said = [_SAY[behaviour]]
        refined = instance_behaviour(prop, old, new) \
            if behaviour == "maybe-replace" and change.type == INSTANCE else None
        if refined is not None:  # an EC2 rule decides what the engine cannot, and says what the engine said
            behaviour, said = refined, [_SAY[refined] or "no interruption", ENGINE_MAYBE]
            if prop == "UserData":
                said.insert(1, USER_DATA_NOT_RERUN)
        if change.type == VOLUME and behaviour == "in-place":
            multi_attach = properties(self.base[change.logical_id]).get("MultiAttachEnabled") is True
            failure = volume_update_fails(prop, old, new, multi_attach=multi_attach)
            if failure is not None:
                change.fails.append(f"{self.describe(prop, old, new)}: {failure}")
                said = ["the update fails"]
        if behaviour == "replace":
            change.action, change.maybe = "replace", False
        elif behaviour == "maybe-replace" and change.action != "replace":
            change.action, change.maybe = "replace", True
        elif behaviour == "interrupt":
            change.interrupt = True
        said = [words for words in said if words]
        change.reasons.append(self.describe(prop, old, new) + (f" ({'; '.join(said)})" if said else ""))

    def describe(self, prop: str, old: Any, new: Any) -> str:
        if old == new:  # the text is the same: the engine saw a resource it points at being replaced
            replaced = sorted(references(new) & {c for c, e in self.engine.resources.items() if e.impact == "replace"})
            if replaced:
                return f"{prop}: `{self.name(replaced[0])}` is replaced"
        before, after = reference(old), reference(new)
        if before is not None and after is not None and self.renamed.get(before) == after:
            return f"{prop}: the new `{self.name(after)}` (its logical id changes)"
        if prop == "UserData":  # a script: its text belongs to the CLI's diff below, not to a sentence
            return f"{prop} changes"
        if prop == "BlockDeviceMappings":
            mappings = _describe_mappings(old, new)
            if mappings:
                return f"{prop}: {mappings}"
        if prop == "LaunchTemplateData":
            fields = _describe_fields(old, new)
            if fields:
                return f"{prop}: {', '.join(fields)}"
        if prop == "DefaultActions" and isinstance(old, list) and isinstance(new, list):  # a listener's
            return f"{prop}: {self.site().actions(old)} to {self.site().actions(new)}"
        if prop == "Certificates" and isinstance(old or [], list) and isinstance(new or [], list):  # a listener's
            site = self.site()
            return (f"{prop}: {', '.join(site.ref(c) for c in site.presented({prop: old})) or '(none)'} to "
                    f"{', '.join(site.ref(c) for c in site.presented({prop: new})) or '(none)'}")
        if prop == "ResourceRecords" and isinstance(old or [], list) and isinstance(new or [], list):  # a record's
            site = self.site()
            return f"{prop}: {site.target({prop: old}, self.base)} to {site.target({prop: new}, self.head)}"
        short_before = _short(old) if old is not None else "(none)"
        short_after = _short(new) if new is not None else "(none)"
        if short_before is not None and short_after is not None:
            return f"{prop}: {short_before} to {short_after}"
        if isinstance(old, (dict, list)) and isinstance(new, (dict, list)):
            return ", ".join(_leaf_changes(old, new, prop))
        return f"{prop} changes"

    # What an added or removed resource is, so no row of the table says nothing.

    def ref_name(self, value: Any) -> str:
        target = reference(value)
        return f"`{self.name(target)}`" if target is not None else f"`{render_value(value)}`"

    def added_details(self, logical_id: str) -> list[str]:
        resource = self.head[logical_id]
        kind, props = resource.get("Type"), properties(resource)
        if kind == VOLUME:
            return [f"{_size(props, 'Size')}{props.get('VolumeType', DEFAULT_VOLUME_TYPE)}, "
                    f"DeletionPolicy {resource.get('DeletionPolicy', 'Delete')}"]
        if kind == INSTANCE and isinstance(props.get("InstanceType"), str):
            return [props["InstanceType"] + (f", {props['ImageId']}" if isinstance(props.get("ImageId"), str) else "")]
        if kind == ATTACHMENT:
            return [f"attaches volume {self.ref_name(props.get('VolumeId'))} to instance "
                    f"{self.ref_name(props.get('InstanceId'))} at {props.get('Device', '?')}"]
        if kind == "AWS::EC2::EIPAssociation":
            return [f"associates Elastic IP {self.ref_name(props.get('AllocationId') or props.get('EIP'))} with "
                    f"instance {self.ref_name(props.get('InstanceId'))}"]
        if kind == "AWS::EC2::EIP":
            return ["a new public IPv4 address"]
        if kind == "AWS::EC2::SecurityGroup":
            rules = [SecurityGroupRule.from_template(r).describe() for r in props.get("SecurityGroupIngress") or []]
            return [f"allows {', '.join(rules)}" if rules else "no inline ingress rules"]
        if kind in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            direction = "to" if kind.endswith("Egress") else "from"
            rule = SecurityGroupRule.from_template(props).describe(direction)
            return [f"{self.ref_name(props.get('GroupId'))} allows {rule}"]
        if kind == LAUNCH_TEMPLATE:
            data = props.get("LaunchTemplateData") or {}
            return [", ".join(str(data[key]) for key in ("InstanceType", "ImageId") if isinstance(data.get(key), str))
                    or "a launch template"]
        if kind == GROUP:
            return [f"{props.get('MinSize', '?')} to {props.get('MaxSize', '?')} instances"]
        site = self.site().details(resource, self.head)
        if site is not None:
            return [site]
        pointed = sorted(references(props) & (set(self.head) | set(self.base)))
        short_kind = str(kind).split("::")[-1]
        return [f"new {short_kind}" + (f", uses {', '.join(f'`{self.name(p)}`' for p in pointed[:3])}" if pointed else "")]

    def removed_details(self, logical_id: str) -> list[str]:
        resource = self.base[logical_id]
        props = properties(resource)
        if resource.get("Type") == ATTACHMENT:
            return [f"detaches volume {self.ref_name(props.get('VolumeId'))} from instance "
                    f"{self.ref_name(props.get('InstanceId'))} ({props.get('Device', '?')})"]
        if resource.get("Type") == "AWS::EC2::EIPAssociation":
            return [f"disassociates Elastic IP {self.ref_name(props.get('AllocationId') or props.get('EIP'))} from "
                    f"instance {self.ref_name(props.get('InstanceId'))}"]
        site = self.site().details(resource, self.base)
        return ([site] if site is not None else []) + [f"DeletionPolicy {resource.get('DeletionPolicy', 'Delete')}"]

    def site(self) -> _Site:
        """The words for certificates, listeners, records and the last wait, for this pair of templates."""
        return _Site(self, [], ({}, {}))

    # Changes the engine sees as two, or does not see.

    def pair_renames(self, changes: dict[str, Change]) -> None:
        """A resource whose logical id changes (same construct path and type) is replaced: the engine sees one
        removed and one added; the summary names it once. An instance's id changes with its user data (the
        script's digest is part of it): then the new instance runs the new script on its first boot."""
        for old_id, new_id in self.renamed.items():
            old, new = changes.get(old_id), changes.pop(new_id, None)
            if old is None or new is None:
                continue
            old.action, old.new_logical_id = "replace", new_id
            old.reasons = [f"its logical id changes ({old_id} to {new_id})"]
            before, after = properties(self.base[old_id]), properties(self.head[new_id])
            differing = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
            if old.type == INSTANCE and "UserData" in differing:
                old.reasons = [f"its user data changes, and with it its logical id ({old_id} to {new_id}; `cdk diff` "
                               "shows the old instance destroyed and a new one added): a new instance runs the new "
                               "script on its first boot"]
            old.reasons += [self.describe(key, before.get(key), after.get(key)) for key in differing
                            if key not in ("UserData", "Tags")]

    def pair_volume_renames(self, changes: dict[str, Change]) -> None:
        """A data volume whose name changes is a new volume in the old one's place: the engine sees one removed
        and one added under another construct path. Paired when the new one takes the old one's device on the same
        instance, or, detached, when it is the only volume removed and added under the same construct."""
        removed = {c.logical_id: c for c in changes.values() if c.action == "remove" and c.type == VOLUME}
        added = {c.logical_id: c for c in changes.values() if c.action == "add" and c.type == VOLUME}
        pairs: dict[str, str] = {}
        before, after = _attached(self.base), _attached(self.head)
        for slot, volume in before.items():
            if volume in removed and after.get(slot) in added:
                pairs[volume] = after[slot]
        by_parent: dict[str, tuple[list[str], list[str]]] = {}
        for group, side in ((removed, 0), (added, 1)):
            for logical_id, change in group.items():
                if logical_id not in pairs and logical_id not in pairs.values():
                    by_parent.setdefault(change.name.rpartition("/")[0], ([], []))[side].append(logical_id)
        for parent, (gone, new) in by_parent.items():
            if parent and len(gone) == len(new) == 1:
                pairs[gone[0]] = new[0]
        for old_id, new_id in pairs.items():
            old, new = changes[old_id], changes.pop(new_id)
            old.action, old.new_logical_id, old.new_name = "replace", new_id, new.name
            old.reasons = [f"renamed to `{new.name}`, a new volume ({'; '.join(new.reasons)}; logical id {old_id} to "
                           f"{new_id})"]

    def rolling_updates(self, changes: dict[str, Change]) -> None:
        """An Auto Scaling group whose launch template (or subnets) change replaces its instances as its UpdatePolicy
        says, although the group's own template text may not change (it names the template's latest version)."""
        for group_id, group in resources({"Resources": self.head}, GROUP).items():
            own = changes.get(group_id)
            if own is not None and own.action in ("add", "replace"):
                continue  # a new group starts new instances anyway
            what = []
            if own is not None:
                what += [reason for reason in own.reasons
                         if re.match(r"[A-Za-z]*", reason).group(0) in GROUP_ROLLING_PROPERTIES]
            template = properties(group).get("LaunchTemplate") or {}
            for target in sorted(references(template)):
                change = changes.get(target)
                if change is not None and change.type == LAUNCH_TEMPLATE and change.action in ("update", "replace"):
                    what += [f"launch template `{change.name}`: {reason}" for reason in change.reasons]
            if not what:
                continue
            if own is None:
                own = changes[group_id] = Change(group_id, self.name(group_id), GROUP, "update")
            own.rolling = what
            own.reasons.append("its instances are replaced as its UpdatePolicy says")


def _attached(found: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """(instance logical id, device) -> the volume attached there, for a template's VolumeAttachments."""
    slots = {}
    for attachment in found.values():
        if attachment.get("Type") != ATTACHMENT:
            continue
        props = properties(attachment)
        instance, volume = reference(props.get("InstanceId")), reference(props.get("VolumeId"))
        if instance and volume and isinstance(props.get("Device"), str):
            slots[(instance, props["Device"])] = volume
    return slots


def _refusals(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]]) -> list[str]:
    """Template Rules that will refuse the update before any resource changes. A Rule CloudFormation evaluates
    "before it creates or updates any resources" (Rules syntax reference) that compares a parameter with a literal
    fails when the value the stack keeps differs: the CDK CLI passes UsePreviousValue for a parameter the deployed
    stack has, so the deployed value is the base's default (a new parameter takes the new default and passes).
    This is how the KeepAttachedVolumes rule refuses replacing an instance while data volumes are attached."""
    base_parameters = (base or {}).get("Parameters") or {}
    head_parameters = (head or {}).get("Parameters") or {}
    lines = []
    for rule_id, rule in sorted(((head or {}).get("Rules") or {}).items()):
        for assertion in rule.get("Assertions") or []:
            check = assertion.get("Assert")
            compared = check.get("Fn::Equals") if isinstance(check, dict) and len(check) == 1 else None
            if not isinstance(compared, list) or len(compared) != 2:
                continue
            parameter = next((side["Ref"] for side in compared if isinstance(side, dict) and "Ref" in side), None)
            literal = next((side for side in compared if isinstance(side, str)), None)
            if parameter not in head_parameters or parameter not in base_parameters or literal is None:
                continue
            deployed = base_parameters[parameter].get("Default")
            if deployed is None or deployed == literal:
                continue
            rule_name = display_name(rule_id, {})
            if "KeepAttachedVolumes" in rule_id:
                server = rule_name.removesuffix("KeepAttachedVolumes")
                lines.append(f"REFUSED (rule `{rule_name}`: the instance of `{server}` would be replaced while data "
                             "volumes are attached to it): this update will be refused before any change by the "
                             f"KeepAttachedVolumes rule; {_TWO_DEPLOYS} (README: \"Replacing the instance, and keeping "
                             "its data volumes\").")
            else:
                lines.append(f"REFUSED: template rule `{rule_name}` will refuse this update before any change: "
                             f"{assertion.get('AssertDescription', 'its assertion fails')}")
    return lines


def _device_conflicts(summarizer: _Summarizer, changes: list[Change]) -> list[str]:
    """New attachments at a device that an attachment on its way out still holds on the same instance. CloudFormation
    creates new resources before it deletes the ones that go, and EC2 refuses a device in use."""
    before, after = _attached(summarizer.base), _attached(summarizer.head)
    old_attachments = {slot: logical_id for logical_id, resource in summarizer.base.items()
                       if resource.get("Type") == ATTACHMENT for slot in _attached({logical_id: resource})}
    new_attachments = {slot: logical_id for logical_id, resource in summarizer.head.items()
                       if resource.get("Type") == ATTACHMENT for slot in _attached({logical_id: resource})}
    replaced = {c.logical_id for c in changes if c.action == "replace"}
    lines = []
    for slot, new_id in sorted(new_attachments.items()):
        old_id = old_attachments.get(slot)
        if old_id is None or old_id == new_id or old_id in summarizer.head or slot[0] in replaced:
            continue
        instance, device = slot
        lines.append(f"FAILS: `{summarizer.name(new_id)}` attaches volume `{summarizer.name(after[slot])}` at {device} "
                     f"on instance `{summarizer.name(instance)}` while `{summarizer.name(old_id)}` (volume "
                     f"`{summarizer.name(before[slot])}`) still holds that device: CloudFormation creates the new "
                     "attachment before it deletes the old one, and EC2 refuses a device in use, so this update will "
                     f"fail; {_TWO_DEPLOYS}.")
    return lines


def _volumes_in_use(summarizer: _Summarizer, changes: list[Change]) -> list[str]:
    """Instances replaced while data volumes stay attached across the update. CloudFormation creates the new instance
    and its attachments before it deletes the old instance, and AWS refuses to attach a volume that is still
    attached (VolumeInUse): the update fails after the new instance is up, and rolls back."""
    before, after = _attached(summarizer.base), _attached(summarizer.head)
    lines = []
    for change in changes:
        if change.type != INSTANCE or change.action != "replace":
            continue
        new_id = change.new_logical_id or change.logical_id
        kept = sorted({v for (i, _), v in before.items() if i == change.logical_id}
                      & {v for (i, _), v in after.items() if i == new_id})
        if kept:
            volumes = ", ".join(f"`{summarizer.name(v)}`" for v in kept)
            lines.append(f"FAILS: instance `{change.name}` is replaced while volume(s) {volumes} stay attached: "
                         "CloudFormation attaches them to the new instance before it deletes the old one, and AWS "
                         f"refuses a volume in use (VolumeInUse), so this update will fail; {_TWO_DEPLOYS}.")
    return lines


def _attachments_moved(summarizer: _Summarizer, changes: list[Change]) -> None:
    """Attachments replaced while their volume stays attached where it was. Every AWS::EC2::VolumeAttachment
    property (Device, InstanceId, VolumeId) says "Update requires: Replacement" (its resource reference), and
    CloudFormation creates the replacement before it deletes the old attachment ("Understand update behaviors of
    stack resources", Replacement): EC2 refuses to attach a volume that is still attached (VolumeInUse), and the
    update fails and rolls back. Moving a data volume to another device does this: the attachment's logical id comes
    from the volume's name (Attach{Name}), so only its Device changes. An instance replaced with its volumes attached
    is _volumes_in_use's (or the KeepAttachedVolumes rule's); a volume replaced with its attachment is a new volume."""
    replaced = {c.logical_id for c in changes if c.action == "replace"}
    for change in changes:
        if change.type != ATTACHMENT or change.action != "replace":
            continue
        old = properties(summarizer.base.get(change.logical_id))
        new = properties(summarizer.head.get(change.new_logical_id or change.logical_id))
        volume, instance = reference(old.get("VolumeId")), reference(old.get("InstanceId"))
        if volume is None or instance is None or volume != reference(new.get("VolumeId")) or volume in replaced \
                or {instance, reference(new.get("InstanceId"))} & replaced:
            continue
        moves = "; ".join(summarizer.describe(prop, old.get(prop), new.get(prop)) for prop in ("Device", "InstanceId")
                          if old.get(prop) != new.get(prop)) or "its logical id changes"
        change.fails.append(
            f"{moves}: CloudFormation replaces an attachment whose device or instance changes, and creates the new one "
            f"before it deletes the old one, while volume `{summarizer.name(volume)}` is still attached at "
            f"{old.get('Device', '?')} on instance `{summarizer.name(instance)}`: EC2 refuses a volume in use "
            f"(VolumeInUse), so this update will fail; {_TWO_DEPLOYS}")


def _rolling(change: Change, group: dict[str, Any]) -> tuple[Optional[str], Optional[str]]:
    """(bold, plain) words for an Auto Scaling group whose instances the update replaces, from its UpdatePolicy."""
    policy = group.get("UpdatePolicy") or {}
    why = "; ".join(change.rolling)
    name = f"`{change.name}`"
    if (policy.get("AutoScalingReplacingUpdate") or {}).get("WillReplace") is True:
        return (f"REPLACES Auto Scaling group {name} with a new one and all its instances at once "
                f"(AutoScalingReplacingUpdate): {why}."), None
    rolling = policy.get("AutoScalingRollingUpdate")
    if rolling is None:
        return None, (f"Auto Scaling group {name} does not roll (it has no AutoScalingRollingUpdate policy): its running "
                      f"instances keep the old launch template; only instances it launches from now on use the new "
                      f"one: {why}.")
    batch = rolling.get("MaxBatchSize", ROLLING_DEFAULTS["MaxBatchSize"])
    kept = rolling.get("MinInstancesInService", ROLLING_DEFAULTS["MinInstancesInService"])
    words = (f"ROLLS the instances of Auto Scaling group {name} ({why}): CloudFormation replaces them {batch} at a "
             f"time (MaxBatchSize {batch}) while MinInstancesInService {kept} stay in service")
    if rolling.get("WaitOnResourceSignals") is True:
        words += (f"; each batch's new instances must signal success within {rolling.get('PauseTime', 'PT5M')} "
                  "(WaitOnResourceSignals), and a batch that does not fails the update, which rolls back")
    if "UserData" in why:
        words += "; the new instances run the new user data on their first boot"
    return f"{words}.", None


def _addresses(head: dict[str, dict[str, Any]], name: Any) -> dict[str, str]:
    """Each instance (logical id) of the head template that an Elastic IP is associated with -> that EIP's name."""
    return {instance: name(eip) if eip else "?" for eip, instance in elastic_ip_associations({"Resources": head})
            if instance is not None}


def _iam(change: Change, base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]]) -> list[str]:
    """Bold lines for IAM resources added, removed or replaced, and for what the engine's IAM facts do not
    cover: which roles an instance profile holds, a permissions boundary, an instance's instance profile."""
    kind = change.type.split("::")[-1]
    old = properties(base.get(change.logical_id))
    new = properties(head.get(change.new_logical_id or change.logical_id))
    name = f"`{change.name}`"
    if change.type == "AWS::EC2::Instance":
        if change.action not in ("add", "remove") and old.get("IamInstanceProfile") != new.get("IamInstanceProfile"):
            return [f"IAM: instance {name} gets a different instance profile (and so different permissions)."]
        return []
    if not change.type.startswith("AWS::IAM::"):
        return []
    if change.action in ("add", "remove"):
        return [f"IAM: {'adds' if change.action == 'add' else 'removes'} {kind} {name}."]
    lines = [f"IAM: {kind} {name}: {key} changes." for key in ("PermissionsBoundary", "Roles", "Users", "Groups")
             if old.get(key) != new.get(key)]
    if change.action == "replace":
        lines.append(f"IAM: {kind} {name} is replaced ({'; '.join(change.reasons)}).")
    return lines  # policies and trust are the engine's statements; tags and descriptions grant nothing


def _iam_facts(engine: cfn_diff.TemplateDiff, summarizer: _Summarizer, kind: Any) -> list[str]:
    """The engine's IAM changes in words: managed policies attached and detached, statements added and removed.
    Logical ids in the engine's ``${Id.Attribute}`` renderings become display names, as `cdk diff` shows them."""
    name = summarizer.name

    def named(text: str) -> str:  # the engine puts one action, resource or principal a line
        return summarizer.named(", ".join(text.splitlines()))

    lines = []
    for verb, policies in (("gets", engine.policies_added), ("loses", engine.policies_removed)):
        for policy in sorted(policies, key=lambda p: (name(p.identity), p.arn)):
            lines.append(f"IAM: {kind(policy.identity)} `{name(policy.identity)}` {verb} managed policy `{policy.arn}`.")
    for prefix, statements in (("", engine.statements_added), ("no longer ", engine.statements_removed)):
        for s in statements:
            verb = prefix + ("denies" if s.effect == "Deny" else "allows")
            condition = f" when `{named(s.condition)}`" if s.condition else ""
            lines.append(f"IAM: {verb} `{named(s.principal)}` to `{named(s.action)}` on `{named(s.resource)}`{condition}.")
    return lines


def _network(engine: cfn_diff.TemplateDiff, name: Any, head: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(bold, plain) lines for the engine's security group rule changes, group by group (by construct path, so a
    group whose logical id changes is compared with itself)."""
    flags, notes = [], []
    for egress, word, direction in ((False, "ingress", "from"), (True, "egress", "to")):
        access = "outbound access" if egress else "network access"
        added: dict[str, set[SecurityGroupRule]] = {}
        removed: dict[str, set[SecurityGroupRule]] = {}
        gone_groups = set()
        for target, found in ((added, engine.rules_added), (removed, engine.rules_removed)):
            for change in found:
                if change.egress == egress:
                    target.setdefault(name(change.group), set()).add(change.rule)
                    if target is removed and change.group not in head:
                        gone_groups.add(name(change.group))
        for group in sorted(set(added) | set(removed)):
            new_rules, old_rules = added.get(group, set()), removed.get(group, set())
            gone = sorted(old_rules - new_rules)
            within: dict[SecurityGroupRule, list[SecurityGroupRule]] = {}  # removed rule -> added rules it covers
            for rule in sorted(new_rules - old_rules):
                widened = next((old for old in gone if rule.covers(old)), None)
                wider = next((old for old in old_rules - new_rules if old.covers(rule)), None)
                if widened is not None:
                    gone.remove(widened)
                    flags.append(f"Widens {access}: `{group}` now allows {rule.describe(direction)} "
                                 f"(was {widened.describe(direction)}).")
                elif wider is not None:
                    within.setdefault(wider, []).append(rule)
                else:
                    flags.append(f"Widens {access}: `{group}` gets a new {word} rule, {rule.describe(direction)}.")
            for wider, rules in sorted(within.items()):
                if wider in gone:
                    gone.remove(wider)
                    notes.append(f"Narrows {access}: `{group}` now allows {', '.join(r.describe(direction) for r in rules)}"
                                 f" instead of {wider.describe(direction)}.")
            for rule in gone:
                if group in gone_groups and group not in added:
                    notes.append(f"Narrows {access}: `{group}` is removed, with its rule {rule.describe(direction)}.")
                else:
                    notes.append(f"Narrows {access}: `{group}` no longer allows {rule.describe(direction)}.")
    return flags, notes




# --------------------------------------------------------------------------------------------------
# What the engine cannot know about the site's name and HTTPS: certificates, listeners, records, the last wait

# An alias record has no TTL of its own: Route 53 answers with the TTL of the AWS resource it routes traffic to
# (Route 53 Developer Guide, "Choosing between alias and non-alias records"), a fixed 60 seconds for a load balancer
# (Route 53 FAQ on DNS failover: alias records to ELB endpoints have a fixed TTL of 60 seconds).
ALIAS_TTL = "an alias record's TTL is its target's"
LOAD_BALANCER_TTL = "60 s for a load balancer"
# A 301 is "heuristically cacheable" (RFC 9110, section 15.4.2): a browser may keep following it from its cache.
CACHED_301 = "a 301 is cacheable by default, RFC 9110"
# What neither the engine nor this summary can know about a new TLS policy: which clients the site has.
TLS_UNKNOWN = ("neither `cdk diff` nor this summary knows which clients the site has: compare the two policies in "
               "Elastic Load Balancing's \"Security policies for your Application Load Balancer\", and see the "
               "ssl_protocol and ssl_cipher fields of the load balancer's access logs")
# Route 53 refuses to create a record whose name and type already exist ("Tried to create resource record set ...
# but it already exists"), and CloudFormation creates new resources before it deletes the ones that go: a record
# that moves to another logical id fails (aws/aws-cdk issue 12564).
RECORD_EXISTS = ("CloudFormation creates new resources before it deletes the ones that go, and Route 53 refuses a "
                 "record whose name and type already exist (\"Tried to create resource record set ... but it already "
                 "exists\"; aws/aws-cdk issue 12564), so this update will fail and roll back; remove the old record in "
                 "one deploy and add the new one in the next (the name does not resolve in between)")
_STATUS = {"HTTP_301": "a permanent redirect (HTTP 301)", "HTTP_302": "a temporary redirect (HTTP 302)"}


def _dns_name(value: Any) -> str:
    """A DNS name as a reviewer reads it and as it compares: lower case, without the final dot."""
    return value.rstrip(".").lower() if isinstance(value, str) else render_value(value)


def _depends_on(resource: dict[str, Any]) -> set[str]:
    depends = resource.get("DependsOn") or []
    return {depends} if isinstance(depends, str) else set(depends)


class _Site:
    """Plain words for the site's name and HTTPS: what AWS does when a certificate, a listener, a DNS record or the
    wait for the site changes, beyond the engine's verdict (which stays the engine's: these words never change an
    action). Where neither can know (which clients a TLS policy keeps, which names an imported certificate covers),
    the words say so."""

    def __init__(self, summarizer: _Summarizer, changes: list[Change],
                 outputs: tuple[dict[str, Any], dict[str, Any]]) -> None:
        self.summarizer = summarizer
        self.base, self.head = summarizer.base, summarizer.head
        self.changes = {change.logical_id: change for change in changes}
        self.outputs = outputs
        # Records removed while another is added for the same zone, name and type: Route 53 refuses the new one.
        self.moves: dict[str, str] = {}
        added = {self.record_key(properties(self.head[c.logical_id])): c.logical_id for c in changes
                 if c.type == RECORD and c.action == "add"}
        for change in changes:
            if change.type != RECORD:
                continue
            new_id = change.new_logical_id if change.action == "replace" else None
            key = self.record_key(properties(self.base.get(change.logical_id)))
            if change.action == "remove" and key in added:
                self.moves[change.logical_id] = added[key]
            elif new_id and key == self.record_key(properties(self.head.get(new_id))):
                self.moves[change.logical_id] = new_id

    # Names of things.

    def name(self, logical_id: str) -> str:
        return f"`{self.summarizer.name(logical_id)}`"

    def ref(self, value: Any) -> str:
        """A resource of either template by its name; anything else (an ARN) as it is."""
        target = reference(value)
        if target is not None and (target in self.head or target in self.base):
            return self.name(target)
        return f"`{render_value(value)}`"

    def owned(self, value: Any) -> bool:
        """Whether ``value`` names a resource of either template (not an ARN from outside the stack)."""
        target = reference(value)
        return target is not None and (target in self.head or target in self.base)

    @staticmethod
    def record_key(props: dict[str, Any]) -> Optional[tuple[str, str, str, str]]:
        if not props:
            return None
        zone = props.get("HostedZoneId") or props.get("HostedZoneName")
        return (render_value(zone), _dns_name(props.get("Name")), str(props.get("Type")),
                render_value(props.get("SetIdentifier", "")))

    @staticmethod
    def record(props: dict[str, Any]) -> str:
        return f"`{_dns_name(props.get('Name'))}` ({props.get('Type', '?')})"

    def target(self, props: dict[str, Any], template: dict[str, dict[str, Any]]) -> str:
        """What a record answers: a load balancer (alias), another alias target, or its values."""
        alias = props.get("AliasTarget")
        if isinstance(alias, dict):
            balancers = sorted(r for r in references(alias) if (template.get(r) or {}).get("Type") == LOAD_BALANCER)
            if balancers:
                return f"load balancer {self.name(balancers[0])} (alias)"
            return f"`{render_value(alias.get('DNSName'))}` (alias)"
        values = props.get("ResourceRecords")
        if isinstance(values, list) and values:
            return ", ".join(self.ref(value) for value in values)
        return "nothing"

    @staticmethod
    def ttl(props: dict[str, Any], template: dict[str, dict[str, Any]]) -> str:
        alias = props.get("AliasTarget")
        if isinstance(alias, dict):
            balancer = any((template.get(r) or {}).get("Type") == LOAD_BALANCER for r in references(alias))
            return f"{ALIAS_TTL}: {LOAD_BALANCER_TTL}" if balancer else ALIAS_TTL
        return f"its TTL, {props['TTL']} s" if props.get("TTL") is not None else "its TTL"

    @staticmethod
    def certificate_names(props: dict[str, Any]) -> list[str]:
        names = [props.get("DomainName")] + list(props.get("SubjectAlternativeNames") or [])
        return [_dns_name(name) for name in names if isinstance(name, str)]

    @staticmethod
    def validation(props: dict[str, Any]) -> tuple[str, str]:
        """How ACM validates a new certificate, and what the deploy waits for. The AWS::CertificateManager::Certificate
        reference: validation is automatic with DNS validation in a Route 53 zone of the account; otherwise "the stack
        will remain in the CREATE_IN_PROGRESS state" until someone validates the request."""
        if props.get("ValidationMethod") == "DNS":
            zones = sorted({render_value(option["HostedZoneId"]) for option in props.get("DomainValidationOptions") or []
                            if isinstance(option, dict) and option.get("HostedZoneId")})
            if zones:
                return ("validated through DNS in hosted zone " + ", ".join(f"`{zone}`" for zone in zones),
                        "CloudFormation writes the validation record itself and waits until ACM issues it")
            return ("validated through DNS", "the deploy stays in progress until someone adds ACM's validation record to "
                    "the name's DNS and ACM issues it")
        return "validated by email", "the deploy stays in progress until someone approves ACM's email and ACM issues it"

    @staticmethod
    def presented(props: dict[str, Any]) -> list[Any]:
        """The certificates a listener presents (its CertificateArn values)."""
        return [c.get("CertificateArn") for c in props.get("Certificates") or [] if isinstance(c, dict)]

    def presenting(self, certificate_id: str, template: dict[str, dict[str, Any]]) -> list[str]:
        """The listeners of ``template`` that present the certificate ``certificate_id``."""
        return sorted(i for i, r in template.items() if r.get("Type") == LISTENER
                      and certificate_id in references(properties(r).get("Certificates")))

    def action(self, action: Any) -> str:
        """A listener action in words: ``forwards to target group `Servers```."""
        if not isinstance(action, dict):
            return render_value(action)
        kind = action.get("Type")
        if kind == "forward":
            config = action.get("ForwardConfig") or {}
            groups = [action["TargetGroupArn"]] if action.get("TargetGroupArn") else \
                [g.get("TargetGroupArn") for g in config.get("TargetGroups") or [] if isinstance(g, dict)]
            return "forwards to target group " + ", ".join(self.ref(group) for group in groups)
        if kind == "redirect":
            config = action.get("RedirectConfig") or {}
            how = _STATUS.get(config.get("StatusCode"), "a redirect")
            protocol = config.get("Protocol", "#{protocol}")
            port = config.get("Port", "#{port}")
            where = f"to {'the same protocol' if protocol == '#{protocol}' else protocol} on " \
                    f"{'the same port' if port == '#{port}' else f'port {port}'}"
            for key, default in (("Host", "#{host}"), ("Path", "/#{path}"), ("Query", "#{query}")):
                if config.get(key, default) != default:
                    where += f", {key.lower()} {config[key]}"
            return f"answers every request with {how} {where}"
        return f"does `{kind}`"  # fixed-response, authenticate-*: not what this app's listeners do

    def actions(self, actions: Any) -> str:
        if not isinstance(actions, list) or not actions:
            return "does nothing"
        ordered = sorted(actions, key=lambda a: a.get("Order", 0) if isinstance(a, dict) else 0)
        return ", then ".join(self.action(action) for action in ordered)

    def listener(self, props: dict[str, Any]) -> str:
        return f"port {props.get('Port', '?')} ({props.get('Protocol', '?')})"

    # What a table row says about an added or removed resource of these types.

    def details(self, resource: dict[str, Any], template: dict[str, dict[str, Any]]) -> Optional[str]:
        props = properties(resource)
        kind = resource.get("Type")
        if kind == CERTIFICATE:
            return f"{', '.join(self.certificate_names(props))}, {self.validation(props)[0]}"
        if kind == LISTENER:
            tls = [f"certificate {', '.join(self.ref(c) for c in self.presented(props))}"] if props.get("Certificates") \
                else []
            tls += [f"TLS policy {props['SslPolicy']}"] if props.get("SslPolicy") else []
            return ", ".join([self.listener(props), *tls, self.actions(props.get("DefaultActions"))])
        if kind == RECORD:
            return f"{self.record(props)} to {self.target(props, template)}"
        if kind == WAIT_CONDITION:
            signal = (resource.get("CreationPolicy") or {}).get("ResourceSignal") or {}
            if signal:
                return (f"waits for {signal.get('Count', 1)} signal(s) within {signal.get('Timeout', 'PT5M')} "
                        "(CreationPolicy)")
            return "a wait condition"
        return None

    # The words.

    def failures(self) -> list[str]:
        return [f"FAILS: DNS record {self.name(new)} is created for {self.record(properties(self.head[new]))} while DNS "
                f"record {self.name(old)} still holds that name and type: {RECORD_EXISTS}."
                for old, new in sorted(self.moves.items())]

    def replaced(self, change: Change) -> str:
        """What a replacement means here, beyond REPLACEMENT_MEANS: which listeners switch, which names stop
        resolving or lose their certificate."""
        old = properties(self.base.get(change.logical_id))
        new_id = change.new_logical_id or change.logical_id
        new = properties(self.head.get(new_id))
        if change.type == CERTIFICATE:
            how, wait = self.validation(new)
            listeners = self.presenting(new_id, self.head)
            text = f"It is {how}: {wait}" + (f"; listener {', '.join(self.name(i) for i in listeners)} then presents "
                                              "it." if listeners else ".")
            lost = [name for name in self.certificate_names(old) if name not in self.certificate_names(new)]
            if lost and listeners:
                text += (f" From the switch on, clients that still ask for {', '.join(lost)} get a certificate error: "
                         "the new certificate does not cover that name.")
            return text
        if change.type == LOAD_BALANCER:
            records = sorted(i for i, r in self.head.items() if r.get("Type") == RECORD
                             and new_id in references(properties(r).get("AliasTarget")))
            if records:
                return (f"DNS record {', '.join(self.name(i) for i in records)} follows it (its alias target is updated "
                        "in place), but clients whose resolvers still hold the old load balancer's addresses "
                        f"({ALIAS_TTL}: {LOAD_BALANCER_TTL}) may fail once the old one is deleted in the update's "
                        "cleanup.")
            return ""
        if change.type == RECORD and change.logical_id not in self.moves:
            before, after = _dns_name(old.get("Name")), _dns_name(new.get("Name"))
            if before != after:
                return (f"{self.record(new)} resolves from then on; `{before}` stops resolving once the old record is "
                        f"deleted and resolvers' cached answers expire ({self.ttl(old, self.base)}): the site can no "
                        "longer be reached by that name.")
            if (self.record_key(old) or ("",))[0] != (self.record_key(new) or ("",))[0]:
                return (f"{self.record(new)} moves to another hosted zone: whether it still resolves depends on which "
                        "zone the domain is delegated to, which the template does not say.")
        return ""

    def lines(self, change: Change) -> tuple[list[str], list[str]]:
        """(bold, plain) lines for one change of a certificate, a listener, a record or a wait condition."""
        handler = {CERTIFICATE: self.certificate_lines, LISTENER: self.listener_lines, RECORD: self.record_lines,
                   WAIT_CONDITION: self.wait_lines}.get(change.type)
        return handler(change) if handler is not None else ([], [])

    def certificate_lines(self, change: Change) -> tuple[list[str], list[str]]:
        name = self.name(change.logical_id)
        if change.action == "add":
            props = properties(self.head[change.logical_id])
            listeners = self.presenting(change.logical_id, self.head)
            then = f", before listener {', '.join(self.name(i) for i in listeners)} can present it" if listeners else ""
            how, wait = self.validation(props)
            return [], [f"Requests certificate {name} for {', '.join(self.certificate_names(props))} from ACM, {how}: "
                        f"{wait}{then}."]
        if change.action == "remove":
            props = properties(self.base[change.logical_id])
            return [], [f"Deletes certificate {name} ({', '.join(self.certificate_names(props))}) from ACM, last, in "
                        "the update's cleanup: after the listeners that presented it have changed or gone."]
        return [], []

    def listener_lines(self, change: Change) -> tuple[list[str], list[str]]:
        name = self.name(change.logical_id)
        if change.action in ("add", "remove"):
            template = self.head if change.action == "add" else self.base
            props = properties(template[change.logical_id])
            balancer = reference(props.get("LoadBalancerArn"))
            if balancer is None or balancer not in self.base or balancer not in self.head or \
                    (self.changes.get(balancer) and self.changes[balancer].action == "replace"):
                return [], []  # a new, replaced or removed load balancer: its own row says it
            if change.action == "add":
                tls = ""
                if props.get("Certificates"):
                    tls = (f" presents certificate {', '.join(self.ref(c) for c in self.presented(props))} with TLS "
                           f"security policy {props.get('SslPolicy', '(the default)')} and")
                return [], [f"Opens {self.listener(props)} on load balancer {self.name(balancer)}: listener {name}"
                            f"{tls} {self.actions(props.get('DefaultActions'))}."]
            scheme = str(props.get("Protocol", "")).lower() or "its"
            return [f"Cuts off clients: {self.listener(props)} of load balancer {self.name(balancer)} closes: listener "
                    f"{name} is deleted in the update's cleanup, so {scheme}:// addresses of the site on that port stop "
                    "answering."], []
        if change.action != "update":
            return [], []
        old, new = properties(self.base[change.logical_id]), properties(self.head[change.logical_id])
        engine = self.summarizer.engine.resources.get(change.logical_id)
        changed = sorted(p for p, impact in (engine.properties.items() if engine else ()) if impact != "none")
        bold, plain = [], []
        label = f"listener {name} on {self.listener(old)}"
        tls = str(new.get("Protocol", "")).upper() in ("HTTPS", "TLS")  # else certificates and policies serve nothing
        for prop in changed:
            if prop == "Port":
                bold.append(f"Cuts off clients: listener {name} moves from port {old.get('Port')} to {new.get('Port')} "
                            f"(updated in place): clients of port {old.get('Port')} can no longer connect there, and "
                            f"the load balancer's security group must let port {new.get('Port')} in.")
            elif prop == "Protocol":
                was = str(old.get("Protocol", "")).lower()
                bold.append(f"Cuts off clients: {label} speaks {new.get('Protocol')} instead of {old.get('Protocol')} "
                            f"(updated in place): clients that use {was}:// on port {old.get('Port')} can no longer "
                            "connect there.")
            elif prop == "SslPolicy" and tls:
                bold.append(f"May cut off clients: {label} changes its TLS security policy from "
                            f"{old.get('SslPolicy', '(the default)')} to {new.get('SslPolicy', '(the default)')} "
                            "(updated in place, no interruption): which TLS versions and ciphers clients can use "
                            "changes, and a client that supports none of the new policy's can no longer connect; "
                            f"{TLS_UNKNOWN}.")
            elif prop == "Certificates" and tls:
                plain.append(self.certificate_switch(f"L{label[1:]}", old, new))
            elif prop == "DefaultActions":
                plain.append(self.actions_switch(change.logical_id, f"L{label[1:]}", old, new))
        return bold, plain

    def certificate_switch(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        before, after = self.presented(old), self.presented(new)
        text = (f"{label} presents certificate {', '.join(self.ref(c) for c in after) or '(none)'} instead of "
                f"{', '.join(self.ref(c) for c in before) or '(none)'} (updated in place, no interruption)")
        text += ", once ACM has issued it." if any(reference(c) in self.head and reference(c) not in self.base
                                                     for c in after) else "."
        old_names = [n for c in before if self.owned(c) for n in self.certificate_names(
            properties(self.base.get(reference(c)) or self.head.get(reference(c))))]
        new_names = [n for c in after if self.owned(c) for n in self.certificate_names(
            properties(self.head.get(reference(c)) or self.base.get(reference(c))))]
        imported = [c for c in after if not self.owned(c)]
        if imported:
            names = old_names or sorted({_dns_name(properties(r).get("Name")) for r in self.head.values()
                                         if r.get("Type") == RECORD})
            covers = ", ".join(names) or "the site's name"
            text += (f" The template cannot say which names {', '.join(self.ref(c) for c in imported)} covers: check "
                     f"that it covers {covers} before deploying (`aws acm describe-certificate`).")
        elif old_names:
            lost = [name for name in old_names if name not in new_names]
            if lost:
                text += (f" Clients that still ask for {', '.join(lost)} get a certificate error from then on: the new "
                         "certificate does not cover that name.")
        for certificate in before:
            if not self.owned(certificate) and certificate not in after:
                text += f" {self.ref(certificate)} is not the stack's: it stays in ACM, untouched."
        return text

    def actions_switch(self, logical_id: str, label: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        before, after = old.get("DefaultActions"), new.get("DefaultActions")
        text = f"{label} now {self.actions(after)} (until this deploy it {self.actions(before)})."

        def redirects(actions: Any) -> list[dict[str, Any]]:
            return [a.get("RedirectConfig") or {} for a in actions or [] if isinstance(a, dict)
                    and a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("StatusCode") == "HTTP_301"]

        balancer = reference(new.get("LoadBalancerArn"))

        def listeners_on(port: Any, template: dict[str, dict[str, Any]]) -> list[str]:
            return sorted(i for i, r in template.items() if r.get("Type") == LISTENER
                          and str(properties(r).get("Port")) == str(port)
                          and reference(properties(r).get("LoadBalancerArn")) == balancer)

        for config in redirects(after):
            if redirects(before):
                continue
            text += (" Browsers follow it; clients that do not follow redirects get the 301 instead of the page, and "
                     f"browsers may remember it ({CACHED_301}).")
            port = config.get("Port")
            created = [i for i in listeners_on(port, self.head) if i not in self.base]
            if created and created[0] not in _depends_on(self.head[logical_id]):
                certificates = [reference(c) for c in self.presented(properties(self.head[created[0]]))
                                if reference(c) in self.head and reference(c) not in self.base]
                wait = f", which CloudFormation creates only once ACM has issued certificate " \
                    f"{self.name(certificates[0])}" if certificates else ", which this update creates"
                text += (f" Nothing in the template makes this update wait for listener {self.name(created[0])} on "
                         f"port {port}{wait}: meanwhile port {new.get('Port')} may already redirect visitors to a port "
                         "that does not answer yet.")
        for config in redirects(before):
            if redirects(after):
                continue
            text += (" Browsers that saw the permanent redirect may keep following it from their cache "
                     f"({CACHED_301})")
            port = config.get("Port")
            closed = [i for i in listeners_on(port, self.base) if i not in self.head]
            text += (f", to port {port}, which this change closes: for them the site does not answer until that "
                     "cached redirect expires." if closed else ".")
        return text

    def record_lines(self, change: Change) -> tuple[list[str], list[str]]:
        name = self.name(change.logical_id)
        if change.logical_id in self.moves or change.logical_id in self.moves.values():
            return [], []  # failures() says it
        if change.action == "add":
            props = properties(self.head[change.logical_id])
            return [], [f"DNS record {name} makes {self.record(props)} resolve to {self.target(props, self.head)}."]
        if change.action == "remove":
            props = properties(self.base[change.logical_id])
            return [f"Cuts off clients: DNS record {name} is deleted, so {self.record(props)} stops resolving once "
                    f"resolvers' cached answers expire ({self.ttl(props, self.base)}): the site can no longer be "
                    "reached by that name."], []
        if change.action != "update":
            return [], []
        old, new = properties(self.base[change.logical_id]), properties(self.head[change.logical_id])
        engine = self.summarizer.engine.resources.get(change.logical_id)
        changed = {p for p, impact in (engine.properties.items() if engine else ()) if impact != "none"}
        plain = []
        if changed & {"AliasTarget", "ResourceRecords"}:
            before, after = self.target(old, self.base), self.target(new, self.head)
            if before == after:
                after = f"the new {after} (it is replaced)"
            plain.append(f"{self.record(new)} now points at {after} instead of {before} (updated in place): resolvers "
                         f"follow within {self.ttl(old, self.base)}; until then some clients still reach {before}.")
        if "TTL" in changed:
            plain.append(f"{self.record(new)}: resolvers now keep its answer for {new.get('TTL', '(none)')} s instead "
                         f"of {old.get('TTL', '(none)')} s.")
        if "Type" in changed:
            return [f"Cuts off clients: `{_dns_name(new.get('Name'))}` now answers {new.get('Type')} queries instead of "
                    f"{old.get('Type')} (updated in place, as `cdk diff` says): clients that look up its "
                    f"{old.get('Type')} record no longer find one."], plain
        return [], plain

    def wait_lines(self, change: Change) -> tuple[list[str], list[str]]:
        """The last wait: CloudFormation waits for a wait condition's signals "only when [it] creates the associated
        resource" (CreationPolicy attribute reference)."""
        name = self.name(change.logical_id)
        if change.action == "add":
            resource = self.head[change.logical_id]
            signal = (resource.get("CreationPolicy") or {}).get("ResourceSignal")
            if not signal:
                return [], []
            url = self.site_url(self.outputs[1])
            after = sorted(i for i in _depends_on(resource) if (self.head.get(i) or {}).get("Type") in (RECORD, LISTENER))
            text = (f"The deploy now ends only once an instance signals wait condition {name}"
                    + (f" that the site answers on {url}" if url else "")
                    + f" ({signal.get('Count', 1)} signal within {signal.get('Timeout', 'PT5M')}, its CreationPolicy)")
            if after:
                text += f", which CloudFormation creates after {', '.join(self.name(i) for i in after)}"
            return [], [text + "; without a signal in time the deploy fails and rolls back."]
        if change.action == "remove":
            return [], [f"Deletes wait condition {name}: deploys no longer wait for the site to answer on its name."]
        if change.action == "replace":
            return [], [f"Wait condition {name} is created anew: this deploy waits again for an instance's signal."]
        return [], []

    def site_url(self, outputs: dict[str, Any]) -> Optional[str]:
        value = (outputs.get(SITE_URL_OUTPUT) or {}).get("Value")
        if value is None:
            return None
        return self.summarizer.named(render_value(value))

    def notes(self) -> list[str]:
        """The site's address when it changes, and whether this deploy waits for the site on it."""
        before, after = (self.site_url(outputs) for outputs in self.outputs)
        if before is None or after is None or before == after:
            return []
        lines = [f"The site's address changes: {before} to {after} (the {SITE_URL_OUTPUT} output)."]
        for logical_id, resource in sorted(self.head.items()):
            if resource.get("Type") == WAIT_CONDITION and resource.get("CreationPolicy") and \
                    logical_id in self.base and logical_id not in self.changes:
                lines.append(f"Wait condition {self.name(logical_id)} is not created again, and CloudFormation waits "
                             "for a wait condition's signals only when it creates it (its CreationPolicy): this deploy "
                             f"does not wait for the site to answer on {after}; open it once the deploy ends.")
        return lines


def summarize(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], *, stack: str, region: str,
              prices: Optional[cost.Prices] = None, engine: Optional[cfn_diff.TemplateDiff] = None,
              warnings: Sequence[str] = ()) -> StackReview:
    """The review of one stack: ``base`` is the deployed (or base) template, ``head`` the new one; ``engine`` the
    engine's diff of the two when the caller has it already (else it is run here); ``warnings`` the head's
    synthesis warnings."""
    if engine is None:
        engine = cfn_diff.diff_templates([(base, head)])[0]
    review = StackReview(stack=stack, region=region, warnings=list(warnings))
    failing: list[str] = []
    replacing: list[str] = []
    rolling: list[str] = []
    losing: list[str] = []
    iam: list[str] = []
    cutting: list[str] = []
    summarizer = _Summarizer(base, head, engine)
    review.changes = summarizer.run()
    _attachments_moved(summarizer, review.changes)
    base_res, head_res = summarizer.base, summarizer.head
    elastic_ips = _addresses(head_res, summarizer.name)
    site = _Site(summarizer, review.changes, ((base or {}).get("Outputs") or {}, (head or {}).get("Outputs") or {}))

    for change in review.changes:
        word = WORDS.get(change.type)
        why = "; ".join(change.reasons)
        for failure in change.fails:
            failing.append(f"FAILS: {word or FAILING_WORDS.get(change.type, change.type)} `{change.name}`: {failure}.")
        if change.type == INSTANCE and change.action == "replace":
            eip = elastic_ips.get(change.new_logical_id or change.logical_id)
            address = (f" Its Elastic IP `{eip}` moves to the new instance: the public address stays the same." if eip
                       else " It has no Elastic IP: the new instance gets a new auto-assigned public IPv4 address.")
            verb = "MAY REPLACE" if change.maybe else "REPLACES"
            replacing.append(f"{verb} instance `{change.name}`: {why}.{address}")
        elif change.type == VOLUME and change.action == "replace":
            renamed = f" with `{change.new_name}`" if change.new_name and change.new_name != change.name else ""
            key = "DeletionPolicy" if change.new_logical_id else "UpdateReplacePolicy"
            fate = _volume_fate(key, base_res[change.logical_id].get(key, "Delete"))
            verb = "MAY REPLACE" if change.maybe else "REPLACES"
            replacing.append(f"{verb} volume `{change.name}`{renamed} (new, empty; the old one {fate}): {why}.")
        elif change.action == "replace" and word:
            verb = "MAY REPLACE" if change.maybe else "REPLACES"
            extra = [REPLACEMENT_MEANS.get(change.type, ""), site.replaced(change)]
            replacing.append(f"{verb} {word} `{change.name}`: {why}." + "".join(f" {e}" for e in extra if e))
        elif change.action == "replace":
            extra = " It gets a new public IPv4 address." if change.type == "AWS::EC2::EIP" else ""
            review.notes.append(f"{'May replace' if change.maybe else 'Replaces'} {change.type} `{change.name}`: "
                                f"{why}.{extra}")
        if change.rolling:
            bold, plain = _rolling(change, head_res[change.logical_id])
            rolling += [bold] if bold else []
            review.notes += [plain] if plain else []
        if change.action in ("remove", "replace"):
            bold, plain = _data_loss(change, base_res[change.logical_id])
            losing += bold
            review.notes += plain
        if change.interrupt and change.action != "replace":
            eip = elastic_ips.get(change.logical_id)
            address = f" Its Elastic IP `{eip}` stays." if eip else \
                " Its auto-assigned public IPv4 address changes (it has no Elastic IP)."
            review.notes.append(f"Stops and starts instance `{change.name}` (the web server is down meanwhile): "
                                f"{why}.{address}")
            losing += _instance_store_loss(change, base_res[change.logical_id], "is stopped and started")
        if change.type == "AWS::EC2::EIP" and change.action == "remove":
            review.notes.append(f"Elastic IP `{change.name}` is released: its address is gone for good.")
        bold, plain = site.lines(change)
        cutting += bold
        review.notes += plain
        iam += _iam(change, base_res, head_res)

    def kind(logical_id: str) -> str:
        return (head_res.get(logical_id) or base_res.get(logical_id) or {}).get("Type", "IAM identity").split("::")[-1]

    iam += _iam_facts(engine, summarizer, kind)
    named = summarizer.named  # ${LogicalId.GroupId} (a peer group) as `cdk diff` names it: its construct path
    widen, narrow = ([named(line) for line in lines] for lines in _network(engine, summarizer.name, head_res))
    for change in review.changes:
        if change.type in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            change.reasons = [named(reason) for reason in change.reasons]
    refused = _refusals(base, head)
    if not refused:  # a refused update changes nothing, so nothing of it can fail
        failing += _device_conflicts(summarizer, review.changes) + _volumes_in_use(summarizer, review.changes)
        failing += site.failures()
    review.flags = refused + failing + replacing + rolling + cutting + losing + widen + iam
    review.notes += narrow + site.notes()
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
            elif change.action == "update" and change.rolling:
                action = "update (rolls its instances)"
            if change.fails:
                action = f"**{action} (fails)**"
            elif change.action in ("replace", "remove") and change.type in WORDS or change.rolling:
                action = f"**{action}**"
            details = "; ".join(change.reasons).replace("|", "\\|")
            out.append(f"| {action} | {change.name} | {change.type} | {details} |")
    else:
        out.append("- No changes to the stack's resources.")
    if review.warnings:
        out += ["", "Warnings from the working tree's synthesis (not part of the change itself):", ""]
        out += [f"- {warning}" for warning in review.warnings]
    return "\n".join(out)




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
    return subprocess.run([*cdk_command(), *args], cwd=cwd, env=offline_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)


def synth(checkout: Path, outdir: Path, context: Sequence[str], label: str) -> None:
    try:
        synth_offline(outdir, context, cwd=checkout)
    except SynthError as error:
        raise ReviewError(f"synthesizing {label} failed (exit status {error.returncode}):\n{error.tail}") from None


def cli_diff(head_assembly: Path, base_template: Path, stack: str, *, cwd: Path = ROOT) -> str:
    """The CDK CLI's resource-level diff of ``stack`` against a template file, from its ``Stack <name>`` line on:
    the synthesis's warnings the CLI prints first are the summary's to list, once."""
    run = _cdk(["diff", "--app", str(head_assembly), "--template", str(base_template), "--no-color", stack], cwd=cwd)
    text = (run.stdout + run.stderr).strip()
    if run.returncode not in (0, 1):
        raise ReviewError(f"cdk diff {stack} failed (exit status {run.returncode}):\n{text[-2000:]}")
    # The diff goes to stderr, or to stdout when CI is set (the CLI's CI mode), while the annotations stay on
    # stderr: the diff is read from the stream that has it, so the annotations never follow it in.
    diff_stream = next((stream for stream in (run.stdout, run.stderr)
                        if any(line.startswith("Stack ") for line in stream.splitlines())), text)
    return without_annotations(diff_stream.strip())


def without_annotations(text: str) -> str:
    """The CLI's output without the annotation blocks (``WARNING ...`` and its indented lines, ``Acknowledge with``)
    it prints before the diff itself, which starts at the first ``Stack `` line."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Stack ")), 0)
    return "\n".join(lines[start:]).strip()


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
        head_stacks = {s.name: s for s in assembly_stacks(head_out)}
        base_stacks = {s.name: s for s in assembly_stacks(base_out)}
        names = sorted(set(head_stacks) | set(base_stacks))
        empty = tmp_dir / "empty.template.json"
        empty.write_text(json.dumps({"Resources": {}}))
        files = [(base_stacks[n].path if n in base_stacks else empty, head_stacks[n].path if n in head_stacks else empty)
                 for n in names]
        engine = dict(zip(names, cfn_diff.diff_files(files), strict=True))  # one Node start for every stack
        parts = ["# Review of this change", "",
                 f"Base: `{base.sha[:7]}` ({base.label}). Head: the working tree at `{head_sha}`"
                 + (" with uncommitted changes" if dirty else "") + ". Both synthesized offline from "
                 "`cdk.context.json`" + (f" with {' '.join(context)}" if context else "") + ".", ""]
        for (name, (base_file, _)) in zip(names, files, strict=True):
            head_stack, base_stack = head_stacks.get(name), base_stacks.get(name)
            region = (head_stack or base_stack).region or ""
            head_template = head_stack.load() if head_stack else None
            base_template = base_stack.load() if base_stack else {"Resources": {}}
            summary = summarize(base_template, head_template, stack=name, region=region, prices=prices,
                                engine=engine[name], warnings=head_stack.warnings() if head_stack else ())
            parts += [render_review(summary), ""]
            if head_stack is None:
                parts += ["The stack is gone from the app: `cdk deploy` no longer touches it, and `cdk destroy` "
                          "must be run for it on the base commit.", ""]
                continue
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
    except (ReviewError, AssemblyError, cfn_diff.EngineError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
