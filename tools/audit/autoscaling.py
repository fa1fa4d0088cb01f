"""Amazon EC2 Auto Scaling in the audit: groups with the tag, and their instances."""

from __future__ import annotations

from typing import Any

from tools.audit.common import belongs
from tools.audit.report import Finding


def auto_scaling(autoscaling: Any, tag_key: str, tag_value: str, stack_name: str | None,
                 known_instances: set[str]) -> list[Finding]:
    """Auto Scaling groups with the tag, and their instances (those the instance search has not found already)."""
    findings = []
    for page in autoscaling.get_paginator("describe_auto_scaling_groups").paginate():
        for group in page["AutoScalingGroups"]:
            if not belongs(group.get("Tags"), tag_key, tag_value, stack_name):
                continue
            name = group["AutoScalingGroupName"]
            instances = group.get("Instances") or []
            findings.append(Finding("auto-scaling-group", name,
                                    f"{len(instances)} instance(s), {group.get('MinSize')} to {group.get('MaxSize')}"
                                    + (", being deleted" if group.get("Status") else "")))
            for instance in instances:
                if instance["InstanceId"] not in known_instances:
                    findings.append(Finding("instance", instance["InstanceId"],
                                            f"{instance.get('LifecycleState', '?')}, {instance.get('InstanceType', '?')}"
                                            f", in group {name}"))
    return findings
