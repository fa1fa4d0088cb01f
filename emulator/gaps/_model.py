"""The CloudFormation plumbing of a model a fill adds to moto, written once.

moto's ``CloudFormationModel`` leaves every model to spell out its type, its name property, its physical ID and
its ``Fn::GetAtt`` answers. A fill's model mixes :class:`FillModel` in before ``CloudFormationModel`` (moto finds
models as the *direct* subclasses of CloudFormationModel) and states them as class attributes::

    class TopicPolicy(FillModel, CloudFormationModel):
        TYPE = "AWS::SNS::TopicPolicy"
        ID = "name"                  # the attribute that holds the physical ID (what Ref answers)
        ATTRIBUTES = {"Id": "name"}  # Fn::GetAtt name -> the attribute (or property) that answers it

``ATTRIBUTES`` names only what the type's resource schema lists as ``readOnlyProperties``
(tests/emulator/test_conformance.py checks it); any other ``Fn::GetAtt`` is refused as CloudFormation refuses it
("Template error: resource … does not support attribute type …").
"""

from __future__ import annotations

from typing import Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


class FillModel:
    TYPE: ClassVar[str]
    NAME_TYPE: ClassVar[str] = ""
    ID: ClassVar[str] = "name"
    ATTRIBUTES: ClassVar[dict[str, str]] = {}

    @property
    def physical_resource_id(self) -> str:
        return str(getattr(self, self.ID))

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_TYPE

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name not in self.ATTRIBUTES:
            raise UnformattedGetAttTemplateException()
        return getattr(self, self.ATTRIBUTES[attribute_name])
