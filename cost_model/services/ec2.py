"""Amazon EC2: instances (their hours, root volumes, auto-assigned public IPv4 address, detailed monitoring), EBS
volumes (storage, and provisioned IOPS and throughput above the free baseline; the snapshot a volume with
``DeletionPolicy: Snapshot`` leaves after destroy) and Elastic IPs. Every public IPv4 address costs the same,
Elastic IPs included: each instance gets one from its public subnet; an Elastic IP associated with it replaces
that address, so each instance counts once, and an Elastic IP with no instance counts on its own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.builder import Builder, literal_number, literal_string
from cost_model.services.capacity import owned_address, owned_address_line
from cost_model.templates import DEFAULT_VOLUME_TYPE, elastic_ip_associations, properties, render_value, resources

# gp3's free baseline: every gp3 volume includes 3,000 IOPS and 125 MiB/s; only what is provisioned above
# is billed (Amazon EBS pricing, "Example 1 - General Purpose SSD (gp3) Volumes").
GP3_FREE_IOPS = 3_000
GP3_FREE_THROUGHPUT = 125
# Root device names of Linux AMIs (Amazon Linux: /dev/xvda; many others: /dev/sda1).
ROOT_DEVICES = ("/dev/xvda", "/dev/sda1", "/dev/sda")
# Free by themselves: an EIPAssociation moves an address that the EIP already counts; a KeyPair's private key is a
# standard, free SSM parameter; what a launch template's instances cost is counted on their Auto Scaling group.
FREE = frozenset({"AWS::EC2::EIPAssociation", "AWS::EC2::KeyPair", "AWS::EC2::LaunchTemplate",
                  "AWS::EC2::PlacementGroup", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress",
                  "AWS::EC2::SecurityGroupIngress", "AWS::EC2::VolumeAttachment"})


def eip_instances(b: Builder) -> dict[str, Optional[str]]:
    """Each Elastic IP's logical id -> the instance it is associated with in this template (or None)."""
    eips: dict[str, Optional[str]] = dict.fromkeys(resources(b.template, "AWS::EC2::EIP"))
    for eip, instance in elastic_ip_associations(b.template):
        if eip in eips:
            eips[eip] = instance
    return eips


