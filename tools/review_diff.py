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
summary). What is replaced, and the security group and IAM changes, come from the engine ``cdk diff``
itself is built on (``@aws-cdk/cloudformation-diff``, through ``tools/cfn_diff.cjs``), so the summary and
the diff below it agree. The summary lists resources added, removed and changed, and puts in bold
everything that

- REPLACES an instance or a volume (the engine's verdict, and where the resource specification can only say
  "may be replaced", what AWS's AWS::EC2::Instance reference says for an EBS-backed instance in a VPC: a stop
  and start, an update in place, or a replacement);
- widens network access (a new ingress or egress rule, a wider CIDR or port range);
- changes IAM (policy statements, managed policies, roles and instance profiles);
- loses data on removal or replacement (a volume deleted with DeletionPolicy Delete, an instance whose
  root volume goes with it);

then in plain words the stops and starts, public address changes, and the change in cost (``tools/cost.py``).
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
from tools.cdk_cli import offline_env
from tools.templates import (
    DEFAULT_VOLUME_TYPE,
    RETAINED_POLICIES,
    AssemblyError,
    SecurityGroupRule,
    assembly_stacks,
    display_name,
    properties,
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
WORDS = {"AWS::EC2::Instance": "instance", "AWS::EC2::Volume": "volume"}
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
_BEHAVIOUR = {"replace": "replace", "may-replace": "maybe-replace", "update": "in-place"}
_SAY = {"replace": "requires replacement", "maybe-replace": "may require replacement", "interrupt": "stop and start",
        "in-place": ""}


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


def _size(props: dict[str, Any], key: str) -> str:
    size = props.get(key)
    return f"{size} GiB " if isinstance(size, (int, float, Decimal, str)) else ""


def _added_details(resource: dict[str, Any]) -> list[str]:
    props = properties(resource)
    if resource.get("Type") == "AWS::EC2::Volume":
        return [f"{_size(props, 'Size')}{props.get('VolumeType', DEFAULT_VOLUME_TYPE)}, "
                f"DeletionPolicy {resource.get('DeletionPolicy', 'Delete')}"]
    if resource.get("Type") == "AWS::EC2::Instance" and isinstance(props.get("InstanceType"), str):
        return [props["InstanceType"]]
    return []


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
    if change.type == "AWS::EC2::Volume":
        what = f"volume {name} ({_size(props, 'Size')}{props.get('VolumeType', DEFAULT_VOLUME_TYPE)})"
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
                            f"({_size(ebs, 'VolumeSize')}{ebs.get('VolumeType', DEFAULT_VOLUME_TYPE)}) is deleted "
                            "with it (DeleteOnTermination): anything stored on it is lost.")
        return bold, []
    return [], []


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


_ORDER = {"replace": 0, "remove": 1, "add": 2, "update": 3}


class _Summarizer:
    """Turns the engine's resource changes into Changes, adding the EC2 rules and plain-words reasons."""

    def __init__(self, base: Optional[dict[str, Any]], head: Optional[dict[str, Any]],
                 engine: cfn_diff.TemplateDiff) -> None:
        self.base = resources(base)
        self.head = resources(head)
        self.engine = engine

    def name(self, logical_id: str) -> str:
        resource = self.head.get(logical_id) or self.base.get(logical_id) or {}
        return display_name(logical_id, resource)

    def run(self) -> list[Change]:
        changes: dict[str, Change] = {}
        for logical_id, engine in sorted(self.engine.resources.items()):
            change = self.classify(engine)
            if change is not None:
                changes[logical_id] = change
        self.pair_renames(changes)
        return sorted(changes.values(), key=lambda c: (_ORDER[c.action], c.name))

    def classify(self, engine: cfn_diff.ResourceChange) -> Optional[Change]:
        logical_id = engine.logical_id
        change = Change(logical_id, self.name(logical_id), engine.type, "update")
        if engine.impact == "add":
            change.action, change.reasons = "add", _added_details(self.head[logical_id])
            return change
        if engine.impact in ("destroy", "orphan"):
            change.action = "remove"
            change.reasons = [f"DeletionPolicy {self.base[logical_id].get('DeletionPolicy', 'Delete')}"]
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
                change.reasons.append(f"{attribute}: {old if old is not None else '(none)'} to "
                                      f"{new if new is not None else '(none)'}")
        return change if change.reasons else None

    def property(self, change: Change, prop: str, impact: str) -> None:
        old = properties(self.base[change.logical_id]).get(prop)
        new = properties(self.head[change.logical_id]).get(prop)
        behaviour = _BEHAVIOUR.get(impact, "in-place")
        said = [_SAY[behaviour]]
        refined = instance_behaviour(prop, old, new) \
            if behaviour == "maybe-replace" and change.type == "AWS::EC2::Instance" else None
        if refined is not None:  # an EC2 rule decides what the engine cannot, and says what the engine said
            behaviour, said = refined, [_SAY[refined] or "no interruption", ENGINE_MAYBE]
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
        if prop == "BlockDeviceMappings":
            mappings = _describe_mappings(old, new)
            if mappings:
                return f"{prop}: {mappings}"
        before = _short(old) if old is not None else "(none)"
        after = _short(new) if new is not None else "(none)"
        return f"{prop}: {before} to {after}" if before is not None and after is not None else f"{prop} changes"

    def pair_renames(self, changes: dict[str, Change]) -> None:
        """A resource whose logical id changes (same construct path and type) is replaced: the engine sees one
        removed and one added; the summary names it once."""
        added = {(c.name, c.type): c for c in changes.values() if c.action == "add"}
        for old in [c for c in changes.values() if c.action == "remove"]:
            new = added.pop((old.name, old.type), None)
            if new is None:
                continue
            del changes[new.logical_id]
            old.action, old.new_logical_id = "replace", new.logical_id
            old.reasons = [f"its logical id changes ({old.logical_id} to {new.logical_id})"]


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


