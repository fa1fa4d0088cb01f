"""Cost and capacity: Spot and mixed instance types (the Auto Scaling tier), the walk-through's capacity
reservation, and an Elastic IP you already own.

- Tier ``autoscaling``: ``AutoScaling.instance_types``, ``spot_percent`` and ``on_demand_base`` make the group's
  MixedInstancesPolicy (:func:`mixed_instances_policy`): the launch template's type first, then the others, all of
  one architecture (the AMI's); price-capacity-optimized Spot allocation, and Capacity Rebalancing whenever Spot is
  in the mix (:func:`check_mix`).
- Tier ``single``: ``capacity_reservation`` (:class:`CapacityReservations`) and ``elastic_ip_allocation_id``
  (:func:`check_allocation_ids`). Spot is refused there (:data:`SINGLE_TIER_SPOT`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Optional, Union

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from .errors import SettingError
from .instance_types import InstanceTypeInfo, instance_type_info

# A group names at most 40 instance types in its overrides (Auto Scaling API reference, LaunchTemplateOverrides).
MAX_GROUP_INSTANCE_TYPES = 40
#: Why Spot is refused on tier single, in one line. An interrupted Spot instance that "stops" can be restarted by EC2
#: only ("Only Amazon EC2 can restart an interrupted stopped Spot Instance", EC2 User Guide, "Behavior of Spot
#: Instance interruptions"): the site is down, with no second server to take its traffic, until EC2 has capacity
#: again, and the stop/start schedule, the recovery alarm and termination protection cannot act on it. A group
#: behind a load balancer replaces an interrupted instance instead, and Capacity Rebalancing starts the replacement
#: before the interruption.
SINGLE_TIER_SPOT = ("is refused on tier single: only EC2 can restart an interrupted Spot instance, so the lone server's "
                    "site is down until EC2 has Spot capacity again; use tier=autoscaling, whose group replaces "
                    "interrupted instances behind its load balancer")

# EC2's id formats: 8 or 17 hex digits after the prefix (cr-..., eipalloc-...).
_RESERVATION_ID = re.compile(r"cr-([0-9a-f]{8}|[0-9a-f]{17})")
_ALLOCATION_ID = re.compile(r"eipalloc-([0-9a-f]{8}|[0-9a-f]{17})")
#: The capacity_reservation choices besides an existing reservation's id.
RESERVATION_CHOICES = ("open", "none", "create")
# CreateCapacityReservation's InstancePlatform for the Linux AMIs this construct runs (yum/dnf, cfn-bootstrap).
LINUX_PLATFORM = "Linux/UNIX"

CapacityReservationChoice = str  # "open" | "none" | "create" | "cr-..."


# --------------------------------------------------------------------------------------------------
# Spot and mixed instance types (tier autoscaling)


def check_mix(instance_type: InstanceTypeInfo, instance_types: Sequence[str], *, spot_percent: int,
              on_demand_base: int, max_capacity: int, instance_store_devices: Sequence[str] = ()) -> tuple[
                  InstanceTypeInfo, ...]:
    """The group's other instance types and its Spot share, by AWS's rules; returns the types' facts.

    Every type must run the one AMI the launch template names: the same architecture as ``instance_type`` (whose
    architecture picks the Amazon Linux image). With instance store mapped, every type must have as many volumes.
    """
    infos = []
    for index, name in enumerate(instance_types):
        setting = f"instance_types[{index}]"
        info = instance_type_info(name, setting=setting)
        if any(arch.endswith("_mac") for arch in info.architectures):
            raise SettingError(setting, name, "Mac instances run only on a Dedicated Host; choose another type")
        if info.architecture != instance_type.architecture:
            raise SettingError(setting, name,
                               f"is {info.architecture} and instance_type {instance_type.name} is "
                               f"{instance_type.architecture}: a group launches every type from one launch template, "
                               "and so one AMI, which runs on one architecture only; list "
                               f"{instance_type.architecture} types")
        if name == instance_type.name or name in instance_types[:index]:
            raise SettingError(setting, name, "is listed twice (instance_type is always the first type)")
        if instance_store_devices and info.instance_store_count < len(instance_store_devices):
            raise SettingError(setting, name, f"has {info.instance_store_count} instance store volume(s) and "
                                              f"instance_store maps {len(instance_store_devices)}; every type of the "
                                              "group must have them")
        infos.append(info)
    if 1 + len(infos) > MAX_GROUP_INSTANCE_TYPES:
        raise SettingError("instance_types", len(infos), f"an Auto Scaling group takes at most "
                                                         f"{MAX_GROUP_INSTANCE_TYPES} instance types, instance_type "
                                                         "included")
    # InstancesDistribution: OnDemandPercentageAboveBaseCapacity is 0-100; OnDemandBaseCapacity is at least 0, and
    # the base cannot be more than the group holds.
    if not 0 <= spot_percent <= 100:
        raise SettingError("spot_percent", spot_percent, "must be from 0 to 100: the share of the instances above "
                                                         "on_demand_base that are Spot (AWS's "
                                                         "OnDemandPercentageAboveBaseCapacity is 100 minus it)")
    if on_demand_base < 0 or on_demand_base > max_capacity:
        raise SettingError("on_demand_base", on_demand_base,
                           f"must be from 0 to max_capacity ({max_capacity}): the first instances of the group that "
                           "are always On-Demand (AWS's OnDemandBaseCapacity)")
    return tuple(infos)


def is_mixed(instance_types: Sequence[str], spot_percent: int, on_demand_base: int) -> bool:
    """True when the group needs a MixedInstancesPolicy (more than one type, or Spot); else a plain launch template."""
    return bool(instance_types) or spot_percent > 0 or on_demand_base > 0


def mixed_instances_policy(launch_template: ec2.ILaunchTemplate, instance_type: InstanceTypeInfo,
                           others: Sequence[InstanceTypeInfo], *, spot_percent: int,
                           on_demand_base: int) -> autoscaling.MixedInstancesPolicy:
    """The group's MixedInstancesPolicy: ``instance_type`` first (the On-Demand instances' first choice, as the
    ``prioritized`` On-Demand strategy reads the overrides in order), then the others; Spot from the pools with the
    lowest price among those least likely to be interrupted (price-capacity-optimized, AWS's recommendation)."""
    return autoscaling.MixedInstancesPolicy(
        launch_template=launch_template,
        launch_template_overrides=[autoscaling.LaunchTemplateOverrides(instance_type=ec2.InstanceType(info.name))
                                   for info in (instance_type, *others)],
        instances_distribution=autoscaling.InstancesDistribution(
            on_demand_allocation_strategy=autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
            on_demand_base_capacity=on_demand_base,
            on_demand_percentage_above_base_capacity=100 - spot_percent,
            spot_allocation_strategy=autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
        ),
    )


# --------------------------------------------------------------------------------------------------
# Capacity reservation (tier single)


def check_reservation(choice: str, *, auto_scaling: bool) -> None:
    """``open``, ``none``, ``create`` or an existing reservation's id; tier autoscaling takes AWS's default only."""
    if choice not in RESERVATION_CHOICES and not _RESERVATION_ID.fullmatch(choice):
        raise SettingError("capacity_reservation", choice,
                           "must be open (AWS's default), none, create, or an existing reservation's id such as "
                           "cr-0123456789abcdef0")
    if auto_scaling and choice != "open":
        # A reservation is a fixed count of one type in one zone; the group's size, zones and (with instance_types)
        # types change as it scales, so a reservation sized for it would be paid for idle or run short.
        raise SettingError("capacity_reservation", choice,
                           "only open (AWS's default: the group's instances use any matching open reservation of the "
                           "account) applies to tier=autoscaling: a reservation is a fixed count of one type in one "
                           "Availability Zone, and the group's size and zones change as it scales")


class CapacityReservations(Construct):
    """What the servers' ``capacity_reservation`` builds: for ``create``, one On-Demand Capacity Reservation per
    Availability Zone (the servers' type, zone, Linux/UNIX, as many instances as servers there), targeted only by
    them; for ``none`` or an existing id, the launch template that says so. ``open`` (AWS's default) builds nothing.

    ``AWS::EC2::Instance`` has no CapacityReservationSpecification of its own: an instance takes it from a launch
    template (its ``LaunchTemplate`` property; the properties it sets itself win over the template's).

    :param zones: each server's Availability Zone, in order (Server1 first).
    """

    def __init__(self, scope: Construct, id: str, *, choice: CapacityReservationChoice, instance_type: str,
                 zones: Sequence[str]) -> None:
        super().__init__(scope, id)
        #: The reservations ``create`` made, by Availability Zone.
        self.reservations: dict[str, ec2.CfnCapacityReservation] = {}
        #: The launch template each server takes, in order (None: AWS's default, open).
        self.launch_templates: list[Optional[ec2.CfnLaunchTemplate]] = [None] * len(zones)
        if choice == "open":
            return
        if choice == "none":
            template = self._template("None", {"capacity_reservation_preference": "none"})
            self.launch_templates = [template] * len(zones)
            return
        if choice != "create":  # an existing reservation: it lives in one zone, which must be every server's
            if len(set(zones)) > 1:
                raise SettingError("capacity_reservation", choice,
                                   f"an existing reservation lives in one Availability Zone and the servers are spread "
                                   f"over {len(set(zones))} ({', '.join(sorted(set(zones)))}); put them all in its "
                                   "zone with subnet_id")
            target = ec2.CfnLaunchTemplate.CapacityReservationTargetProperty(capacity_reservation_id=choice)
            template = self._template("Existing", {"capacity_reservation_target": target})
            self.launch_templates = [template] * len(zones)
            return
        for zone in dict.fromkeys(zones):
            suffix = _zone_suffix(zone, len(self.reservations))
            reservation = ec2.CfnCapacityReservation(
                self, f"Reservation{suffix}", availability_zone=zone, instance_type=instance_type,
                instance_platform=LINUX_PLATFORM, instance_count=zones.count(zone),
                # Only instances that name it use it, so another instance of the account never takes a server's place;
                # it lasts until cdk destroy deletes (cancels) it.
                instance_match_criteria="targeted", end_date_type="unlimited",
            )
            self.reservations[zone] = reservation
            target = ec2.CfnLaunchTemplate.CapacityReservationTargetProperty(capacity_reservation_id=reservation.ref)
            template = self._template(f"Target{suffix}", {"capacity_reservation_target": target})
            self.launch_templates = [template if z == zone else t for z, t in zip(zones, self.launch_templates,
                                                                                   strict=True)]

    def tag(self, tags: Mapping[str, str]) -> None:
        """Tag the reservations. ``cdk.Tags`` does not reach them (their tags are TagSpecifications, not Tags): the
        stack hands them its tags, so that `make audit` finds a reservation left active by the app's tag."""
        for reservation in self.reservations.values():
            reservation.tag_specifications = [ec2.CfnCapacityReservation.TagSpecificationProperty(
                resource_type="capacity-reservation",
                tags=[cdk.CfnTag(key=key, value=value) for key, value in sorted(tags.items())])]

    def _template(self, id: str, specification: dict) -> ec2.CfnLaunchTemplate:
        return ec2.CfnLaunchTemplate(self, id, launch_template_data=ec2.CfnLaunchTemplate.LaunchTemplateDataProperty(
            capacity_reservation_specification=ec2.CfnLaunchTemplate.CapacityReservationSpecificationProperty(
                **specification)))


def use_launch_template(instance: ec2.Instance, template: ec2.CfnLaunchTemplate) -> None:
    """Launch ``instance`` from ``template`` (its capacity reservation choice). The L2 Instance has no prop for a
    launch template of one's own, so the typed L1 attribute is set (not a raw override: cdk-nag and the template both
    see it). A change of the template's version replaces the instance (AWS::EC2::Instance, LaunchTemplate: "Update
    requires: Replacement")."""
    cfn: ec2.CfnInstance = instance.node.default_child
    cfn.launch_template = ec2.CfnInstance.LaunchTemplateSpecificationProperty(
        launch_template_id=template.ref, version=template.attr_latest_version_number)


def _zone_suffix(zone: str, index: int) -> str:
    """A logical-id suffix for a zone: its letter (us-east-1a -> A), else its position."""
    if not cdk.Token.is_unresolved(zone) and re.fullmatch(r".*\d[a-z]", zone):
        return zone[-1].upper()
    return str(index + 1)


# --------------------------------------------------------------------------------------------------
# An Elastic IP you already own (tier single)


def allocation_ids(value: Union[str, Sequence[str], None]) -> tuple[str, ...]:
    """``elastic_ip_allocation_id`` as a tuple: one id, or a list of them (one per server)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def check_allocation_ids(ids: Sequence[str], *, servers: int, elastic_ip: Optional[bool], auto_scaling: bool,
                         domain_without_load_balancer: bool) -> None:
    """One well-formed allocation id per server, each once; only where each server has its own Elastic IP."""
    if not ids:
        return
    if auto_scaling:
        raise SettingError("elastic_ip_allocation_id", list(ids),
                           "only applies to tier=single: the group's instances come and go behind the load "
                           "balancer, whose addresses AWS manages")
    if elastic_ip is False:
        raise SettingError("elastic_ip_allocation_id", list(ids), "is an Elastic IP for each server, and "
                                                                  "elastic_ip=false asks for none")
    for index, allocation in enumerate(ids):
        if not isinstance(allocation, str) or not _ALLOCATION_ID.fullmatch(allocation):
            raise SettingError(f"elastic_ip_allocation_id[{index}]", allocation,
                               "must be an Elastic IP allocation id such as eipalloc-0123456789abcdef0 "
                               "(aws ec2 describe-addresses shows yours)")
        if allocation in ids[:index]:
            raise SettingError(f"elastic_ip_allocation_id[{index}]", allocation,
                               "is listed twice: an Elastic IP is associated with one instance at a time")
    if len(ids) != servers:
        fewer = len(ids) < servers
        raise SettingError("elastic_ip_allocation_id", list(ids),
                           f"gives {len(ids)} allocation id(s) for {servers} server(s) (instance_count): one each, "
                           + ("as every server gets an Elastic IP" if fewer else "and no more"))
    if domain_without_load_balancer:
        raise SettingError("elastic_ip_allocation_id", list(ids),
                           "cannot be combined with domain_name without a load balancer: the record would need the "
                           "address, which is not known offline; point your DNS name at your address yourself (it "
                           "stays yours), or add https=true")
