"""Amazon EC2 Auto Scaling: a group's instances at its minimum size (MinSize; the maximum is said, not priced), each
launched from its launch template (instance type, root and data volumes, a public IPv4 address from the public
subnet, detailed monitoring); the CloudWatch alarms target tracking creates. Auto Scaling itself is free."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder, literal_number, literal_string
from cost_model.services.capacity import group_instance_types, group_launch_template, spot_estimate
from cost_model.services.ec2 import ROOT_DEVICES, ebs_volume, gets_public_address
from cost_model.templates import properties, references
from cost_model.words import money

# Auto Scaling's target tracking creates and manages two CloudWatch alarms per policy (scale out, scale in).
TARGET_TRACKING_ALARMS = 2
# What a scheduled action changes is counted on the group.
FREE = frozenset({"AWS::AutoScaling::ScheduledAction"})


def group(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """The group's instances at MinSize, each as its launch template makes it; MaxSize said in a note."""
    props = properties(resource)
    low = int(literal_number(props.get("MinSize"), f"{name}.MinSize"))
    high = int(literal_number(props.get("MaxSize"), f"{name}.MaxSize"))
    template_ids = references(group_launch_template(props).get("LaunchTemplateId")) & set(b.resources)
    if not template_ids:
        b.notes.append(f"not priced: {name}: its launch template is not in this template")
        return
    data = properties(b.resources[next(iter(template_ids))]).get("LaunchTemplateData") or {}
    first = len(b.lines)
    instance_type = literal_string(data.get("InstanceType", "m1.small"), f"{name}.InstanceType")
    types = group_instance_types(props, name)
    if types:  # a MixedInstancesPolicy: the first is the On-Demand choice; priced at the dearest (the ceiling)
        instance_type = max(types, key=b.region.instance_hour)
        spot_estimate(b, name, props, low, types[0], instance_type)
    b.line(name, f"{instance_type} instances (group of {low} to {high}, priced at its minimum)", low,
           "instance", b.region.instance_hour(instance_type), "hour", follows=name)
    for index, mapping in enumerate(data.get("BlockDeviceMappings") or []):
        ebs = mapping.get("Ebs")
        if ebs is None:
            continue
        device = mapping.get("DeviceName", f"BlockDeviceMappings[{index}]")
        if "VolumeSize" not in ebs and "SnapshotId" not in ebs:  # from a snapshot: its size, unknown (ebs_volume)
            b.notes.append(f"{name}: volume {device} takes its size from the AMI; it is not included")
            continue
        label = f"root volume {device}" if device in ROOT_DEVICES else f"volume {device}"
        ebs_volume(b, name, f"{label} of each instance", ebs, size_key="VolumeSize", type_key="VolumeType",
                   after_destroy=False, count=low, stopped=False, follows=name)  # scaling in terminates them
    if gets_public_address(data):
        b.line(name, "public IPv4 address of each instance (auto-assigned)", low, "address",
               b.region.usd("public_ipv4_hour"), "hour", follows=name)
    if (data.get("Monitoring") or {}).get("Enabled") is True:
        metrics = b.region.detailed_monitoring_metrics
        b.line(name, "detailed monitoring of each instance (one-minute metrics)", metrics * low, "metric",
               b.region.usd("cloudwatch_metric_month"), "month", follows=name)
    per_instance = sum((line.monthly for line in b.lines[first:]), Decimal(0)) / low if low else Decimal(0)
    if high > low:
        b.notes.append(
            f"{name} is priced at its minimum of {low} instances (MinSize); scaled out to its maximum of {high} "
            f"(MaxSize) it costs {money(per_instance * (high - low))} a month more "
            f"({money(per_instance)} per instance)")


def scaling_policy(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    if properties(resource).get("PolicyType") != "TargetTrackingScaling":
        b.not_priced(name, resource["Type"])
        return
    b.line(name, "CloudWatch alarms that target tracking creates (scale out, scale in)", TARGET_TRACKING_ALARMS, "alarm",
           b.region.usd("cloudwatch_alarm_month"), "month", stopped=True)


PRICED = {"AWS::AutoScaling::AutoScalingGroup": group, "AWS::AutoScaling::ScalingPolicy": scaling_policy}
