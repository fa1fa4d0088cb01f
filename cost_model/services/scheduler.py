"""Amazon EventBridge Scheduler, and when the instances and groups run: a schedule's invocations (within the free
14 million a month), and the share of the time each scheduled instance or group runs (EventBridge Scheduler's
ec2:stopInstances / startInstances, Auto Scaling's scheduled actions to zero and back; cost_model/cron.py
simulates them), which scales what follows their running time (Estimate.with_schedule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model import cron
from cost_model.builder import Builder
from cost_model.templates import properties, references, render_value, resources

INVOCATIONS = "scheduler.invocations"  # the builder's state: a schedule's logical id -> its invocations a month


def schedule(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """An EventBridge Scheduler schedule: its invocations, within the free allowance."""
    free = b.region.free_per_month("scheduler_invocation")
    invocations = b.state.get(INVOCATIONS, {}).get(logical_id)
    said = f"{invocations.quantize(Decimal('0.1'))} invocations a month" if invocations is not None else \
        "its invocations"
    billed = max(Decimal(0), invocations - free) if invocations is not None else Decimal(0)
    b.line(name, f"EventBridge Scheduler: {said}, within the first {free:,} a month that are free",
           billed, "invocation", b.region.usd("scheduler_invocation"), "month", stopped=True)

def before(b: Builder) -> None:
    """The share of the time each scheduled instance or group runs (EventBridge Scheduler's stopInstances /
    startInstances, Auto Scaling's scheduled actions to zero and back), and each schedule's invocations."""
    instances = set(resources(b.template, "AWS::EC2::Instance"))
    groups = set(resources(b.template, "AWS::AutoScaling::AutoScalingGroup"))
    plans: dict[frozenset[str], tuple[list[tuple[cron.Cron, str]], list[tuple[cron.Cron, str]]]] = {}
    for logical_id, resource in sorted(b.resources.items(), key=lambda item: b.names[item[0]]):
        kind, props, name = resource.get("Type"), properties(resource), b.names[logical_id]
        if kind == "AWS::Scheduler::Schedule":
            expression, tz = props.get("ScheduleExpression"), props.get("ScheduleExpressionTimezone") or "UTC"
            action = render_value((props.get("Target") or {}).get("Arn"))
            direction = "stop" if action.endswith("ec2:stopInstances") else \
                "start" if action.endswith("ec2:startInstances") else None
            targets = frozenset(references((props.get("Target") or {}).get("Input")) & instances)
            if not (isinstance(expression, str) and expression.startswith("cron(")):
                if direction:
                    b.notes.append(f"{name}: only cron(...) schedules are simulated, not {expression!r}")
                continue
            try:
                parsed = cron.parse_aws(expression)
                b.state.setdefault(INVOCATIONS, {})[logical_id] = cron.fires_per_day(parsed, tz) * b.hours / 24
            except cron.CronError as error:
                b.notes.append(f"{name}: schedule not simulated ({error})")
                continue
            if props.get("State") == "DISABLED":
                b.notes.append(f"{name} is disabled: not applied")
                continue
        elif kind == "AWS::AutoScaling::ScheduledAction":
            expression, tz = props.get("Recurrence"), props.get("TimeZone") or "UTC"
            targets = frozenset(references(props.get("AutoScalingGroupName")) & groups)
            if not isinstance(expression, str):
                b.notes.append(f"{name}: a scheduled action without Recurrence (one-off) is not applied")
                continue
            try:
                parsed = cron.parse_unix(expression)
            except cron.CronError as error:
                b.notes.append(f"{name}: schedule not simulated ({error})")
                continue
            desired, low, high = (props.get(key) for key in ("DesiredCapacity", "MinSize", "MaxSize"))
            direction = "stop" if desired == 0 or high == 0 else \
                "start" if (desired or 0) > 0 or (low or 0) > 0 else None
        else:
            continue
        if direction and targets:
            stops, starts = plans.setdefault(targets, ([], []))
            (stops if direction == "stop" else starts).append((parsed, tz))
    for targets, (stops, starts) in sorted(plans.items(), key=lambda item: sorted(item[0])):
        try:
            share = cron.running_share(stops=stops, starts=starts)
        except cron.CronError as error:
            b.notes.append(f"schedule not simulated ({error})")
            continue
        names = sorted(b.names[t] for t in targets)
        for target in names:
            b.running_shares[target] = share.fraction
        zones = sorted({tz for _, tz in (*stops, *starts)})
        b.schedules.append(
            f"{', '.join(names)} {'run' if len(names) > 1 else 'runs'} {share.describe()}: stopped at "
            f"{' / '.join(c.text for c, _ in stops) or 'never'}, started at "
            f"{' / '.join(c.text for c, _ in starts) or 'never'} ({', '.join(zones)})")


PRICED = {"AWS::Scheduler::Schedule": schedule}
