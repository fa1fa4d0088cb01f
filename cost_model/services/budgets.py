"""AWS Budgets: a budget without actions."""

from __future__ import annotations

from typing import Any

from cost_model.builder import Builder
from cost_model.words import money, unit_price


def budget(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """An AWS Budgets budget without actions: free in AWS's price list."""
    legacy = b.region.figure("budget_day", "legacy_usd_beyond_two")
    day = b.region.usd("budget_day")
    b.line(name, f"AWS Budgets budget without actions: {unit_price(day)} a budget-day in AWS's price list, "
                 f"assumed to hold (older AWS guides charge {unit_price(legacy)} a day for each budget beyond an "
                 f"account's first two: {money(legacy * b.hours / 24)} a month)",
           1, "budget", day * b.hours / 24, "month", stopped=True)


PRICED = {"AWS::Budgets::Budget": budget}
