"""Amazon CloudWatch: alarms; the CloudWatch agent's custom metrics (counted from the agent configuration that the
user data writes) and the logs it ships (an assumed volume per instance a month, ``--log-gb``, ingested, then stored
as long as the log groups' RetentionInDays keeps them), per instance or per instance of a group."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Optional

from cost_model.builder import UNEXPIRED_DAYS, Builder, literal_number
from cost_model.services.awslambda import logged_to  # a function's own log group is priced with it
from cost_model.templates import RETAINED_POLICIES, properties, references, render_value, resources
from cost_model.words import plain

# The CloudWatch agent's plugins whose metrics are one per entry of "resources" (a disk, a device, an interface).
AGENT_PER_RESOURCE = ("disk", "diskio", "net", "nvidia_gpu")


def alarm(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    b.line(name, "CloudWatch alarm (standard resolution)", 1, "alarm", b.region.usd("cloudwatch_alarm_month"), "month",
           stopped=True, after_destroy=retained)


def log_group(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """Priced with the instances that ship logs to it (``after``)."""


def after(b: Builder) -> None:
    shipped_to: set[str] = set()
    for logical_id, resource in sorted(resources(b.template, "AWS::EC2::Instance").items(),
                                       key=lambda item: b.names[item[0]]):
        config = _agent_config(properties(resource).get("UserData"))
        if config is not None:
            shipped_to |= agent(b, b.names[logical_id], config, count=1, each="")
    for logical_id, resource in sorted(resources(b.template, "AWS::AutoScaling::AutoScalingGroup").items(),
                                       key=lambda item: b.names[item[0]]):
        props = properties(resource)
        template_ids = references((props.get("LaunchTemplate") or {}).get("LaunchTemplateId")) & set(b.resources)
        if not template_ids:
            continue
        data = properties(b.resources[next(iter(template_ids))]).get("LaunchTemplateData") or {}
        config = _agent_config(data.get("UserData"))
        if config is not None:
            low = int(literal_number(props.get("MinSize"), f"{b.names[logical_id]}.MinSize"))
            shipped_to |= agent(b, b.names[logical_id], config, count=low, each=" of each instance")
    for function in resources(b.template, "AWS::Lambda::Function").values():
        shipped_to |= logged_to(function)
    for logical_id in sorted(set(resources(b.template, "AWS::Logs::LogGroup")) - shipped_to, key=b.names.get):
        b.notes.append(f"not priced: {b.names[logical_id]} (AWS::Logs::LogGroup: nothing in this template "
                       "ships logs to it; its cost depends on what does)")


def agent(b: Builder, source: str, config: dict[str, Any], *, count: int, each: str) -> set[str]:
    """The agent on ``count`` instances of ``source``: its custom metrics, and the logs it ships (an assumed
    volume each, ingested, then stored as long as the log groups keep them). Returns the log groups."""
    metrics = config.get("metrics") if isinstance(config.get("metrics"), dict) else {}
    names = _agent_metrics(metrics, b.notes, source)
    if names:
        namespace = metrics.get("namespace", "CWAgent")
        b.line(source, f"CloudWatch agent's custom metrics{each} ({namespace}: {', '.join(names)})",
               len(names) * count, "metric", b.region.usd("cloudwatch_metric_month"), "month",
               follows=source)
    groups = shipped_log_groups(b, config)
    if not groups:
        return set()
    retentions = [properties(b.resources[g]).get("RetentionInDays") for g in sorted(groups)]
    if any(days is None for days in retentions):
        days = UNEXPIRED_DAYS
        kept = f"a year (a log group without RetentionInDays never expires; assumed {UNEXPIRED_DAYS} days)"
    else:
        days = max(int(literal_number(d, "RetentionInDays")) for d in retentions)
        kept = f"{days} days (RetentionInDays{', the longest of its log groups' if len(set(retentions)) > 1 else ''})"
    retained = any(b.resources[g].get("DeletionPolicy") in RETAINED_POLICIES for g in groups)
    label = _common_path(sorted(b.names[g] for g in groups))  # sorted: a set's order changes from run to run
    gb = b.assumptions.log_gb_month
    listed = ", ".join(sorted(render_value(properties(b.resources[g]).get("LogGroupName", b.names[g]))
                              for g in groups))
    per = " from each instance" if each else ""
    b.line(label, f"logs ingested from {source}: {plain(gb)} GB a month{per}, assumed "
                  f"({len(groups)} log groups: {listed})", gb * count, "GB ingested",
           b.region.usd("logs_ingestion_gb"), "month", follows=source)
    stored = (gb * count * days / 30).quantize(Decimal("0.01"))
    b.line(label, f"logs stored from {source}: kept {kept}; at most (CloudWatch Logs stores them compressed)",
           stored, "GB", b.region.usd("logs_storage_gb_month"), "month", stopped=True,
           after_destroy=retained, follows=source)
    return groups


def shipped_log_groups(b: Builder, config: dict[str, Any]) -> set[str]:
    """The log groups of this template the agent configuration ships files to (by reference or by name)."""
    by_name = {render_value(properties(r).get("LogGroupName")): k
               for k, r in resources(b.template, "AWS::Logs::LogGroup").items() if properties(r).get("LogGroupName")}
    files = (((config.get("logs") or {}).get("logs_collected") or {}).get("files") or {}).get("collect_list") or []
    found = set()
    for entry in files:
        target = str(entry.get("log_group_name", ""))
        logical_id = target[2:-1] if target.startswith("${") and target.endswith("}") else by_name.get(target)
        if logical_id in b.resources and b.resources[logical_id].get("Type") == "AWS::Logs::LogGroup":
            found.add(logical_id)
    return found

# AWS Backup: what a vault stores for the plans that target it


def _common_path(names: Sequence[str]) -> str:
    """``WebServer/Logs`` for ``WebServer/Logs/Boot`` and ``WebServer/Logs/HttpdError``."""
    parts = [name.split("/") for name in names]
    common = []
    for pieces in zip(*parts, strict=False):  # as far as the shortest goes
        if len(set(pieces)) != 1:
            break
        common.append(pieces[0])
    return "/".join(common) or names[0]


def _agent_config(user_data: Any) -> Optional[dict[str, Any]]:
    """The CloudWatch agent's configuration that the user data writes (the first JSON object in it with a
    ``metrics`` or ``logs`` section), or None. References in it read ``${LogicalId}``."""
    if isinstance(user_data, dict) and "Fn::Base64" in user_data:
        user_data = user_data["Fn::Base64"]
    if user_data is None:
        return None
    text = render_value(user_data)
    decoder = json.JSONDecoder()
    index = text.find("{")
    while index != -1:
        try:
            found, _ = decoder.raw_decode(text, index)
        except ValueError:
            found = None
        if isinstance(found, dict) and any(isinstance(found.get(key), dict) for key in ("metrics", "logs")):
            return found
        index = text.find("{", index + 1)
    return None


def _agent_metrics(metrics: dict[str, Any], notes: list[str], source: str) -> list[str]:
    """The custom metrics an agent configuration's ``metrics_collected`` makes per instance, as the agent names
    them (``mem_used_percent``, ``disk_used_percent`` of ``/``): one per measurement, and per resource for the
    plugins that take resources (a disk, a device)."""
    found = []
    for plugin, settings in sorted((metrics.get("metrics_collected") or {}).items()):
        settings = settings if isinstance(settings, dict) else {}
        resources_ = settings.get("resources") if plugin in AGENT_PER_RESOURCE else None
        if resources_ and "*" in resources_:
            notes.append(f"{source}: the agent's {plugin} metrics are per {plugin} resource (\"*\"): counted once")
            resources_ = None
        for measurement in settings.get("measurement") or []:
            metric = measurement if isinstance(measurement, str) else str(measurement.get("name", "?"))
            metric = metric if metric.startswith(f"{plugin}_") else f"{plugin}_{metric}"
            found += [f"{metric} of {where}" for where in resources_] if resources_ else [metric]
    if metrics.get("aggregation_dimensions"):
        notes.append(f"{source}: the agent's aggregation_dimensions add metrics not counted here")
    return found


PRICED = {"AWS::CloudWatch::Alarm": alarm, "AWS::Logs::LogGroup": log_group}