def _iam_facts(engine: cfn_diff.TemplateDiff, name: Any, kind: Any, known: set[str]) -> list[str]:
    """The engine's IAM changes in words: managed policies attached and detached, statements added and removed.
    Logical ids in the engine's ``${Id.Attribute}`` renderings become display names, as `cdk diff` shows them."""
    def named(text: str) -> str:  # the engine puts one action, resource or principal a line
        return _TOKEN.sub(lambda m: "${" + (name(m[1]) if m[1] in known else m[1]), ", ".join(text.splitlines()))

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


def summarize(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], *, stack: str, region: str,
              prices: Optional[cost.Prices] = None, engine: Optional[cfn_diff.TemplateDiff] = None) -> StackReview:
    """The review of one stack: ``base`` is the deployed (or base) template, ``head`` the new one; ``engine`` the
    engine's diff of the two when the caller has it already (else it is run here)."""
    if engine is None:
        engine = cfn_diff.diff_templates([(base, head)])[0]
    review = StackReview(stack=stack, region=region)
    replacing: list[str] = []
    losing: list[str] = []
    iam: list[str] = []
    summarizer = _Summarizer(base, head, engine)
    review.changes = summarizer.run()
    base_res, head_res = summarizer.base, summarizer.head
    eip_targets = {target for r in head_res.values() if r.get("Type") in ("AWS::EC2::EIPAssociation", "AWS::EC2::EIP")
                   for target in references(properties(r).get("InstanceId"))}

    for change in review.changes:
        word = WORDS.get(change.type)
        why = "; ".join(change.reasons)
        address = "" if change.logical_id in eip_targets else \
            " Its auto-assigned public IPv4 address changes (it has no Elastic IP)."
        if change.action == "replace" and word:
            verb = "MAY REPLACE" if change.maybe else "REPLACES"
            replacing.append(f"{verb} {word} `{change.name}`: {why}.")
            if change.type == "AWS::EC2::Instance" and address:
                review.notes.append(f"Instance `{change.name}` gets a new public IPv4 address (it has no Elastic IP).")
        elif change.action == "replace":
            extra = " It gets a new public IPv4 address." if change.type == "AWS::EC2::EIP" else ""
            review.notes.append(f"{'May replace' if change.maybe else 'Replaces'} {change.type} `{change.name}`: "
                                f"{why}.{extra}")
        if change.action in ("remove", "replace"):
            bold, plain = _data_loss(change, base_res[change.logical_id])
            losing += bold
            review.notes += plain
        if change.interrupt and change.action != "replace":
            review.notes.append(f"Stops and starts instance `{change.name}` (the web server is down meanwhile): "
                                f"{why}.{address}")
        if change.type == "AWS::EC2::Volume" and change.action == "update":
            old_size = properties(base_res[change.logical_id]).get("Size")
            new_size = properties(head_res[change.logical_id]).get("Size")
            if isinstance(old_size, (int, float, Decimal)) and isinstance(new_size, (int, float, Decimal)) \
                    and new_size < old_size:
                review.notes.append(f"Volume `{change.name}` shrinks from {old_size} to {new_size} GiB: EBS volumes "
                                    "cannot shrink, so this update will fail.")
        if change.type == "AWS::EC2::EIP" and change.action == "remove":
            review.notes.append(f"Elastic IP `{change.name}` is released: its address is gone for good.")
        iam += _iam(change, base_res, head_res)

    def kind(logical_id: str) -> str:
        return (head_res.get(logical_id) or base_res.get(logical_id) or {}).get("Type", "IAM identity").split("::")[-1]

    iam += _iam_facts(engine, summarizer.name, kind, set(base_res) | set(head_res))
    widen, narrow = _network(engine, summarizer.name, head_res)
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
                                engine=engine[name])
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
