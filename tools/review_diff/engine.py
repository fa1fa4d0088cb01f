"""The summary's engine: the resource changes of AWS's diff engine (tools/cfn_diff.py) as Changes, each with its
reasons in plain words, and with what the engine cannot know added by the service rules (ec2.py: how an instance
property really updates, which volume updates fail; autoscaling.py: which groups roll their instances), resources
the engine sees as two (a logical id or a volume's name that changes) paired as one replacement."""

from __future__ import annotations

import re
from typing import Any, Optional

from cost_model.templates import (
    DEFAULT_VOLUME_TYPE,
    display_name,
    properties,
    reference,
    references,
    render_value,
    resources,
)
from tools import cfn_diff
from tools.review_diff.autoscaling import rolling_updates
from tools.review_diff.capacity import describe_mix
from tools.review_diff.ec2 import (
    MODIFY_VOLUME_PACING,
    MODIFY_VOLUME_PROPERTIES,
    USER_DATA_NOT_RERUN,
    attachment_slots,
    describe_fields,
    describe_mappings,
    instance_behaviour,
    pair_volume_renames,
    size,
    volume_update_fails,
)
from tools.review_diff.model import ATTACHMENT, ENGINE_MAYBE, GROUP, INSTANCE, LAUNCH_TEMPLATE, ORDER, VOLUME, Change
from tools.review_diff.site import Site
from tools.review_diff.words import leaf_changes, transition
from tools.templates import SecurityGroupRule

# Attributes the engine compares besides Properties that change nothing in AWS: construct paths, ordering.
UNDEPLOYED_ATTRIBUTES = frozenset({"Metadata", "DependsOn"})
_BEHAVIOUR = {"replace": "replace", "may-replace": "maybe-replace", "update": "in-place"}
_SAY = {"replace": "requires replacement", "maybe-replace": "may require replacement", "interrupt": "stop and start",
        "in-place": ""}
_TOKEN = re.compile(r"\$\{([^.}]+)")  # the start of ${LogicalId} or ${LogicalId.Attribute}


class Summarizer:
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
        # Where each volume is attached, before and after: (instance, device) -> (attachment, volume).
        self.slots = (attachment_slots(self.base), attachment_slots(self.head))

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
        pair_volume_renames(self, changes)
        rolling_updates(self, changes)
        return sorted(changes.values(), key=lambda c: (ORDER[c.action], c.name))

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
                change.reasons.append(", ".join(leaf_changes(old, new, attribute)))
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
            elif prop in MODIFY_VOLUME_PROPERTIES and not any(MODIFY_VOLUME_PACING in r for r in change.reasons):
                said.append(MODIFY_VOLUME_PACING)  # once per volume: one ModifyVolume makes every such change
        if behaviour == "replace":
            change.action, change.maybe = "replace", False
        elif behaviour == "maybe-replace" and change.action != "replace":
            change.action, change.maybe = "replace", True
        elif behaviour == "interrupt":
            change.interrupt = True
        said = [words for words in said if words]
        change.properties[prop] = self.describe(prop, old, new) + (f" ({'; '.join(said)})" if said else "")
        change.reasons.append(change.properties[prop])

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
        mix = describe_mix(prop, old, new)
        if mix is not None:
            return f"{prop}: {mix}"
        if prop == "BlockDeviceMappings":
            mappings = describe_mappings(old, new)
            if mappings:
                return f"{prop}: {mappings}"
        if prop == "LaunchTemplateData":
            fields = describe_fields(old, new)
            if fields:
                return f"{prop}: {', '.join(fields)}"
        if prop == "DefaultActions" and isinstance(old, list) and isinstance(new, list):  # a listener's
            return f"{prop}: {self.site().actions(old)} to {self.site().actions(new)}"
        if prop == "Certificates" and isinstance(old or [], list) and isinstance(new or [], list):  # a listener's
            site = self.site()
            before, after = (", ".join(site.ref(c) for c in site.presented({prop: value})) or None for value in (old, new))
            return f"{prop}: {transition(before, after, limit=None)}"
        if prop == "ResourceRecords" and isinstance(old or [], list) and isinstance(new or [], list):  # a record's
            site = self.site()
            return f"{prop}: {site.target({prop: old}, self.base)} to {site.target({prop: new}, self.head)}"
        quoted = transition(old, new)
        if quoted is not None:
            return f"{prop}: {quoted}"
        if isinstance(old, (dict, list)) and isinstance(new, (dict, list)):
            return ", ".join(leaf_changes(old, new, prop))
        return f"{prop} changes"

    # What an added or removed resource is, so no row of the table says nothing.

    def ref_name(self, value: Any) -> str:
        target = reference(value)
        return f"`{self.name(target)}`" if target is not None else f"`{render_value(value)}`"

    def added_details(self, logical_id: str) -> list[str]:
        resource = self.head[logical_id]
        kind, props = resource.get("Type"), properties(resource)
        if kind == VOLUME:
            return [f"{size(props, 'Size')}{props.get('VolumeType', DEFAULT_VOLUME_TYPE)}, "
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

    def site(self) -> Site:
        """The words for certificates, listeners, records and the last wait, for this pair of templates."""
        return Site(self, [], ({}, {}))

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
