"""AWS Backup: a vault's EBS snapshot storage for what its plans' selections cover (each backup after the first
stores an assumed share of changed data; kept as the plan's lifecycle says, and still there after destroy while the
vault is retained)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Optional

from cost_model import cron
from cost_model.builder import UNEXPIRED_DAYS, Builder, literal_number
from cost_model.services.ec2 import volume_size
from cost_model.templates import properties, references, resources
from cost_model.words import plain

# What a plan stores is counted on its vault.
FREE = frozenset({"AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection"})


def vault(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    rules = [(plan_id, rule) for plan_id, plan in sorted(resources(b.template, "AWS::Backup::BackupPlan").items())
             for rule in (properties(plan).get("BackupPlan") or {}).get("BackupPlanRule") or []
             if logical_id in references(rule.get("TargetBackupVault"))]
    if not rules:
        b.notes.append(f"{name}: no backup plan here stores in it; an empty vault costs nothing")
        return
    share = b.assumptions.backup_changed_share
    for plan_id, rule in rules:
        expression = rule.get("ScheduleExpression") or "cron(0 5 ? * * *)"  # AWS Backup's default: daily 05:00
        try:
            per_day = cron.fires_per_day(cron.parse_aws(expression), rule.get("ScheduleExpressionTimezone", "UTC"))
        except cron.CronError as error:
            b.notes.append(f"not priced: {name}: backup rule {rule.get('RuleName', '?')} ({error})")
            continue
        delete_after = (rule.get("Lifecycle") or {}).get("DeleteAfterDays")
        days = int(literal_number(delete_after, f"{name}.DeleteAfterDays")) if delete_after is not None \
            else UNEXPIRED_DAYS
        if (rule.get("Lifecycle") or {}).get("MoveToColdStorageAfterDays") is not None:
            b.notes.append(f"{name}: cold storage is priced as warm storage here (an upper bound)")
        points = max(1, math.ceil((per_day * days).quantize(Decimal('0.000001'))))  # not 2.0000...1 -> 3
        kept = f"deleted after {days} days" if delete_after is not None else \
            f"never deleted (no DeleteAfterDays; priced at {UNEXPIRED_DAYS} days' worth)"
        after = ("; the vault is retained: after cdk destroy they stay until each is deleted"
                 f"{f', at most {days} days later' if delete_after is not None else ''}") if retained else ""
        for source, gb, unknown in backed_up(b, plan_id, name):
            stored = (gb * (1 + (points - 1) * share)).quantize(Decimal("0.01"))
            whole = f"{plain(gb)} GB" + (" and a restored volume of unknown size" if unknown and gb else
                                         " of unknown size" if unknown else "")
            b.line(name, f"EBS snapshot backups of {source}: {points} recovery points kept ({expression}, "
                         f"{kept}); the first stores the whole {whole} at most, each next one "
                         f"{plain(share * 100)}% of it (changed data, assumed){after}",
                   stored, "GB", b.region.usd("backup_ebs_gb_month"), "month", stopped=True,
                   after_destroy=retained, unknown=unknown)


def backed_up(b: Builder, plan_id: str, vault_name: str) -> list[tuple[str, Decimal, Optional[str]]]:
    """What a plan's selections cover: each instance (an AMI with all its EBS volumes) and each data volume, with its
    size in GB and what is unknown of it (a volume restored from a snapshot without a size)."""
    instances, volumes = resources(b.template, "AWS::EC2::Instance"), resources(b.template, "AWS::EC2::Volume")
    covered: set[str] = set()
    for selection in resources(b.template, "AWS::Backup::BackupSelection").values():
        props = properties(selection)
        if plan_id not in references(props.get("BackupPlanId")):
            continue
        chosen = props.get("BackupSelection") or {}
        for condition in chosen.get("ListOfTags") or []:
            key, value = condition.get("ConditionKey"), condition.get("ConditionValue")
            if key == "aws:cloudformation:stack-name" and (not b.stack or value == b.stack):
                covered |= set(instances) | set(volumes)
            else:
                covered |= {k for k, r in {**instances, **volumes}.items()
                            if {"Key": key, "Value": value} in (properties(r).get("Tags") or [])}
        listed = chosen.get("Resources") or []
        if "*" in listed:
            covered |= set(instances) | set(volumes)
        covered |= references(listed) & (set(instances) | set(volumes))
        if chosen.get("NotResources") or chosen.get("Conditions"):
            b.notes.append(f"{vault_name}: the selection's NotResources/Conditions are not applied here "
                           "(priced as if they excluded nothing)")
    attached: dict[str, list[str]] = {}
    for attachment in resources(b.template, "AWS::EC2::VolumeAttachment").values():
        props = properties(attachment)
        for instance in references(props.get("InstanceId")):
            attached.setdefault(instance, []).extend(sorted(references(props.get("VolumeId")) & set(volumes)))
    found = []
    for logical_id in sorted(covered & set(instances), key=b.names.get):
        props = properties(instances[logical_id])
        data = [volume_size(m["Ebs"], "VolumeSize", b.names[logical_id]) for m in props.get("BlockDeviceMappings") or []
                if {"VolumeSize", "SnapshotId"} & set(m.get("Ebs") or {})]
        data += [volume_size(properties(volumes[v]), "Size", b.names[v]) for v in attached.get(logical_id, [])]
        with_data = f" and {len(attached[logical_id])} attached data volume(s)" if attached.get(logical_id) else ""
        found.append((f"{b.names[logical_id]} (an AMI: its root volume{with_data})",
                      sum((size for size, _ in data), Decimal(0)),
                      "; ".join(unknown for _, unknown in data if unknown) or None))
    for logical_id in sorted(covered & set(volumes), key=b.names.get):
        found.append((b.names[logical_id], *volume_size(properties(volumes[logical_id]), "Size", b.names[logical_id])))
    if any(attached.get(i) for i in covered & set(instances)) and covered & set(volumes):
        b.notes.append(f"{vault_name}: data volumes are backed up twice, in their instance's AMI and on their "
                       "own: counted twice (an upper bound, if EBS stores one set incrementally to the other)")
    return found

# Schedules: when the instances and groups run


PRICED = {"AWS::Backup::BackupVault": vault}
