"""Price one synthesized template: each resource by its service's pricing function (cost_model/services/)."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.builder import Builder
from cost_model.lines import Estimate
from cost_model.prices import Assumptions, Prices
from cost_model.services import AFTER, BEFORE, FREE_TYPES, PRICERS
from cost_model.templates import RETAINED_POLICIES


def build(builder: Builder) -> None:
    """Every resource's lines, in display-name order, between the services' before and after steps."""
    for step in BEFORE:  # the schedules first: their own lines say how often they fire
        step(builder)
    for logical_id in sorted(builder.resources, key=builder.names.__getitem__):
        resource = builder.resources[logical_id]
        kind = resource.get("Type", "")
        price = PRICERS.get(kind)
        if price is not None:
            price(builder, logical_id, builder.names[logical_id], resource,
                  resource.get("DeletionPolicy") in RETAINED_POLICIES)
        elif kind not in FREE_TYPES:
            builder.not_priced(builder.names[logical_id], kind)
    for step in AFTER:
        step(builder)
    # One resource's lines together, resources in name order (each resource's own order kept).
    builder.lines.sort(key=lambda line: line.resource)


def estimate_template(template: dict[str, Any], *, region: str, prices: Prices, stack: str = "",
                      assumptions: Optional[Assumptions] = None, stack_region: Optional[str] = None) -> Estimate:
    """Price one synthesized template in ``region``. Raises CostError for anything it cannot price."""
    region_prices = prices.region(region)
    builder = Builder(template, region_prices, prices.hours_per_month, assumptions or prices.assumptions(), stack)
    build(builder)
    return Estimate(stack=stack, region=region, region_name=region_prices.name, lines=builder.lines,
                    notes=builder.notes, stack_region=stack_region if stack_region != region else None,
                    running_shares=builder.running_shares, schedules=builder.schedules)
