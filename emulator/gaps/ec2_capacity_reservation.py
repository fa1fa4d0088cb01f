"""On-Demand Capacity Reservations: EC2's Create/Describe/CancelCapacityReservation and AWS::EC2::CapacityReservation.

moto 5.2.5 has neither the EC2 actions nor the CloudFormation type (the resource is skipped, and its Ref is the
logical id): `make audit` could not ask for a reservation left active, and a stack with `capacity_reservation=create`
deployed nothing that stands for it.

As AWS does it (CreateCapacityReservation and DescribeCapacityReservations API reference; AWS::EC2::CapacityReservation
resource reference): a reservation is ``active`` from creation, Ref answers its id (``cr-`` and 17 hex digits), its
InstanceCount and EndDate change in place, any createOnly property (schema) replaces it, and deleting it cancels it
(state ``cancelled``; DescribeCapacityReservations still lists it). Not modelled: instances launched into it (its
AvailableInstanceCount stays its TotalInstanceCount) and an EndDate that expires it.

Shaped as moto would carry it: the model :class:`CapacityReservation`, the backend mixin
:class:`CapacityReservationBackend` (on moto's EC2Backend) and the response mixin :class:`CapacityReservations`
(on EC2Response), methods named after the API calls.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidParameterValueError
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.responses import EC2Response
from moto.ec2.utils import random_id

from emulator import schemas
from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps._props import as_int, tag_dict

_TYPE = "AWS::EC2::CapacityReservation"
# CreateCapacityReservation: InstanceMatchCriteria open | targeted; EndDateType unlimited | limited.
_MATCH = {"open", "targeted"}
_END = {"unlimited", "limited"}


class CapacityReservation(TaggedEC2Resource, FillModel, CloudFormationModel):
    """One reservation; Ref answers its id."""

    TYPE = _TYPE
    ID = "id"
    ATTRIBUTES = {"Id": "id", "AvailableInstanceCount": "available", "TotalInstanceCount": "count", "State": "state"}

    def __init__(self, backend: EC2Backend, properties: dict[str, Any]) -> None:
        self.ec2_backend = backend
        self.id = random_id(prefix="cr-", size=17)
        self.instance_type = properties["InstanceType"]
        self.platform = properties["InstancePlatform"]
        self.zone = properties["AvailabilityZone"]
        self.count = as_int(properties["InstanceCount"]) or 0
        self.match = properties.get("InstanceMatchCriteria") or "open"
        self.end_type = properties.get("EndDateType") or "unlimited"
        self.tenancy = properties.get("Tenancy") or "default"
        self.state = "active"
        self.created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    @property
    def available(self) -> int:
        return self.count if self.state == "active" else 0

    def to_dict(self) -> dict[str, Any]:
        backend = self.ec2_backend
        return {
            "CapacityReservationId": self.id, "OwnerId": backend.account_id,
            "CapacityReservationArn": f"arn:aws:ec2:{backend.region_name}:{backend.account_id}:capacity-reservation/"
                                      f"{self.id}",
            "InstanceType": self.instance_type, "InstancePlatform": self.platform, "AvailabilityZone": self.zone,
            "Tenancy": self.tenancy, "TotalInstanceCount": self.count, "AvailableInstanceCount": self.available,
            "State": self.state, "InstanceMatchCriteria": self.match, "EndDateType": self.end_type,
            "CreateDate": self.created, "StartDate": self.created,
            "Tags": [{"Key": t["key"], "Value": t["value"]} for t in self.get_tags()],
        }

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> CapacityReservation:
        properties = cloudformation_json.get("Properties") or {}
        tags: dict[str, str] = {}
        for specification in properties.get("TagSpecifications") or []:
            tags.update(tag_dict(specification.get("Tags")))
        return ec2_backends[account_id][region_name].create_capacity_reservation(properties, tags)

    @classmethod
    def emulator_update(cls, reservation: CapacityReservation, old: dict[str, Any], new: dict[str, Any],
                        account_id: str, region: str) -> CapacityReservation:
        if schemas.create_only_changes(_TYPE, old, new):
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        reservation.count = as_int(new["InstanceCount"]) or 0  # ModifyCapacityReservation, in place
        reservation.end_type = new.get("EndDateType") or "unlimited"
        return reservation

    def delete(self, account_id: str, region_name: str) -> None:
        self.ec2_backend.cancel_capacity_reservation(self.id)


class CapacityReservationBackend:
    """EC2Backend's reservation methods (installed on moto's EC2Backend by :func:`apply`)."""

    @property
    def capacity_reservations(self) -> dict[str, CapacityReservation]:
        # Made on first use in the backend's own attributes, so that moto's reset forgets it (as placement groups).
        return self.__dict__.setdefault("_emulator_capacity_reservations", {})

    def create_capacity_reservation(self, properties: dict[str, Any], tags: dict[str, str]) -> CapacityReservation:
        for name in ("InstanceType", "InstancePlatform", "AvailabilityZone", "InstanceCount"):
            if properties.get(name) in (None, ""):
                raise InvalidParameterValueError(f"{name} is required")
        if (as_int(properties["InstanceCount"]) or 0) < 1:
            raise InvalidParameterValueError(f"InstanceCount {properties['InstanceCount']} must be at least 1")
        if (properties.get("InstanceMatchCriteria") or "open") not in _MATCH:
            raise InvalidParameterValueError(f"InstanceMatchCriteria {properties['InstanceMatchCriteria']}")
        if (properties.get("EndDateType") or "unlimited") not in _END:
            raise InvalidParameterValueError(f"EndDateType {properties['EndDateType']}")
        reservation = CapacityReservation(self, properties)
        reservation.add_tags(tags)
        self.capacity_reservations[reservation.id] = reservation
        return reservation

    def describe_capacity_reservations(self, ids: list[str], filters: dict[str, list[str]]) -> list[CapacityReservation]:
        found = [r for r in self.capacity_reservations.values() if not ids or r.id in ids]
        for name, values in filters.items():
            if name == "state":
                found = [r for r in found if r.state in values]
            elif name.startswith("tag:"):
                key = name[4:]
                found = [r for r in found if any(t["key"] == key and t["value"] in values for t in r.get_tags())]
        return found

    def cancel_capacity_reservation(self, reservation_id: str) -> None:
        reservation = self.capacity_reservations.get(reservation_id)
        if reservation is None:
            raise InvalidParameterValueError(f"The capacity reservation ID '{reservation_id}' does not exist")
        reservation.state = "cancelled"


class CapacityReservations:
    """The EC2 API's reservation actions (installed on moto's EC2Response by :func:`apply`)."""

    def create_capacity_reservation(self) -> ActionResult:
        properties = {name: self._get_param(name) for name in ("InstanceType", "InstancePlatform", "AvailabilityZone",
                                                                "InstanceCount", "InstanceMatchCriteria",
                                                                "EndDateType", "Tenancy")}
        reservation = self.ec2_backend.create_capacity_reservation(
            properties, self._parse_tag_specification().get("capacity-reservation", {}))
        return ActionResult({"CapacityReservation": reservation.to_dict()})

    def describe_capacity_reservations(self) -> ActionResult:
        filters = {item["Name"]: item["Values"] for item in self._get_param("Filters", [])}
        found = self.ec2_backend.describe_capacity_reservations(self._get_param("CapacityReservationIds", []), filters)
        return ActionResult({"CapacityReservations": [r.to_dict() for r in found]})

    def cancel_capacity_reservation(self) -> ActionResult:
        self.ec2_backend.cancel_capacity_reservation(self._get_param("CapacityReservationId"))
        return ActionResult({"Return": True})


def apply() -> None:
    install(EC2Backend, CapacityReservationBackend)
    install(EC2Response, CapacityReservations)
    register_cloudformation_model(CapacityReservation)
