"""What an estimate is made of: line items (one billable thing each) and one stack's estimate in one region, with
its totals while running, while stopped, after ``cdk destroy`` and with a stop/start schedule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class Line:
    """One billable thing: ``quantity`` units at ``price`` USD per unit per hour or per month."""

    resource: str
    item: str
    quantity: Decimal
    unit: str  # what one unit is: "instance", "GB", "IOPS", "MiB/s", "address", "metric"
    price: Decimal
    per: str  # "hour" or "month"
    hours_per_month: Decimal
    running: bool = True
    stopped: bool = False
    after_destroy: bool = False
    # The instance or group (by display name) whose running time this line's cost follows: a schedule that stops it
    # a share of the time scales this line by that share.
    follows: Optional[str] = None
    # Why the quantity is not known offline (a volume restored without a size takes its snapshot's): the line is
    # counted as 0, says so, and the totals say what they leave out.
    unknown: Optional[str] = None

    @property
    def monthly(self) -> Decimal:
        cost = self.quantity * self.price
        return cost * self.hours_per_month if self.per == "hour" else cost

    @property
    def hourly(self) -> Decimal:
        cost = self.quantity * self.price
        return cost if self.per == "hour" else cost / self.hours_per_month


@dataclass
class Estimate:
    """What one stack costs in one region."""

    stack: str
    region: str
    region_name: str
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stack_region: Optional[str] = None  # the stack's own region, when priced in another one
    # display name of a scheduled instance or group -> the share of the time it runs
    running_shares: dict[str, Decimal] = field(default_factory=dict)
    schedules: list[str] = field(default_factory=list)  # each schedule in words

    def _sum(self, attribute: str, selected: Iterable[Line]) -> Decimal:
        return sum((getattr(line, attribute) for line in selected), Decimal(0))

    def total(self, phase: str = "running") -> tuple[Decimal, Decimal]:
        """(per hour, per month) for ``phase``: running, stopped or after_destroy."""
        selected = [line for line in self.lines if getattr(line, phase)]
        return self._sum("hourly", selected), self._sum("monthly", selected)

    @property
    def monthly(self) -> Decimal:
        return self.total("running")[1]

    def unknowns(self, phase: str = "running") -> list[Line]:
        """The lines of ``phase`` whose quantity is (partly) unknown offline, counted as 0 in its total."""
        return [line for line in self.lines if line.unknown and getattr(line, phase)]

    @property
    def stopped_monthly(self) -> Decimal:
        return self.total("stopped")[1]

    @property
    def after_destroy_monthly(self) -> Decimal:
        return self.total("after_destroy")[1]

    def with_schedule(self, line: Line) -> Decimal:
        """A running line's monthly cost with the schedule applied."""
        share = self.running_shares.get(line.follows or "")
        return line.monthly if share is None else line.monthly * share

    @property
    def scheduled_monthly(self) -> Decimal:
        """The month with the schedule applied (the running month when there is none)."""
        return sum((self.with_schedule(line) for line in self.lines if line.running), Decimal(0))
