"""Amazon SNS: an alarm topic's emails to its subscribers (an assumed number a month, within SNS's free 1,000)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder
from cost_model.words import plain, unit_price

# The emails a subscription receives are counted on its topic.
FREE = frozenset({"AWS::SNS::Subscription", "AWS::SNS::TopicPolicy"})


def topic(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """An SNS topic: the alarm emails it sends, an assumed number, within SNS's free allowance."""
    emails = b.assumptions.alarm_emails_month
    free = b.region.free_per_month("sns_email_notification")
    price = b.region.usd("sns_email_notification")
    b.line(name, f"SNS email notifications: {plain(emails)} a month, assumed, within the first {free:,} a "
                 f"month that are free (then {unit_price(price * 100_000)} per 100,000); its publishes are "
                 "within the first million requests a month that are free",
           max(Decimal(0), emails - free), "notification", price, "month", stopped=True)


PRICED = {"AWS::SNS::Topic": topic}
