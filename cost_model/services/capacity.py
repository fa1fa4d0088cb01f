"""Cost and capacity: an On-Demand Capacity Reservation (charged whether used or not), an Auto Scaling group's
Spot share (priced at the On-Demand ceiling, with an estimate under an assumed Spot discount) and an Elastic IP
the stack associates but does not own (its hours still count, and it outlives the stack)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.builder import Builder, literal_number, literal_string
from cost_model.templates import properties, references, resources
from cost_model.words import money, plain

# An instance's reservation is counted on the reservation; its launch template (which names it) is free.
FREE: frozenset[str] = frozenset()


def reservation(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """AWS bills a reservation at the On-Demand price of its instances whether they run in it or not; an instance
    running inside it is not billed again. So the running total does not change; a stopped instance's hours are
    the reservation's, and count while stopped."""
    props = properties(resource)
    instance_type = literal_string(props.get("InstanceType"), f"{name}.InstanceType")
    count = literal_number(props.get("InstanceCount"), f"{name}.InstanceCount")
    zone = props.get("AvailabilityZone", "its zone")
    b.line(name, f"On-Demand Capacity Reservation: {plain(count)} {instance_type} in {zone}, charged whether used or "
                 "not (while the servers run in it, their hours are its hours)", count, "instance",
           b.region.instance_hour(instance_type), "hour", running=False, stopped=True, after_destroy=retained)
    monthly = count * b.region.instance_hour(instance_type) * b.hours
    b.notes.append(f"{name}: an On-Demand Capacity Reservation is charged whether used or not: the total while "
                   f"running is unchanged (the servers run inside it), the total while stopped includes its "
                   f"{money(monthly)} a month")


def group_launch_template(props: dict[str, Any]) -> dict[str, Any]:
    """A group's launch template specification: its own, or its MixedInstancesPolicy's."""
    mixed = props.get("MixedInstancesPolicy") or {}
    return props.get("LaunchTemplate") or (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification") or {}


def group_instance_types(props: dict[str, Any], name: str) -> list[str]:
    """The instance types a MixedInstancesPolicy may launch, in its order (none without one)."""
    mixed = props.get("MixedInstancesPolicy") or {}
    overrides = (mixed.get("LaunchTemplate") or {}).get("Overrides") or []
    return [literal_string(item.get("InstanceType"), f"{name}.Overrides[{index}].InstanceType")
            for index, item in enumerate(overrides) if "InstanceType" in item]


def spot_estimate(b: Builder, name: str, props: dict[str, Any], instances: int, first_type: str,
                  ceiling_type: str) -> None:
    """A note: the group at ``instances`` with its Spot share, each Spot hour at the On-Demand price less the
    assumed discount (Spot prices move with supply and demand; nothing offline knows them)."""
    distribution = (props.get("MixedInstancesPolicy") or {}).get("InstancesDistribution") or {}
    base = literal_number(distribution.get("OnDemandBaseCapacity", 0), f"{name}.OnDemandBaseCapacity")
    on_demand_share = literal_number(distribution.get("OnDemandPercentageAboveBaseCapacity", 100),
                                     f"{name}.OnDemandPercentageAboveBaseCapacity") / 100
    if on_demand_share == 1:
        return
    above = max(Decimal(0), Decimal(instances) - base)
    on_demand = min(Decimal(instances), base) + above * on_demand_share
    spot = above * (1 - on_demand_share)
    discount = b.assumptions.spot_discount
    hour = b.region.instance_hour(first_type)
    estimate = (on_demand * hour + spot * hour * (1 - discount)) * b.hours
    ceiling = Decimal(instances) * b.region.instance_hour(ceiling_type) * b.hours
    b.notes.append(
        f"{name}: the totals price its {instances} instances On-Demand at the dearest of its types ({ceiling_type}, "
        f"{money(ceiling)} a month: the ceiling); with Spot, {plain(on_demand)} On-Demand and {plain(spot)} Spot "
        f"{first_type} instances at an assumed {plain(discount * 100)}% below On-Demand cost about {money(estimate)} "
        f"a month (SPOT_DISCOUNT=... or --spot-discount changes the assumption; AWS's Spot prices move with supply "
        "and demand)")


def mix_words(policy: Any) -> str:
    """A MixedInstancesPolicy (or none) as a person says it."""
    if not isinstance(policy, dict):
        return "one instance type, all On-Demand"
    overrides = (policy.get("LaunchTemplate") or {}).get("Overrides") or []
    types = [str(item.get("InstanceType")) for item in overrides if isinstance(item, dict) and "InstanceType" in item]
    distribution = policy.get("InstancesDistribution") or {}
    base = distribution.get("OnDemandBaseCapacity", 0)
    spot = 100 - int(distribution.get("OnDemandPercentageAboveBaseCapacity", 100))
    strategy = distribution.get("SpotAllocationStrategy", "lowest-price")
    return (f"{', '.join(types) or 'the launch template type'}; {base} On-Demand first, then {spot}% Spot"
            + (f" ({strategy})" if spot else ""))


def owned_address(b: Builder, instance_id: str) -> Optional[str]:
    """The allocation id of an Elastic IP the template associates with ``instance_id`` without owning it."""
    for association in resources(b.template, "AWS::EC2::EIPAssociation").values():
        props = properties(association)
        if isinstance(props.get("AllocationId"), str) and instance_id in references(props.get("InstanceId")):
            return props["AllocationId"]
    return None


def owned_address_line(b: Builder, name: str, allocation: str) -> None:
    """An address you own is billed every hour it is allocated: while the server runs, stops, and after destroy."""
    b.line(name, f"your Elastic IP {allocation} (public IPv4; yours, kept after cdk destroy)", 1, "address",
           b.region.usd("public_ipv4_hour"), "hour", stopped=True, after_destroy=True)


PRICED = {"AWS::EC2::CapacityReservation": reservation}
