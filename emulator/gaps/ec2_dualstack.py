"""A dual-stack VPC of the stack's own (``vpc_id=new`` with ``ip_version=dualstack``): AWS::EC2::VPCCidrBlock with an
Amazon-provided IPv6 block, ``Fn::Cidr``, the VPC's ``Ipv6CidrBlocks``, IPv6 subnets and ``::/0`` routes.

moto 5.2.5 has IPv6 in its EC2 API (AssociateVpcCidrBlock with AmazonProvidedIpv6CidrBlock, CreateSubnet with
Ipv6CidrBlock, CreateRoute with DestinationIpv6CidrBlock) but not in CloudFormation: AWS::EC2::VPCCidrBlock is not
modelled, ``Fn::Cidr`` is not an intrinsic it knows, ``Fn::GetAtt VPC.Ipv6CidrBlocks`` is refused, and its subnet and
route models drop ``Ipv6CidrBlock``, ``AssignIpv6AddressOnCreation``, ``MapPublicIpOnLaunch`` and
``DestinationIpv6CidrBlock``. Here, as AWS does it:

* ``Fn::Cidr`` is resolved by the engine's one resolver of intrinsic functions (``cfn_engine._clean_json``);
* AWS::EC2::VPCCidrBlock is AssociateVpcCidrBlock (an Amazon-provided /56, one per VPC: ``CidrLimitExceeded``);
  Ref and ``Id`` are the association id; deleting it disassociates the block; every property is createOnly;
* the VPC's ``Ipv6CidrBlocks`` answers its associated IPv6 blocks;
* a subnet's ``Ipv6CidrBlock`` must be a /64 inside one of its VPC's IPv6 blocks (EC2 CreateSubnet:
  ``InvalidSubnet.Range``); ``AssignIpv6AddressOnCreation`` and ``MapPublicIpOnLaunch`` are kept;
* a route's ``DestinationIpv6CidrBlock`` (``::/0`` to the Internet gateway) is a route like any other;
* and the VPC's parts go on delete, as CloudFormation deletes them (moto's models for AWS::EC2::RouteTable, Route,
  SubnetRouteTableAssociation, InternetGateway and VPCGatewayAttachment have no delete, so a stack with a VPC of its
  own left them behind and its VPC failed to delete: ``DependencyViolation``).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import InvalidSubnetRangeError
from moto.ec2.models import ec2_backends
from moto.ec2.models.internet_gateways import InternetGateway
from moto.ec2.models.route_tables import Route, RouteTable
from moto.ec2.models.subnets import Subnet, SubnetRouteTableAssociation
from moto.ec2.models.vpcs import VPC
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel

_plain_vpc_attribute = VPC.get_cfn_attribute


class VPCFill:
    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Ipv6CidrBlocks":
            return [c["cidr_block"] for c in self.get_cidr_block_association_set(ipv6=True)]
        return _plain_vpc_attribute(self, attribute_name)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("CidrBlock", "CidrBlockAssociations", "DefaultSecurityGroup", "VpcId", "Ipv6CidrBlocks")


class SubnetFill:
    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Subnet:
        props = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        ipv6 = props.get("Ipv6CidrBlock")
        if ipv6 is not None:
            block = ipaddress.ip_network(ipv6, strict=False)
            vpc_blocks = [ipaddress.ip_network(c["cidr_block"]) for c in
                          backend.get_vpc(props["VpcId"]).get_cidr_block_association_set(ipv6=True)]
            if block.prefixlen != 64 or not any(block.subnet_of(b) for b in vpc_blocks):
                raise InvalidSubnetRangeError(ipv6)
        subnet = backend.create_subnet(vpc_id=props["VpcId"], cidr_block=props["CidrBlock"], ipv6_cidr_block=ipv6,
                                       availability_zone=props.get("AvailabilityZone"))
        subnet.map_public_ip_on_launch = bool(props.get("MapPublicIpOnLaunch", False))
        subnet.assign_ipv6_address_on_creation = bool(props.get("AssignIpv6AddressOnCreation", False))
        for tag in props.get("Tags", []):
            subnet.add_tag(tag["Key"], tag["Value"])
        return subnet


class RouteFill:
    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Route:
        props = cloudformation_json["Properties"]
        return ec2_backends[account_id][region_name].create_route(
            route_table_id=props["RouteTableId"], destination_cidr_block=props.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=props.get("DestinationIpv6CidrBlock"), gateway_id=props.get("GatewayId"),
            instance_id=props.get("InstanceId"), nat_gateway_id=props.get("NatGatewayId"),
            egress_only_igw_id=props.get("EgressOnlyInternetGatewayId"),
            transit_gateway_id=props.get("TransitGatewayId"), interface_id=props.get("NetworkInterfaceId"),
            vpc_peering_connection_id=props.get("VpcPeeringConnectionId"))


class RouteDelete:
    def delete(self, account_id: str, region_name: str) -> None:
        table = self.route_table
        table._routes.pop(self.id, None)  # DeleteRoute


class RouteTableDelete:
    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        if self.id in backend.route_tables:
            backend.delete_route_table(self.id)  # refused while a subnet is still associated, as EC2 refuses it


class SubnetRouteTableAssociationDelete:
    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        table = backend.route_tables.get(self.route_table_id)
        for association_id, subnet_id in list((table._associations if table else {}).items()):
            if subnet_id == self.subnet_id:
                backend.disassociate_route_table(association_id)


class InternetGatewayDelete:
    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        if self.id in backend.internet_gateways:
            backend.delete_internet_gateway(self.id)  # refused while attached, as EC2 refuses it


class VPCGatewayAttachmentDelete:
    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        gateway = backend.internet_gateways.get(self.gateway_id)
        if gateway is not None and gateway.vpc is not None and gateway.vpc.id == self.vpc_id:
            backend.detach_internet_gateway(self.gateway_id, self.vpc_id)


class VPCCidrBlock(FillModel, CloudFormationModel):
    TYPE = "AWS::EC2::VPCCidrBlock"
    ID = "association_id"
    ATTRIBUTES = {"Id": "association_id", "IpSource": "ip_source", "Ipv6AddressAttribute": "ipv6_attribute"}

    def __init__(self, association_id: str, vpc_id: str, ipv6: bool, account_id: str, region_name: str) -> None:
        self.association_id, self.vpc_id = association_id, vpc_id
        self.ip_source = "amazon" if ipv6 else "none"
        self.ipv6_attribute = "public" if ipv6 else ""
        self.account_id, self.region_name = account_id, region_name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> VPCCidrBlock:
        props = cloudformation_json["Properties"]
        ipv6 = bool(props.get("AmazonProvidedIpv6CidrBlock"))
        association = ec2_backends[account_id][region_name].associate_vpc_cidr_block(
            props["VpcId"], props.get("CidrBlock"), ipv6)
        return cls(association["association_id"], props["VpcId"], ipv6, account_id, region_name)

    @classmethod
    def emulator_update(cls, block: VPCCidrBlock, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> VPCCidrBlock:
        return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)  # all createOnly

    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[self.account_id][self.region_name]
        if self.vpc_id in backend.vpcs:
            backend.disassociate_vpc_cidr_block(self.association_id)


def apply() -> None:
    install(VPC, VPCFill)
    install(Subnet, SubnetFill)
    install(Route, RouteFill)
    for model, fill in ((Route, RouteDelete), (RouteTable, RouteTableDelete),
                        (SubnetRouteTableAssociation, SubnetRouteTableAssociationDelete),
                        (InternetGateway, InternetGatewayDelete), (VPCGatewayAttachment, VPCGatewayAttachmentDelete)):
        install(model, fill)
    register_cloudformation_model(VPCCidrBlock)
