"""The builder one template's estimate is made with: the services' pricing functions (cost_model/services/) add
its lines and notes, and read the template, the region's prices and the assumptions from it."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Optional

from cost_model.lines import Line
from cost_model.prices import Assumptions, CostError, RegionPrices
from cost_model.templates import display_name, resources

# How long storage is priced for when nothing expires it (log groups without RetentionInDays, backups without
# DeleteAfterDays): a year's worth, as for a log bucket without an expiry rule.
UNEXPIRED_DAYS = 365


class Builder:
    """Turns one template into line items."""

    def __init__(self, template: dict[str, Any], region: RegionPrices, hours: Decimal,
                 assumptions: Assumptions, stack: str = "") -> None:
        self.template = template
        self.resources = resources(template)
        self.names = {logical_id: display_name(logical_id, resource) for logical_id, resource in self.resources.items()}
        self.region = region
        self.hours = hours
        self.assumptions = assumptions
        self.stack = stack
        self.lines: list[Line] = []
        self.notes: list[str] = []
        self.running_shares: dict[str, Decimal] = {}
        self.schedules: list[str] = []
        # What a service remembers while this template is priced, under its own key (a schedule's invocations, the
        # hosted zones the stack uses but does not create).
        self.state: dict[str, Any] = {}

    def line(self, resource: str, item: str, quantity: Any, unit: str, price: Decimal, per: str, *,
             stopped: bool = False, running: bool = True, after_destroy: bool = False,
             follows: Optional[str] = None, unknown: Optional[str] = None) -> None:
        self.lines.append(Line(resource=resource, item=item, quantity=Decimal(quantity), unit=unit, price=price,
                               per=per, hours_per_month=self.hours, running=running, stopped=stopped,
                               after_destroy=after_destroy, follows=follows, unknown=unknown))

    def not_priced(self, name: str, kind: str) -> None:
        self.notes.append(f"not priced: {name} ({kind})")


# A service's pricing function for one resource type: (builder, logical id, display name, resource, retained).
Pricer = Callable[[Builder, str, str, dict[str, Any], bool], None]


def literal_number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float, str)):
        raise CostError(f"{where} is not a literal number ({json.dumps(value, default=str)[:80]}); cannot price it")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise CostError(f"{where} is not a number ({value!r})") from None


def literal_string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CostError(f"{where} is not a literal value ({json.dumps(value, default=str)[:80]}); cannot price it")
    return value
