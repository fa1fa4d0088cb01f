"""Placement groups: EC2's Create/Describe/DeletePlacementGroup and AWS::EC2::PlacementGroup.

moto 5.2.5 has neither the EC2 actions nor the CloudFormation type (the
resource is skipped, and an instance's PlacementGroupName is ignored).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.exceptions import EC2ClientError, InvalidParameterValueError
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.responses import EC2Response
from moto.ec2.utils import random_id

_STRATEGIES = {"cluster", "spread", "partition"}


class PlacementGroupNotFound(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.Unknown", f"The Placement Group '{name}' is unknown.")


class PlacementGroupInUse(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.InUse", f"Placement group '{name}' is in use.")


class PlacementGroup(TaggedEC2Resource, CloudFormationModel):
    """One placement group; Ref returns its name, as in AWS."""

    def __init__(self, backend: EC2Backend, name: str, strategy: str, partition_count: int | None, spread_level: str | None):
        self.ec2_backend = backend
        self.id = random_id(prefix="pg-")
        self.name = name
        self.strategy = strategy
        self.partition_count = partition_count
        self.spread_level = spread_level

    @property
    def physical_resource_id(self) -> str:
        return self.name

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "GroupName": self.name,
            "GroupId": self.id,
            "State": "available",
            "Strategy": self.strategy,
            "GroupArn": f"arn:aws:ec2:{self.ec2_backend.region_name}:{self.ec2_backend.account_id}"
            f":placement-group/{self.name}",
            "Tags": [{"Key": t["key"], "Value": t["value"]} for t in self.get_tags()],
        }
        if self.partition_count:
            result["PartitionCount"] = self.partition_count
        if self.spread_level:
            result["SpreadLevel"] = self.spread_level
        return result

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # AWS generates the name; the template cannot set it

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::PlacementGroup"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "GroupName"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> PlacementGroup:
        properties = cloudformation_json.get("Properties") or {}
        backend = ec2_backends[account_id][region_name]
        group = create_placement_group(
            backend,
            resource_name,
            properties.get("Strategy", "cluster"),
            properties.get("PartitionCount"),
            properties.get("SpreadLevel"),
        )
        group.add_tags({t["Key"]: t["Value"] for t in properties.get("Tags") or []})
        return group

    def delete(self, account_id: str, region_name: str) -> None:
        delete_placement_group(self.ec2_backend, self.name)


def _groups(backend: EC2Backend) -> dict[str, PlacementGroup]:
    # Kept on the backend so that moto's reset forgets them with everything else.
    if not hasattr(backend, "_emulator_placement_groups"):
        backend._emulator_placement_groups = {}  # type: ignore[attr-defined]
    return backend._emulator_placement_groups  # type: ignore[attr-defined]


def create_placement_group(
    backend: EC2Backend, name: str, strategy: str, partition_count: Any = None, spread_level: str | None = None
) -> PlacementGroup:
    if strategy not in _STRATEGIES:
        raise InvalidParameterValueError(strategy)
    if name in _groups(backend):
        raise EC2ClientError("InvalidPlacementGroup.Duplicate", f"The Placement Group '{name}' already exists.")
    group = PlacementGroup(backend, name, strategy, int(partition_count) if partition_count else None, spread_level)
    _groups(backend)[name] = group
    return group


def get_placement_group(backend: EC2Backend, name: str) -> PlacementGroup:
    group = _groups(backend).get(name)
    if group is None:
        raise PlacementGroupNotFound(name)
    return group


def delete_placement_group(backend: EC2Backend, name: str) -> None:
    get_placement_group(backend, name)
    in_use = any(
        i.placement.group_name == name and i.state != "terminated" for i in backend.all_instances()
    )
    if in_use:
        raise PlacementGroupInUse(name)
    del _groups(backend)[name]


def _create_action(response: EC2Response) -> ActionResult:
    group = create_placement_group(
        response.ec2_backend,
        response._get_param("GroupName"),
        response._get_param("Strategy"),
        response._get_param("PartitionCount"),
        response._get_param("SpreadLevel"),
    )
    tags = response._parse_tag_specification().get("placement-group", {})
    group.add_tags(tags)
    return ActionResult({"PlacementGroup": group.to_dict()})


def _describe_action(response: EC2Response) -> ActionResult:
    names = response._get_param("GroupNames", [])
    ids = response._get_param("GroupIds", [])
    groups = list(_groups(response.ec2_backend).values())
    for name in names:
        get_placement_group(response.ec2_backend, name)
    if names:
        groups = [g for g in groups if g.name in names]
    if ids:
        groups = [g for g in groups if g.id in ids]
    return ActionResult({"PlacementGroups": [g.to_dict() for g in groups]})


def _delete_action(response: EC2Response) -> EmptyResult:
    delete_placement_group(response.ec2_backend, response._get_param("GroupName"))
    return EmptyResult()


def apply() -> None:
    EC2Response.create_placement_group = _create_action  # type: ignore[attr-defined]
    EC2Response.describe_placement_groups = _describe_action  # type: ignore[attr-defined]
    EC2Response.delete_placement_group = _delete_action  # type: ignore[attr-defined]
    EC2Backend.emulator_get_placement_group = get_placement_group  # type: ignore[attr-defined]
    # moto caches its list of CloudFormation types; make it see the new class.
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
