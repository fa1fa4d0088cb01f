"""AWS::EC2::EIP: Tags, Fn::GetAtt PublicIp, release on delete, updates.

moto 5.2.5 ignores the Tags property, knows only the AllocationId attribute,
defaults Domain to EC2-Classic "standard", cannot update an address and never
releases it: every deleted stack leaves its Elastic IPs behind (and billed).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_ip_addresses import ElasticAddress

from emulator.gaps._install import install
from emulator.gaps._props import changed, retag, tag_dict

_ATTRIBUTES = {"AllocationId", "PublicIp"}


def _associate(address: ElasticAddress, instance_id: str | None) -> None:
    backend = address.ec2_backend
    if address.association_id or address.instance:
        backend.disassociate_address(address=address.public_ip)
    if instance_id:
        backend.associate_address(instance=backend.get_instance(instance_id), address=address.public_ip)


class ElasticAddressFill:
    """What moto's ElasticAddress gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> ElasticAddress:
        properties = cloudformation_json.get("Properties") or {}
        backend = ec2_backends[account_id][region_name]
        # EC2-Classic is gone: every new address is a VPC address.
        address = backend.allocate_address(
            domain=properties.get("Domain") or "vpc", tags=tag_dict(properties.get("Tags"))
        )
        if properties.get("InstanceId"):
            _associate(address, properties["InstanceId"])
        return address

    @classmethod
    def emulator_update(
        cls, address: ElasticAddress, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> ElasticAddress:
        differences = changed(old, new)
        if differences - {"InstanceId", "Tags"}:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        if "InstanceId" in differences:
            _associate(address, new.get("InstanceId"))
        if "Tags" in differences:
            retag(address, old.get("Tags"), new.get("Tags"))
        return address

    def delete(self, account_id: str, region_name: str) -> None:
        backend = self.ec2_backend
        if self.association_id or self.instance:
            backend.disassociate_address(address=self.public_ip)
        backend.release_address(address=self.public_ip)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in _ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "AllocationId":
            return self.allocation_id
        if attribute_name == "PublicIp":
            return self.public_ip
        raise UnformattedGetAttTemplateException()


def apply() -> None:
    install(ElasticAddress, ElasticAddressFill)
