"""The summary of one stack's change, in the order a reviewer reads it: what will be refused or fail, what is replaced
or rolled, what cuts off clients or loses data, network access widened, IAM; then the rest in plain words, the cost
change and a table of every resource changed. Each service's rules (ec2.py, autoscaling.py, iam.py, network.py,
site.py with acm.py, elbv2.py, route53.py and cloudformation.py) say their lines; this module puts them in that
order, which is the reviewer's, across services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from cost_model.estimate import estimate_template
from cost_model.prices import PRICES_SHOWN, CostError, Prices
from cost_model.words import money
from tools import cfn_diff
from tools.review_diff.autoscaling import rolling_words
from tools.review_diff.cloudformation import refusals
from tools.review_diff.ec2 import (
    addresses_by_instance,
    attachments_moved,
    data_loss,
    device_conflicts,
    instance_store_loss,
    volume_fate,
    volumes_in_use,
)
from tools.review_diff.edge import edge_lines
from tools.review_diff.engine import Summarizer
from tools.review_diff.iam import iam_facts, iam_lines
from tools.review_diff.model import FAILING_WORDS, INSTANCE, REPLACEMENT_MEANS, VOLUME, WORDS, StackReview
from tools.review_diff.network import network_lines
from tools.review_diff.site import Site


def summarize(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], *, stack: str, region: str,
              prices: Optional[Prices] = None, engine: Optional[cfn_diff.TemplateDiff] = None,
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
    summarizer = Summarizer(base, head, engine)
    review.changes = summarizer.run()
    attachments_moved(summarizer, review.changes)
    base_res, head_res = summarizer.base, summarizer.head
    elastic_ips = addresses_by_instance(head_res, summarizer.name)
    site = Site(summarizer, review.changes, ((base or {}).get("Outputs") or {}, (head or {}).get("Outputs") or {}))

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
            fate = volume_fate(key, base_res[change.logical_id].get(key, "Delete"))
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
            bold, plain = rolling_words(change, head_res[change.logical_id])
            rolling += [bold] if bold else []
            review.notes += [plain] if plain else []
        if change.action in ("remove", "replace"):
            bold, plain = data_loss(change, base_res[change.logical_id])
            losing += bold
            review.notes += plain
        if change.interrupt and change.action != "replace":
            eip = elastic_ips.get(change.logical_id)
            address = f" Its Elastic IP `{eip}` stays." if eip else \
                " Its auto-assigned public IPv4 address changes (it has no Elastic IP)."
            review.notes.append(f"Stops and starts instance `{change.name}` (the web server is down meanwhile): "
                                f"{why}.{address}")
            losing += instance_store_loss(change, base_res[change.logical_id], "is stopped and started")
        if change.type == "AWS::EC2::EIP" and change.action == "remove":
            losing.append(f"Elastic IP `{change.name}` is released: its address is gone for good.")
        bold, plain = site.lines(change)
        cutting += bold
        review.notes += plain
        bold, plain = edge_lines(change, base_res, head_res)
        cutting += bold
        review.notes += plain
        iam += iam_lines(change, base_res, head_res)

    def kind(logical_id: str) -> str:
        return (head_res.get(logical_id) or base_res.get(logical_id) or {}).get("Type", "IAM identity").split("::")[-1]

    iam += iam_facts(engine, summarizer, kind, region)
    named = summarizer.named  # ${LogicalId.GroupId} (a peer group) as `cdk diff` names it: its construct path
    widen, narrow = ([named(line) for line in lines] for lines in network_lines(engine, summarizer.name, head_res))
    for change in review.changes:
        if change.type in ("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"):
            change.reasons = [named(reason) for reason in change.reasons]
    refused = refusals(base, head)
    if not refused:  # a refused update changes nothing, so nothing of it can fail
        failing += device_conflicts(summarizer, review.changes) + volumes_in_use(summarizer, review.changes)
        failing += site.failures()
    review.flags = refused + failing + replacing + rolling + cutting + losing + widen + iam
    review.notes += narrow + site.notes()
    review.cost = cost_change(base, head, region=region, prices=prices)
    return review


def cost_change(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]], *, region: str,
                prices: Optional[Prices] = None) -> list[str]:
    """Plain lines: the monthly cost before and after, running, stopped and after destroy."""
    try:
        prices = prices or Prices.load()
        before = estimate_template(base or {}, region=region, prices=prices)
        after = estimate_template(head or {}, region=region, prices=prices)
    except CostError as error:
        return [f"Cost: not estimated: {error}."]
    parts = []
    for label, attribute in (("while running", "monthly"), ("while stopped", "stopped_monthly"),
                             ("after `cdk destroy`", "after_destroy_monthly")):
        old, new = getattr(before, attribute), getattr(after, attribute)
        delta = new - old
        change = "no change" if money(delta) in ("$0.00", "$-0.00") else \
            ("+" if delta > 0 else "-") + money(abs(delta))
        parts.append(f"{label} {money(old)} to {money(new)} a month ({change})")
    return [f"Cost ({region}, `{PRICES_SHOWN}`): " + "; ".join(parts) + "."]


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
