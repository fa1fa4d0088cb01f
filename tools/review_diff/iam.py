"""AWS IAM in the review: roles, policies and instance profiles added, removed or replaced, what the engine's IAM
facts do not cover (an instance profile's roles, a permissions boundary, an instance's profile), and the engine's
own IAM changes in words."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from cost_model.templates import properties, render_value
from tools import cfn_diff
from tools.review_diff.model import Change, Reviewed


def iam_lines(change: Change, base: dict[str, dict[str, Any]], head: dict[str, dict[str, Any]]) -> list[str]:
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


def iam_facts(engine: cfn_diff.TemplateDiff, summarizer: Reviewed, kind: Any, region: str = "") -> list[str]:
    """The engine's IAM changes in words: managed policies attached and detached, statements added and removed.
    Logical ids in the engine's ``${Id.Attribute}`` renderings become display names, as `cdk diff` shows them; a
    condition reads as the keys and values it tests; ``region``'s Elastic Load Balancing account is named as such."""
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
            condition = f" when {conditions(s.condition, summarizer.named)}" if s.condition else ""
            lines.append(f"IAM: {verb} `{named(s.principal)}`{whose(s.principal, region)} to `{named(s.action)}` on "
                         f"`{named(s.resource)}`{condition}.")
    return lines


def conditions(text: str, named: Callable[[str], str]) -> str:
    """A statement's Condition as the engine renders it (its JSON without the outer braces, over several lines) in
    words: "`aws:SecureTransport` is `false` (Bool)", tests joined by "and" (IAM's condition logic: every operator
    and every key must match; the values of one key are alternatives). Anything else stays the engine's text."""
    try:
        found = json.loads("{" + text + "}")
    except ValueError:
        found = None
    if not isinstance(found, dict) or not all(isinstance(tests, dict) for tests in found.values()):
        return f"`{named(', '.join(text.splitlines()))}`"
    parts = []
    for operator, tests in found.items():
        for key, values in tests.items():
            values = values if isinstance(values, list) else [values]
            alternatives = " or ".join(f"`{named(render_value(value))}`" for value in values)
            parts.append(f"`{key}` is {alternatives} ({operator})")
    return " and ".join(parts)


def whose(principal: str, region: str) -> str:
    """Words for a principal that is ``region``'s Elastic Load Balancing account: the account AWS delivers a load
    balancer's access logs from, which the bucket policy must allow ("Enable access logs for your Application Load
    Balancer", Elastic Load Balancing User Guide). The account comes from aws-cdk-lib's region facts, the table
    the CDK itself writes that policy from."""
    accounts = set(re.findall(r"arn:aws[a-z-]*:iam::(\d{12}):root", principal))
    if not accounts or not region:
        return ""
    from aws_cdk.region_info import RegionInfo  # deferred: only paid when a statement names an account

    elb = RegionInfo.get(region).elbv2_account
    return f" (Elastic Load Balancing's account in {region}, which delivers the access logs)" if elb in accounts else ""
