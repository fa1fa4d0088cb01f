"""A snapshot of a volume encrypted with a customer managed key keeps that key (EBS user guide, "Amazon EBS
encryption"): `make audit` reads it to tell which key a kept snapshot needs."""

from __future__ import annotations

from emulator import Emulator


def test_a_snapshot_of_an_encrypted_volume_carries_its_key(target: Emulator) -> None:
    key = target.client("kms").create_key()["KeyMetadata"]["Arn"]
    ec2 = target.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, Encrypted=True, KmsKeyId=key)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    (described,) = ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"]
    assert (described["Encrypted"], described.get("KmsKeyId")) == (True, key)
