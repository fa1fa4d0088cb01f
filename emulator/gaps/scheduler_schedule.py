"""AWS::Scheduler::Schedule: EventBridge Scheduler schedules, checked as Scheduler checks them.

moto 5.2.5 has the Scheduler API but no CloudFormation type: the stop/start
schedules are skipped. Its CreateSchedule takes any expression, time zone and
flexible time window.

As AWS does it (aws-resource-scheduler-schedule.md; CreateSchedule, EventBridge
Scheduler API reference):

* ScheduleExpression is ``at(yyyy-mm-ddThh:mm:ss)``, ``rate(<n> <unit>)`` or a
  six-field ``cron(...)``; ScheduleExpressionTimezone is an IANA name;
  FlexibleTimeWindow's Mode is OFF or FLEXIBLE (FLEXIBLE with a
  MaximumWindowInMinutes of 1-1440); State is ENABLED or DISABLED; a universal
  target (``arn:aws:scheduler:::aws-sdk:<service>:<apiAction>``) takes the API
  call's parameters as a JSON Input; all ``ValidationException``;
* CloudFormation names the schedule when Name is not given; Ref is the name,
  Fn::GetAtt Arn its ARN; Name and GroupName replace it, the rest is an
  UpdateSchedule; deleting it is DeleteSchedule.

Not emulated: schedules never fire (the emulator has no clock-driven runner).
"""

from __future__ import annotations

import json
import re
import zoneinfo
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.scheduler.exceptions import ValidationException
from moto.scheduler.models import Schedule, scheduler_backends

from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._props import as_int, changed, replacement_name

_AT = re.compile(r"^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$")
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\(([^)]*)\)$")
_UNIVERSAL = re.compile(r"^arn:[\w-]+:scheduler:::aws-sdk:[a-z0-9]+:[a-z][A-Za-z0-9]+$")


def check_schedule(properties: dict[str, Any]) -> None:
    expression = str(properties.get("ScheduleExpression", ""))
    cron = _CRON.match(expression)
    if not (_AT.match(expression) or _RATE.match(expression) or (cron and len(cron.group(1).split()) == 6)):
        raise ValidationException(f"Invalid Schedule Expression {expression}.")
    zone = properties.get("ScheduleExpressionTimezone")
    if zone:
        try:
            zoneinfo.ZoneInfo(str(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationException(f"Invalid ScheduleExpressionTimezone {zone}.") from None
    window = properties.get("FlexibleTimeWindow") or {}
    if window.get("Mode") not in ("OFF", "FLEXIBLE"):
        raise ValidationException("FlexibleTimeWindow Mode must be OFF or FLEXIBLE")
    if window.get("Mode") == "FLEXIBLE" and not 1 <= (as_int(window.get("MaximumWindowInMinutes")) or 0) <= 1440:
        raise ValidationException("MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE")
    if properties.get("State", "ENABLED") not in ("ENABLED", "DISABLED"):
        raise ValidationException(f"Invalid State {properties.get('State')}")
    target = properties.get("Target") or {}
    if not target.get("Arn") or not target.get("RoleArn"):
        raise ValidationException("Target Arn and RoleArn are required")
    if ":aws-sdk:" in target["Arn"]:
        if not _UNIVERSAL.match(target["Arn"]):
            raise ValidationException(f"Invalid universal target {target['Arn']}")
        try:
            if not isinstance(json.loads(target.get("Input") or "{}"), dict):
                raise ValueError
        except ValueError:
            raise ValidationException("The Input of a universal target must be a JSON object") from None


class ScheduleResource(CloudFormationModel):
    def __init__(self, schedule: Schedule, account_id: str, region_name: str):
        self.schedule = schedule
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.schedule.name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Scheduler::Schedule"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.schedule.arn
        raise UnformattedGetAttTemplateException()

    @staticmethod
    def _arguments(properties: dict[str, Any]) -> dict[str, Any]:
        return {"description": properties.get("Description"), "end_date": properties.get("EndDate"),
                "flexible_time_window": properties.get("FlexibleTimeWindow"),
                "group_name": properties.get("GroupName"), "kms_key_arn": properties.get("KmsKeyArn"),
                "schedule_expression": properties["ScheduleExpression"],
                "schedule_expression_timezone": properties.get("ScheduleExpressionTimezone"),
                "start_date": properties.get("StartDate"), "state": properties.get("State", "ENABLED"),
                "target": dict(properties["Target"])}

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> ScheduleResource:
        properties = cloudformation_json["Properties"]
        check_schedule(properties)
        schedule = scheduler_backends[account_id][region_name].create_schedule(
            name=properties.get("Name") or resource_name, action_after_completion=None, **cls._arguments(properties))
        return cls(schedule, account_id, region_name)

    @classmethod
    def emulator_update(cls, resource: ScheduleResource, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> ScheduleResource:
        if changed(old, new) & {"Name", "GroupName"}:
            name = replacement_name(old.get("Name"), new.get("Name"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        check_schedule(new)
        arguments = cls._arguments(new)
        arguments["group_name"] = resource.schedule.group_name
        scheduler_backends[account_id][region].update_schedule(name=resource.schedule.name, **arguments)
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        scheduler_backends[self.account_id][self.region_name].delete_schedule(self.schedule.group_name,
                                                                              self.schedule.name)


def apply() -> None:
    register_cloudformation_model(ScheduleResource)