def instance(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    props = properties(resource)
    has_eip = logical_id in {instance for instance in eip_instances(b).values() if instance}
    instance_type = literal_string(props.get("InstanceType", "m1.small"), f"{name}.InstanceType")
    b.line(name, f"{instance_type} instance", 1, "instance", b.region.instance_hour(instance_type), "hour",
           after_destroy=retained, follows=name)
    for index, mapping in enumerate(props.get("BlockDeviceMappings") or []):
        ebs = mapping.get("Ebs")
        if ebs is None:
            continue  # an instance-store volume: included in the instance price
        device = mapping.get("DeviceName", f"BlockDeviceMappings[{index}]")
        if "VolumeSize" not in ebs and "SnapshotId" not in ebs:  # from a snapshot: its size, unknown (ebs_volume)
            b.notes.append(f"{name}: volume {device} takes its size from the AMI, which the template does "
                           "not say; it is not included")
            continue
        kept = ebs.get("DeleteOnTermination", True) is False
        label = f"root volume {device}" if device in ROOT_DEVICES else f"volume {device}"
        ebs_volume(b, name, label, ebs, size_key="VolumeSize", type_key="VolumeType", after_destroy=retained or kept)
    owned = owned_address(b, logical_id)
    if owned is not None:
        owned_address_line(b, name, owned)
    elif not has_eip and gets_public_address(props):
        # Auto-assigned by the public subnet; released when the instance stops.
        b.line(name, "public IPv4 address (auto-assigned)", 1, "address",
               b.region.usd("public_ipv4_hour"), "hour", after_destroy=retained, follows=name)
    if props.get("Monitoring") is True:
        metrics = b.region.detailed_monitoring_metrics
        b.line(name, "detailed monitoring (one-minute metrics)", metrics, "metric",
               b.region.usd("cloudwatch_metric_month"), "month", after_destroy=retained, follows=name)


def gets_public_address(props: dict[str, Any]) -> bool:
    interfaces = props.get("NetworkInterfaces")
    if interfaces:
        return any(i.get("AssociatePublicIpAddress") is True for i in interfaces)
    return True  # the public subnet's auto-assign setting (on in every default VPC's subnets)


def volume(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    props = properties(resource)
    ebs_volume(b, name, "data volume", props, size_key="Size", type_key="VolumeType", after_destroy=retained)
    if resource.get("DeletionPolicy") == "Snapshot":
        size, unknown = volume_size(props, "Size", name)
        b.line(name, "snapshot left by cdk destroy (at most the volume's size)", size, "GB",
               b.region.usd("snapshot_gb_month"), "month", running=False, after_destroy=True, unknown=unknown)


def volume_size(props: dict[str, Any], size_key: str, name: str) -> tuple[Decimal, Optional[str]]:
    """A volume's size in GiB, and why it is unknown when it is: a volume restored from a snapshot without a size
    takes the snapshot's (CreateVolume: "If you specify a snapshot, the default is the snapshot size"), which only
    AWS knows; it is counted as 0 and said."""
    if props.get(size_key) is None and props.get("SnapshotId") is not None:
        return Decimal(0), f"the size of snapshot {render_value(props['SnapshotId'])}, unknown offline"
    return literal_number(props.get(size_key), f"{name}.{size_key}"), None


def ebs_volume(b: Builder, name: str, label: str, props: dict[str, Any], *, size_key: str, type_key: str,
               after_destroy: bool, count: int = 1, stopped: bool = True, follows: Optional[str] = None) -> None:
    """Storage, IOPS and throughput of one EBS volume (``count`` alike); they keep costing while the instance
    is stopped."""
    size, unknown = volume_size(props, size_key, name)
    volume_type = literal_string(props.get(type_key, DEFAULT_VOLUME_TYPE), f"{name}.{type_key}")
    where = f"{label}: {volume_type}"
    flags: dict[str, Any] = {"stopped": stopped, "after_destroy": after_destroy, "follows": follows}
    b.line(name, f"{where} storage" + (" (restored from a snapshot: its size is the snapshot's)" if unknown else ""),
           size * count, "GB", b.region.ebs_gb_month(volume_type), "month", unknown=unknown, **flags)
    iops = props.get("Iops")
    if volume_type == "gp3":
        if iops is not None:
            extra = literal_number(iops, f"{name}.Iops") - GP3_FREE_IOPS
            if extra > 0:
                b.line(name, f"{where} IOPS above {GP3_FREE_IOPS:,}", extra * count, "IOPS",
                       b.region.usd("gp3_iops_month"), "month", **flags)
        throughput = props.get("Throughput")
        if throughput is not None:
            extra = literal_number(throughput, f"{name}.Throughput") - GP3_FREE_THROUGHPUT
            if extra > 0:
                b.line(name, f"{where} throughput above {GP3_FREE_THROUGHPUT} MiB/s", extra * count, "MiB/s",
                       b.region.usd("gp3_throughput_mibps_month"), "month", **flags)
    elif volume_type == "io1":
        iops_count = literal_number(iops, f"{name}.Iops")
        b.line(name, f"{where} provisioned IOPS", iops_count * count, "IOPS", b.region.usd("io1_iops_month"),
               "month", **flags)
    elif volume_type == "io2":
        remaining = literal_number(iops, f"{name}.Iops")
        lower = 0
        for up_to, price in b.region.io2_tiers():
            in_tier = remaining if up_to is None else min(remaining, Decimal(up_to - lower))
            if in_tier > 0:
                span = f"{lower + 1:,}-{up_to:,}" if up_to is not None else f"above {lower:,}"
                b.line(name, f"{where} provisioned IOPS {span}", in_tier * count, "IOPS", price, "month",
                       **flags)
            remaining -= in_tier
            lower = up_to if up_to is not None else lower


def elastic_ip(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    item = "Elastic IP (public IPv4)" if eip_instances(b).get(logical_id) else \
        "Elastic IP (public IPv4), not associated with an instance here"
    b.line(name, item, 1, "address", b.region.usd("public_ipv4_hour"), "hour", stopped=True, after_destroy=retained)


PRICED = {"AWS::EC2::Instance": instance, "AWS::EC2::Volume": volume, "AWS::EC2::EIP": elastic_ip}
