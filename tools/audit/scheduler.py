"""Amazon EventBridge Scheduler in the audit: schedules named ``<stack>-...`` (schedules cannot carry tags)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tools.audit.report import Finding


def schedules(scheduler: Any, region: str, stack_name: str | None) -> list[Finding]:
    """EventBridge Scheduler schedules named <stack>-...: cdk destroy deletes them; one left behind costs nothing
    but keeps acting (stopping and starting whatever instances it names)."""
    if not stack_name:
        return []
    findings = []
    for page in scheduler.get_paginator("list_schedules").paginate(NamePrefix=f"{stack_name}-"):
        for schedule in page["Schedules"]:
            name, group = schedule["Name"], schedule.get("GroupName", "default")
            action = str((schedule.get("Target") or {}).get("Arn", "?")).rsplit(":", 1)[-1]
            findings.append(Finding(
                "schedule", name, f"{schedule.get('State', '?')}, calls {action}, group {group} (cdk destroy deletes "
                                  "it; free, but it keeps acting)", monthly=Decimal(0),
                remove=(f"aws scheduler delete-schedule --name {name} --group-name {group} --region {region}",)))
    return findings
