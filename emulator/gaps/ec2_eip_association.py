"""AWS::EC2::EIPAssociation: associate an Elastic IP with an instance or ENI.

moto 5.2.5 has no such CloudFormation type: the resource is skipped with a
log line, so the address is never associated. Ref returns the association ID
(for a VPC address), as in AWS.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.elastic_ip_addresses import ElasticAddress

from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel


class EIPAssociation(FillModel, CloudFormationModel):
    """The association of ``address`` with an instance or network interface."""

    def __init__(self, backend: EC2Backend, address: ElasticAddress, association_id: str):
        self.ec2_backend = backend
        self.address = address
        self.association_id = association_id

    TYPE = "AWS::EC2::EIPAssociation"
    ID = "association_id"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> EIPAssociation:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        instance_id = properties.get("InstanceId")
        eni_id = properties.get("NetworkInterfaceId")
        address = backend.associate_address(
            instance=backend.get_instance(instance_id) if instance_id else None,
            eni=backend.get_network_interface(eni_id) if eni_id else None,
            address=properties.get("EIP"),
            allocation_id=properties.get("AllocationId"),
        )
        return cls(backend, address, address.association_id or address.public_ip)

    @classmethod
    def emulator_update(
        cls, association: EIPAssociation, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> EIPAssociation:
        # Every property change replaces the association; the address can have
        # one association only, so the old one goes first.
        association.delete(account_id, region)
        return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)

    def delete(self, account_id: str, region_name: str) -> None:
        address = self.address
        # Skip if the address has moved on (say, to a replacement association).
        if address.association_id == self.association_id or (
            address.domain != "vpc" and address.instance is not None
        ):
            self.ec2_backend.disassociate_address(address=address.public_ip)


def apply() -> None:
    register_cloudformation_model(EIPAssociation)
