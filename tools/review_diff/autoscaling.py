"""Amazon EC2 Auto Scaling in the review: a group whose launch template (or subnets) change replaces its instances
as its UpdatePolicy says (rolling batch by batch, or all at once), although its own template text may not change."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.templates import properties, references, resources
from tools.review_diff.model import GROUP, LAUNCH_TEMPLATE, Change, Reviewed

# What triggers an Auto Scaling group's AutoScalingReplacingUpdate/AutoScalingRollingUpdate policy (UpdatePolicy
# attribute reference: a change of the group's LaunchConfiguration, VPCZoneIdentifier or LaunchTemplate). A launch
# template whose data changes gets a new version, and the group's LaunchTemplate names its LatestVersionNumber.
GROUP_ROLLING_PROPERTIES = ("LaunchTemplate", "LaunchConfigurationName", "VPCZoneIdentifier", "MixedInstancesPolicy")
# The AutoScalingRollingUpdate defaults (same reference): one at a time, none kept in service, no pause.
ROLLING_DEFAULTS = {"MaxBatchSize": 1, "MinInstancesInService": 0}


def rolling_updates(summarizer: Reviewed, changes: dict[str, Change]) -> None:
    """An Auto Scaling group whose launch template (or subnets) change replaces its instances as its UpdatePolicy
    says, although the group's own template text may not change (it names the template's latest version)."""
    for group_id, group in resources({"Resources": summarizer.head}, GROUP).items():
        own = changes.get(group_id)
        if own is not None and own.action in ("add", "replace"):
            continue  # a new group starts new instances anyway
        what = []
        if own is not None:
            what += [reason for prop, reason in own.properties.items() if prop in GROUP_ROLLING_PROPERTIES]
        # Its own launch template, or the one its MixedInstancesPolicy names.
        template = properties(group).get("LaunchTemplate") or properties(group).get("MixedInstancesPolicy") or {}
        for target in sorted(references(template)):
            change = changes.get(target)
            if change is not None and change.type == LAUNCH_TEMPLATE and change.action in ("update", "replace"):
                what += [f"launch template `{change.name}`: {reason}" for reason in change.reasons]
        if not what:
            continue
        if own is None:
            own = changes[group_id] = Change(group_id, summarizer.name(group_id), GROUP, "update")
        own.rolling = what
        own.reasons.append("its instances are replaced as its UpdatePolicy says")



def rolling_words(change: Change, group: dict[str, Any]) -> tuple[Optional[str], Optional[str]]:
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
