"""Placement groups: EC2's Create/Describe/DeletePlacementGroup and AWS::EC2::PlacementGroup.

moto 5.2.5 has neither the EC2 actions nor the CloudFormation type (the
resource is skipped, and an instance's PlacementGroupName is ignored).

Shaped as moto would carry it: the model :class:`PlacementGroup`, the backend
mixin :class:`PlacementGroupBackend` (installed on moto's EC2Backend) and the
response mixin :class:`PlacementGroups` (installed on EC2Response), with
methods named after the API calls and typed errors from ``exceptions.py``.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.exceptions import InvalidParameterValueError
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.responses import EC2Response
from moto.ec2.utils import random_id

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._props import tag_dict
from emulator.gaps.exceptions import (
    InvalidPlacementGroupDuplicateError,
    InvalidPlacementGroupInUseError,
    InvalidPlacementGroupUnknownError,
)

_STRATEGIES = {"cluster", "spread", "partition"}


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
        return backend.create_placement_group(
            resource_name,
            properties.get("Strategy", "cluster"),
            properties.get("PartitionCount"),
            properties.get("SpreadLevel"),
            tags=tag_dict(properties.get("Tags")),
        )

    def delete(self, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_placement_group(self.name)


class PlacementGroupBackend:
    """EC2Backend's placement-group methods (installed on moto's EC2Backend by :func:`apply`)."""

    @property
    def placement_groups(self) -> dict[str, PlacementGroup]:
        # moto's backend mixins make their collections in __init__, which a
        # fill cannot extend; this one is made on first use, in the backend's
        # own attributes, so that moto's reset forgets it with everything else.
        return self.__dict__.setdefault("_emulator_placement_groups", {})

    def create_placement_group(
        self,
        name: str,
        strategy: str,
        partition_count: Any = None,
        spread_level: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> PlacementGroup:
        if strategy not in _STRATEGIES:
            raise InvalidParameterValueError(strategy)
        if name in self.placement_groups:
            raise InvalidPlacementGroupDuplicateError(name)
        group = PlacementGroup(self, name, strategy, int(partition_count) if partition_count else None, spread_level)
        group.add_tags(tags or {})
        self.placement_groups[name] = group
        return group

    def get_placement_group(self, name: str) -> PlacementGroup:
        group = self.placement_groups.get(name)
        if group is None:
            raise InvalidPlacementGroupUnknownError(name)
        return group

    def describe_placement_groups(
        self, group_names: list[str] | None = None, group_ids: list[str] | None = None
    ) -> list[PlacementGroup]:
        for name in group_names or []:
            self.get_placement_group(name)
        groups = list(self.placement_groups.values())
        if group_names:
            groups = [g for g in groups if g.name in group_names]
        if group_ids:
            groups = [g for g in groups if g.id in group_ids]
        return groups

    def delete_placement_group(self, name: str) -> None:
        self.get_placement_group(name)
        in_use = any(i.placement.group_name == name and i.state != "terminated" for i in self.all_instances())
        if in_use:
            raise InvalidPlacementGroupInUseError(name)
        del self.placement_groups[name]


class PlacementGroups:
    """The EC2 API's placement-group actions (installed on moto's EC2Response by :func:`apply`)."""

    def create_placement_group(self) -> ActionResult:
        group = self.ec2_backend.create_placement_group(
            self._get_param("GroupName"),
            self._get_param("Strategy"),
            self._get_param("PartitionCount"),
            self._get_param("SpreadLevel"),
            tags=self._parse_tag_specification().get("placement-group", {}),
        )
        return ActionResult({"PlacementGroup": group.to_dict()})

    def describe_placement_groups(self) -> ActionResult:
        groups = self.ec2_backend.describe_placement_groups(
            self._get_param("GroupNames", []),
            self._get_param("GroupIds", []),
        )
        return ActionResult({"PlacementGroups": [g.to_dict() for g in groups]})

    def delete_placement_group(self) -> EmptyResult:
        self.ec2_backend.delete_placement_group(self._get_param("GroupName"))
        return EmptyResult()


def apply() -> None:
    install(EC2Backend, PlacementGroupBackend)
    install(EC2Response, PlacementGroups)
    register_cloudformation_model(PlacementGroup)
