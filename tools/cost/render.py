"""`make cost`'s Markdown: one table per stack, what it costs while stopped, with the schedule and after destroy."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from cost_model.lines import Estimate, Line
from cost_model.prices import PRICES_SHOWN, Prices
from cost_model.words import counted, money, unit_price


def quantity(line: Line) -> str:
    unit = line.unit
    if unit in COUNTED_UNITS and line.quantity != 1:
        unit += "es" if unit.endswith("ss") else "s"
    if line.unknown:  # what the template does not say: "? GB (the size of snapshot snap-..., unknown offline)"
        return f"{f'{counted(line.quantity)} {unit} + ' if line.quantity else ''}? {line.unit} ({line.unknown})"
    return f"{counted(line.quantity)} {unit}"


def cost(value: Decimal, line: Line, places: int = 2) -> str:
    """A line's cost; `+ ?` when part of its quantity is unknown."""
    return money(value, places) + (" + ?" if line.unknown else "")


# Units counted in whole things (pluralized); the others (GB, IOPS, MiB/s, LCU) are measures.
COUNTED_UNITS = ("instance", "address", "metric", "alarm", "load balancer", "request", "key", "notification",
                 "invocation", "budget", "certificate", "record", "hosted zone")
# Units billed each time they happen (or per GB as it comes in), not per unit kept for an hour or a month.
EVENT_UNITS = ("request", "notification", "invocation", "GB ingested", "million queries")


def _per(line: Line) -> str:
    if line.unit in EVENT_UNITS:
        return f"{unit_price(line.price)} per {line.unit}"
    return f"{unit_price(line.price)} per {line.unit}-{line.per}"


def _plus(estimate: Estimate, phase: str = "running") -> str:
    """` + ?` after a total that leaves out what is unknown offline."""
    return " + ?" if estimate.unknowns(phase) else ""


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def render_schedule(estimate: Estimate) -> list[str]:
    """The month with the schedule applied: what it scales, line by line, and the total."""
    scaled = [line for line in estimate.lines if line.running and line.follows in estimate.running_shares]
    out = ["", f"#### The month with the schedule: {money(estimate.scheduled_monthly)}", ""]
    out += [f"- {schedule}." for schedule in estimate.schedules]
    out += ["- Scaled by the share of the time they run: instance hours, auto-assigned public IPv4 addresses, "
            "metrics and logs (and a group's instances with their volumes, which scaling in terminates); EBS "
            "volumes of stopped instances, Elastic IPs, load balancers, alarms, keys, backups and the rest stay as "
            "they are.", "",
            "| resource | item | runs | per month | with the schedule |", "|---|---|---:|---:|---:|"]
    for line in scaled:
        out.append(f"| {line.resource} | {line.item} | {_percent(estimate.running_shares[line.follows or ''])} | "
                   f"{money(line.monthly)} | {money(estimate.with_schedule(line))} |")
    out.append(f"| **total with the schedule** | | | **{money(estimate.monthly)}** | "
               f"**{money(estimate.scheduled_monthly)}** |")
    return out


def render_estimate(estimate: Estimate) -> str:
    out = [f"### Cost of {estimate.stack} in {estimate.region} ({estimate.region_name})", ""]
    if estimate.stack_region:
        out += [f"Priced in {estimate.region} as asked; the stack itself is synthesized for {estimate.stack_region} "
                "(the same resources: prices differ by region, the template does not).", ""]
    running = [line for line in estimate.lines if line.running]
    out += ["| resource | item | quantity | unit price | per hour | per month |",
            "|---|---|---:|---:|---:|---:|"]
    for line in running:
        out.append(f"| {line.resource} | {line.item} | {quantity(line)} | {_per(line)} | "
                   f"{cost(line.hourly, line, 4)} | {cost(line.monthly, line)} |")
    hourly, monthly = estimate.total("running")
    out.append(f"| **total while running** | | | | **{money(hourly, 4)}{_plus(estimate)}** | "
               f"**{money(monthly)}{_plus(estimate)}** |")
    out.append("")
    for line in estimate.unknowns():
        out.append(f"- **Not in the totals:** {line.resource}: {line.unknown}, at {_per(line)} "
                   "(`aws ec2 describe-snapshots --snapshot-ids ...` shows a snapshot's VolumeSize).")
    stopped_hourly, stopped_monthly = estimate.total("stopped")
    out.append(f"- **While stopped: {money(stopped_monthly)}{_plus(estimate, 'stopped')} a month** "
               f"({money(stopped_hourly, 4)} an hour): EBS "
               "volumes, Elastic IPs, load balancers, stored logs and backups, keys, alarms and DNS queries keep "
               "costing; instance hours, auto-assigned addresses, metrics and log ingestion stop (an Auto Scaling "
               "group's instances are not stopped but scaled in: counted as stopping).")
    if estimate.running_shares:
        out.append(f"- **With the schedule: {money(estimate.scheduled_monthly)} a month** "
                   f"({money(estimate.monthly - estimate.scheduled_monthly)} less than running all month): "
                   + "; ".join(estimate.schedules) + " (details below).")
    left = [line for line in estimate.lines if line.after_destroy]
    if left and estimate.after_destroy_monthly == 0 and not estimate.unknowns("after_destroy"):
        out.append("- After `cdk destroy`: nothing left that costs money; left at no cost:")
        for line in left:
            out.append(f"  - {line.resource}: {line.item}")
    elif left:
        out.append(f"- **After `cdk destroy`: {money(estimate.after_destroy_monthly)}{_plus(estimate, 'after_destroy')} "
                   "a month** until you delete what is left:")
        for line in left:
            out.append(f"  - {line.resource}: {line.item}, {quantity(line)} at {_per(line)}: {cost(line.monthly, line)}")
    else:
        out.append("- After `cdk destroy`: nothing left that costs money.")
    for note in estimate.notes:
        out.append(f"- Note: {note}.")
    if estimate.running_shares:
        out += render_schedule(estimate)
    return "\n".join(out)


def render_markdown(estimates: Sequence[Estimate], prices: Prices, said: Sequence[str] = ()) -> str:
    """The whole estimate; ``said``: lines to read before the stacks' tables (why a region is priced)."""
    parts = ["## Cost estimate", "",
             f"On-Demand list prices in USD from `{PRICES_SHOWN}` (figures checked {', '.join(prices.checked_dates())}); "
             f"a month is {prices.hours_per_month} hours. Not included: data transfer, the free tier, taxes, "
             "snapshots you take yourself. Each instance is assumed to get a public IPv4 address from its "
             "subnet (every default VPC's public subnets assign one).", ""]
    parts += [*said, ""] if said else []
    for estimate in estimates:
        parts += [render_estimate(estimate), ""]
    return "\n".join(parts).rstrip() + "\n"
