"""AWS KMS in the audit: keys with the tag. Pending deletion is what ``cdk destroy`` leaves (fine, not billed); a key
that kept data in the region still needs (a snapshot, a volume, a backup vault) is an intended leftover, to schedule
for deletion once that data is removed; any other is left behind."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import NOT_OURS, belongs, error_code, price
from tools.audit.report import Finding

# What data in the region each key encrypts: key id -> ["snapshot snap-...", "volume vol-...", "backup vault ..."].
KeyUsers = dict[str, list[str]]


def key_id(arn: str) -> str:
    """A key's id from the ARN EC2 and AWS Backup give (arn:aws:kms:<region>:<account>:key/<id>)."""
    return arn.rsplit(":key/", 1)[-1]


def encrypted_data(ec2: Any, backup: Any, account: str) -> KeyUsers:
    """The account's snapshots and the volumes in the region (EC2 DescribeSnapshots / DescribeVolumes: ``KmsKeyId``,
    the key that encrypts them) and the backup vaults (AWS Backup ListBackupVaults: ``EncryptionKeyArn``, the key
    that encrypts its recovery points): deleting the key would leave each unreadable (AWS KMS API Reference,
    ScheduleKeyDeletion: "When a KMS key is deleted, all data that was encrypted under the KMS key is
    unrecoverable"). Every such resource counts, tagged or not: the data needs the key whoever made it."""
    users: KeyUsers = {}
    # The owner-id filter first, as tools/audit/ec2.py's snapshots() does (the emulator ignores OwnerIds).
    for page in ec2.get_paginator("describe_snapshots").paginate(
            OwnerIds=["self"], Filters=[{"Name": "owner-id", "Values": [account]}]):
        for snapshot in page["Snapshots"]:
            if snapshot.get("KmsKeyId"):
                users.setdefault(key_id(snapshot["KmsKeyId"]), []).append(f"snapshot {snapshot['SnapshotId']}")
    for page in ec2.get_paginator("describe_volumes").paginate():
        for volume in page["Volumes"]:
            if volume.get("KmsKeyId"):
                users.setdefault(key_id(volume["KmsKeyId"]), []).append(f"volume {volume['VolumeId']}")
    for page in backup.get_paginator("list_backup_vaults").paginate():
        for vault in page["BackupVaultList"]:
            if vault.get("EncryptionKeyArn"):
                users.setdefault(key_id(vault["EncryptionKeyArn"]), []).append(
                    f"backup vault {vault['BackupVaultName']}")
    return users


def kms_keys(kms: Any, region: str, prices: Optional[RegionPrices], tag_key: str, tag_value: str,
             stack_name: str | None, data: Optional[Callable[[], KeyUsers]] = None) -> list[Finding]:
    """Keys with the tag: pending deletion is what cdk destroy leaves (fine, and not billed); enabled or disabled,
    a key that kept data still uses (``data``, looked up only when such a key is found) is kept on purpose, with its
    monthly fee and the command to run after that data is removed; any other was left behind."""
    findings = []
    users: Optional[KeyUsers] = None
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            try:
                tags = kms.list_resource_tags(KeyId=key["KeyId"]).get("Tags", [])
            except kms.exceptions.ClientError as error:
                if error_code(error) in NOT_OURS:
                    continue  # another service's or account's key we may not read
                raise
            pairs = [{"Key": tag["TagKey"], "Value": tag["TagValue"]} for tag in tags]
            if not belongs(pairs, tag_key, tag_value, stack_name):
                continue
            meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            state = meta.get("KeyState", "?")
            if state in ("PendingDeletion", "PendingReplicaDeletion"):
                when = f" until {meta['DeletionDate']:%Y-%m-%d}" if meta.get("DeletionDate") else ""
                findings.append(Finding(
                    "kms-key", key["KeyId"], f"pending deletion{when}: fine, cdk destroy schedules it and AWS KMS "
                                             "deletes it then (not billed meanwhile)", intended=True, monthly=Decimal(0)))
                continue
            if users is None:
                users = data() if data is not None else {}
            monthly = price(prices, "kms_key_month", Decimal(1))
            data_users = users.get(key["KeyId"])
            if data_users:
                findings.append(Finding(
                    "kms-key", key["KeyId"],
                    f"{state}, kept: {', '.join(data_users)} in the region {'use' if len(data_users) > 1 else 'uses'} "
                    "it (deleting the key would leave that data unreadable); schedule its deletion once it is removed",
                    intended=True, monthly=monthly,
                    remove=(f"aws kms schedule-key-deletion --key-id {key['KeyId']} --pending-window-in-days 30 "
                            f"--region {region}",)))
            else:
                findings.append(Finding(
                    "kms-key", key["KeyId"], f"{state} (cdk destroy schedules its deletion)", monthly=monthly,
                    remove=(f"aws kms schedule-key-deletion --key-id {key['KeyId']} --pending-window-in-days 7 "
                            f"--region {region}",)))
    return findings
