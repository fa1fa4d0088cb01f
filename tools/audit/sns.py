"""Amazon SNS in the audit: topics with the tag."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tools.audit.common import NOT_OURS, belongs, error_code
from tools.audit.report import Finding


def topics(sns: Any, region: str, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """SNS topics with the tag: cdk destroy deletes them (and their subscriptions)."""
    findings = []
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page["Topics"]:
            arn = topic["TopicArn"]
            try:
                tags = sns.list_tags_for_resource(ResourceArn=arn).get("Tags", [])
            except sns.exceptions.ClientError as error:
                if error_code(error) in NOT_OURS:
                    continue
                raise
            if not belongs(tags, tag_key, tag_value, stack_name):
                continue
            subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn).get("Subscriptions", [])
            findings.append(Finding(
                "sns-topic", arn, f"{len(subscriptions)} subscription(s) (cdk destroy deletes it)", monthly=Decimal(0),
                remove=(f"aws sns delete-topic --topic-arn {arn} --region {region}",)))
    return findings
