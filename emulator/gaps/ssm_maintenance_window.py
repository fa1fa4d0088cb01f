"""AWS::SSM::MaintenanceWindow, MaintenanceWindowTarget and MaintenanceWindowTask: ``patch_schedule``'s window.

moto 5.2.5 has the Systems Manager API for maintenance windows (CreateMaintenanceWindow,
RegisterTargetWithMaintenanceWindow, RegisterTaskWithMaintenanceWindow and their Describe and delete calls) but no
CloudFormation types for them: a template that has one failed as not modelled. Here each type makes its API call,
as CloudFormation's handlers do:

* Ref answers the window's ID (``mw-``), the target's and the task's; Fn::GetAtt answers only what the resource
  schemas list as readOnlyProperties (``WindowId``, ``WindowTargetId``, ``WindowTaskId``: tests/emulator/
  test_conformance.py checks them against the schemas);
* the schemas' createOnlyProperties replace: a target's or a task's ``WindowId``, a task's ``TaskType``
  (aws-resource-ssm-maintenancewindowtarget.md, aws-resource-ssm-maintenancewindowtask.md, "Update requires:
  Replacement"); every other property changes in place, keeping the IDs;
* a target or task goes with its window: DeleteMaintenanceWindow removes them, and deleting one that its window
  took with it is no error (the stack deletes them first anyway, as they refer to the window).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ssm.models import ssm_backends

from emulator import schemas
from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel

# The window's properties as CreateMaintenanceWindow names them: CloudFormation property -> moto attribute.
_WINDOW = {"Name": "name", "Description": "description", "Duration": "duration", "Cutoff": "cutoff",
           "Schedule": "schedule", "ScheduleTimezone": "schedule_timezone", "ScheduleOffset": "schedule_offset",
           "StartDate": "start_date", "EndDate": "end_date"}
_TARGET = {"ResourceType": "resource_type", "Targets": "targets", "OwnerInformation": "owner_information",
           "Name": "name", "Description": "description"}
_TASK = {"Targets": "targets", "TaskArn": "task_arn", "ServiceRoleArn": "service_role_arn",
         "TaskParameters": "task_parameters", "TaskInvocationParameters": "task_invocation_parameters",
         "Priority": "priority", "MaxConcurrency": "max_concurrency", "MaxErrors": "max_errors",
         "LoggingInfo": "logging_info", "Name": "name", "Description": "description",
         "CutoffBehavior": "cutoff_behavior"}


def _backend(account_id: str, region_name: str) -> Any:
    return ssm_backends[account_id][region_name]


class MaintenanceWindow(FillModel, CloudFormationModel):
    TYPE = "AWS::SSM::MaintenanceWindow"
    ID = "window_id"
    ATTRIBUTES = {"WindowId": "window_id"}

    def __init__(self, window_id: str, account_id: str, region_name: str) -> None:
        self.window_id = window_id
        self.account_id = account_id
        self.region_name = region_name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> MaintenanceWindow:
        props = cloudformation_json["Properties"]
        window_id = _backend(account_id, region_name).create_maintenance_window(
            **{attribute: props.get(name) for name, attribute in _WINDOW.items()}, tags=props.get("Tags"))
        return cls(window_id, account_id, region_name)

    @classmethod
    def emulator_update(
        cls, window: MaintenanceWindow, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> MaintenanceWindow:
        found = _backend(account_id, region).get_maintenance_window(window.window_id)
        for name, attribute in _WINDOW.items():
            setattr(found, attribute, new.get(name))  # UpdateMaintenanceWindow: every property in place
        return window

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(self.account_id, self.region_name)
        if self.window_id in backend.windows:
            backend.delete_maintenance_window(self.window_id)


class _WindowPart:
    """A target or a task of a window: registered with it, changed in place unless a createOnly property changes,
    and gone with it. A subclass names its ``part`` ("Target", "Task"), from which its type, its attribute
    (``Window<part>Id``), the window's collection (``PART``) and the backend's call (``REGISTER``: window_id,
    ``FIELDS``' attributes and register_arguments) follow; ``fields`` maps the CloudFormation properties to moto's
    attributes."""

    ID = "part_id"
    FIELDS: dict[str, str] = {}
    PART = ""
    REGISTER = ""


    def __init__(self, window_id: str, part_id: str, account_id: str, region_name: str) -> None:
        self.window_id = window_id
        self.part_id = part_id
        self.account_id = account_id
        self.region_name = region_name

    @classmethod
    def register_arguments(cls, props: dict[str, Any]) -> dict[str, Any]:
        return {}

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> _WindowPart:
        props = cloudformation_json["Properties"]
        part_id = getattr(_backend(account_id, region_name), cls.REGISTER)(
            window_id=props["WindowId"], **cls.register_arguments(props),
            **{attribute: props.get(name) for name, attribute in cls.FIELDS.items()})
        return cls(props["WindowId"], part_id, account_id, region_name)

    @classmethod
    def emulator_update(
        cls, part: _WindowPart, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> _WindowPart:
        if schemas.create_only_changes(cls.TYPE, old, new):
            return cls.create_from_cloudformation_json(part.part_id, {"Properties": new}, account_id, region)
        found = getattr(_backend(account_id, region).get_maintenance_window(part.window_id), cls.PART)[part.part_id]
        for name, attribute in cls.FIELDS.items():
            setattr(found, attribute, new.get(name))
        return part

    def delete(self, account_id: str, region_name: str) -> None:
        window = _backend(self.account_id, self.region_name).windows.get(self.window_id)
        if window is not None:
            getattr(window, self.PART).pop(self.part_id, None)


def _part(part: str, fields: dict[str, str]) -> Callable[[type[_WindowPart]], type[_WindowPart]]:
    def named(cls: type[_WindowPart]) -> type[_WindowPart]:
        cls.TYPE = f"AWS::SSM::MaintenanceWindow{part}"  # type: ignore[attr-defined]
        cls.ATTRIBUTES = {f"Window{part}Id": "part_id"}  # type: ignore[attr-defined]
        cls.FIELDS, cls.PART = fields, f"{part.lower()}s"
        cls.REGISTER = f"register_{part.lower()}_with_maintenance_window"
        return cls
    return named


@_part("Target", _TARGET)
class MaintenanceWindowTarget(_WindowPart, FillModel, CloudFormationModel):
    pass


@_part("Task", _TASK)
class MaintenanceWindowTask(_WindowPart, FillModel, CloudFormationModel):

    @classmethod
    def register_arguments(cls, props: dict[str, Any]) -> dict[str, Any]:
        return {"task_type": props["TaskType"], "alarm_configurations": props.get("AlarmConfiguration")}


def apply() -> None:
    for model in (MaintenanceWindow, MaintenanceWindowTarget, MaintenanceWindowTask):
        register_cloudformation_model(model)
