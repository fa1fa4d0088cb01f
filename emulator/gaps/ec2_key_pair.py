"""AWS::EC2::KeyPair: create or import a key pair; a new key's private half goes to SSM.

moto 5.2.5 has no such CloudFormation type (the resource is skipped, so an
instance naming the key fails or runs without it). In AWS, CloudFormation
keeps a created key's private key in SSM Parameter Store as the SecureString
``/ec2/keypair/<key-pair-id>``, and deletes it with the key pair. Ref returns
the key name; Fn::GetAtt gives KeyPairId and KeyFingerprint.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import InvalidKeyPairDuplicateError
from moto.ec2.models import ec2_backends
from moto.ec2.models.key_pairs import KeyPair as MotoKeyPair
from moto.ec2.utils import random_ed25519_key_pair, random_rsa_key_pair
from moto.ssm.models import ssm_backends

from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._props import tag_dict

_ATTRIBUTES = {"KeyPairId", "KeyFingerprint"}


def parameter_name(key_pair_id: str) -> str:
    """Where AWS keeps the private key of a key pair CloudFormation created."""
    return f"/ec2/keypair/{key_pair_id}"


class KeyPair(MotoKeyPair, CloudFormationModel):
    """A moto key pair that CloudFormation can create and delete.

    Named like moto's class on purpose: moto's serializer finds ``KeyPairId``
    as the ``id`` attribute through the class name.
    """

    account_id: str
    region_name: str
    stores_private_key: bool

    @property
    def physical_resource_id(self) -> str:
        return self.key_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "KeyName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::KeyPair"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in _ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "KeyPairId":
            return self.id
        if attribute_name == "KeyFingerprint":
            return self.key_fingerprint
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> KeyPair:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        name = properties.get("KeyName") or resource_name
        if name in backend.key_pairs:
            raise InvalidKeyPairDuplicateError(name)
        tags = tag_dict(properties.get("Tags"))
        public_material = properties.get("PublicKeyMaterial")
        if public_material:
            # Import: reuse moto's parsing, then re-type the stored object.
            imported = backend.import_key_pair(name, public_material.encode(), tags)
            key_pair = cls._adopt(imported, account_id, region_name, stores_private_key=False)
        else:
            key_type = properties.get("KeyType", "rsa")
            details = random_ed25519_key_pair() if key_type == "ed25519" else random_rsa_key_pair()
            key_pair = cls(name, key_type, **details, tags=tags, ec2_backend=backend)
            key_pair.account_id, key_pair.region_name = account_id, region_name
            key_pair.stores_private_key = True
            ssm_backends[account_id][region_name].put_parameter(
                name=parameter_name(key_pair.id),
                description=None,
                value=key_pair.key_material,
                parameter_type="SecureString",
                allowed_pattern=None,
                keyid=None,
                overwrite=False,
                tags=[],
                data_type="text",
                tier=None,
                policies=None,
            )
        backend.key_pairs[name] = key_pair
        return key_pair

    @classmethod
    def _adopt(cls, key_pair: MotoKeyPair, account_id: str, region_name: str, stores_private_key: bool) -> KeyPair:
        key_pair.__class__ = cls
        adopted: KeyPair = key_pair  # type: ignore[assignment]
        adopted.account_id, adopted.region_name = account_id, region_name
        adopted.stores_private_key = stores_private_key
        return adopted

    def delete(self, account_id: str, region_name: str) -> None:
        self.ec2_backend.delete_key_pair(self.key_name)
        if self.stores_private_key:
            ssm = ssm_backends[self.account_id][self.region_name]
            ssm.delete_parameters([parameter_name(self.id)])


def apply() -> None:
    register_cloudformation_model(KeyPair)
