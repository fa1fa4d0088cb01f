"""AWS::CloudFormation::WaitCondition: a stack resource, created once its signals count as received.

moto 5.2.5 ignores the type (``NULL_MODELS``): a wait condition is not in the
stack's resources at all, its ``Data`` cannot be read, and nothing says that a
signal was expected.

In AWS a wait condition with a CreationPolicy (or a Handle and a Timeout) is
created only when it has received Count success signals (cfn-signal or
SignalResource), and fails after the Timeout; its Data attribute is a JSON
object of the signals' UniqueId to Data; its properties cannot be updated
("Update requires: Updates are not supported", aws-resource-cloudformation-
waitcondition.md). A wait condition needs either a CreationPolicy or a Handle.

Not emulated, as for an instance's or a group's CreationPolicy: the emulator
runs no user data, so nothing ever signals. The Count signals are taken as
received when the wait condition is created, and a stack event says so; Data is
``{}``. The physical ID has AWS's shape (the stack's ARN and the logical ID).
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel

from emulator import cfn_engine
from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps.exceptions import NotUpdatableError

WAIT_CONDITION = "AWS::CloudFormation::WaitCondition"


class WaitCondition(FillModel, CloudFormationModel):
    def __init__(self, physical_id: str, count: int):
        self.physical_id = physical_id
        self.count = count

    TYPE = WAIT_CONDITION
    ID = "physical_id"
    ATTRIBUTES = {"Data": "data"}

    @property
    def data(self) -> str:
        """Fn::GetAtt Data: the signals' data as a JSON object (empty: nothing signals here)."""
        return json.dumps({})

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> WaitCondition:
        operation = cfn_engine.current()
        policy = (operation.body.get("CreationPolicy") or {}).get("ResourceSignal") if operation else None
        properties = cloudformation_json.get("Properties") or {}
        if policy is None and not properties.get("Handle"):
            raise ValidationError(message="A WaitCondition needs a CreationPolicy or a Handle and a Timeout")
        count = int((policy or properties).get("Count", 1))
        stack_arn = operation.stack.stack_id if operation else f"arn:aws:cloudformation:{region_name}:{account_id}:stack"
        logical_id = operation.logical_id if operation else kwargs.get("LogicalId", resource_name)
        if operation is not None:
            operation.report(f"Emulator: instances run no user data; the {count} SUCCESS signal(s) this wait "
                             "condition waits for are taken as received")
        return cls(f"{stack_arn}/{logical_id}", count)

    @classmethod
    def emulator_update(
        cls, resource: WaitCondition, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> WaitCondition:
        raise NotUpdatableError("Update of resource type AWS::CloudFormation::WaitCondition is not supported")

    def delete(self, account_id: str, region_name: str) -> None:
        pass  # nothing outside the stack


WAIT_CONDITION_HANDLE = "AWS::CloudFormation::WaitConditionHandle"


class WaitConditionHandle(FillModel, CloudFormationModel):
    """AWS::CloudFormation::WaitConditionHandle: no properties, no attributes; Ref is "a presigned URL" that
    cfn-signal or curl sends a signal to (aws-resource-cloudformation-waitconditionhandle.md). It creates
    nothing outside the stack; moto ignores the type, so the emulator would fail it as not modelled."""

    def __init__(self, url: str):
        self.url = url

    TYPE = WAIT_CONDITION_HANDLE
    ID = "url"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> WaitConditionHandle:
        operation = cfn_engine.current()
        stack_arn = operation.stack.stack_id if operation else f"arn:aws:cloudformation:{region_name}:{account_id}:stack"
        logical_id = operation.logical_id if operation else resource_name
        # AWS's shape: a presigned S3 URL in the region's wait-condition bucket, naming the stack and the handle.
        key = f"{stack_arn}/{logical_id}".replace(":", "%3A").replace("/", "%7C")
        return cls(f"https://cloudformation-waitcondition-{region_name}.s3.amazonaws.com/{key}")

    @classmethod
    def emulator_update(cls, resource: WaitConditionHandle, old: dict[str, Any], new: dict[str, Any],
                        account_id: str, region: str) -> WaitConditionHandle:
        return resource  # it has no properties to change

    def delete(self, account_id: str, region_name: str) -> None:
        pass  # nothing outside the stack


def apply() -> None:
    for model in (WaitCondition, WaitConditionHandle):
        if model.cloudformation_type() in parsing.NULL_MODELS:
            parsing.NULL_MODELS.remove(model.cloudformation_type())
        register_cloudformation_model(model)
