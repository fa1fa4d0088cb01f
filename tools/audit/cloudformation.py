"""AWS CloudFormation in the audit: the stack itself, if it still exists."""

from __future__ import annotations

from typing import Any

from tools.audit.common import unique
from tools.audit.report import Finding


def stacks(cloudformation: Any, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    stacks: list[dict[str, Any]] = []
    if stack_name:
        try:
            stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        except cloudformation.exceptions.ClientError as error:
            if "does not exist" not in str(error):
                raise
    for page in cloudformation.get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            tags = {t["Key"]: t["Value"] for t in stack.get("Tags", [])}
            if tags.get(tag_key) == tag_value:
                stacks.append(stack)
    return [
        Finding("stack", s["StackName"], s["StackStatus"])
        for s in unique(stacks, "StackId")
        if s["StackStatus"] != "DELETE_COMPLETE"
    ]
