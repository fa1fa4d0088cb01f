"""EC2 security groups in the review: the engine's rule changes, group by group, as access widened (bold) or
narrowed (plain)."""

from __future__ import annotations

from typing import Any

from tools import cfn_diff
from tools.templates import SecurityGroupRule


def network_lines(engine: cfn_diff.TemplateDiff, name: Any, head: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
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
