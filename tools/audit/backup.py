"""AWS Backup in the audit: vaults and their recovery points, intended leftovers (the vault is retained on purpose),
each with its size, its monthly cost and the command that deletes it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import GIB, belongs, gibibytes, price
from tools.audit.report import Finding


def backup_vaults(backup: Any, region: str, prices: Optional[RegionPrices], tag_key: str, tag_value: str,
                  stack_name: str | None) -> list[Finding]:
    """Vaults with the tag (or named after the stack: CDK names a vault after its stack and path), each followed by
    its recovery points: intended leftovers (the vault is retained on purpose), with sizes, costs and commands."""
    findings = []
    for page in backup.get_paginator("list_backup_vaults").paginate():
        for vault in page["BackupVaultList"]:
            name = vault["BackupVaultName"]
            tags = [{"Key": k, "Value": v}
                    for k, v in backup.list_tags(ResourceArn=vault["BackupVaultArn"]).get("Tags", {}).items()]
            if not (belongs(tags, tag_key, tag_value, stack_name) or (stack_name and name.startswith(stack_name))):
                continue
            # A vault AWS counts as empty is not listed (one call less; AWS refuses to delete a vault that still
            # holds recovery points, so trusting the count loses nothing).
            points = [] if vault.get("NumberOfRecoveryPoints") == 0 else [
                point for points_page in backup.get_paginator("list_recovery_points_by_backup_vault").paginate(
                    BackupVaultName=name) for point in points_page["RecoveryPoints"]]
            size = sum((Decimal(p.get("BackupSizeInBytes", 0)) for p in points), Decimal(0)) / GIB
            prefix = f"aws backup delete-recovery-point --backup-vault-name {name} --recovery-point-arn"
            commands = tuple(f"{prefix} {p['RecoveryPointArn']} --region {region}" for p in points)
            findings.append(Finding(
                "backup-vault", name,
                f"{len(points)} recovery point(s), {gibibytes(size)} GiB (kept on purpose: retained by cdk destroy)"
                + (", locked" if vault.get("Locked") else ""),
                intended=True, monthly=price(prices, "backup_ebs_gb_month", size),
                remove=(*commands, f"aws backup delete-backup-vault --backup-vault-name {name} --region {region}")))
            for point, command in zip(points, commands, strict=True):
                gib = Decimal(point.get("BackupSizeInBytes", 0)) / GIB
                lifecycle = point.get("CalculatedLifecycle") or {}
                until = f", deleted by its lifecycle on {lifecycle['DeleteAt']:%Y-%m-%d}" if lifecycle.get("DeleteAt") \
                    else ", kept until you delete it"
                made = f", made {point['CreationDate']:%Y-%m-%d}" if point.get("CreationDate") else ""
                source = str(point.get("ResourceArn", "?")).rsplit("/", 1)[-1]
                findings.append(Finding(
                    "recovery-point", point["RecoveryPointArn"],
                    f"{point.get('ResourceType', '?')} {source}, {gibibytes(gib)} GiB at most, {point.get('Status', '?')}"
                    f"{made}{until} (in vault {name})",
                    intended=True, monthly=price(prices, "backup_ebs_gb_month", gib), remove=(command,)))
    return findings
