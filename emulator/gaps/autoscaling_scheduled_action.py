"""AWS::AutoScaling::ScheduledAction: its own name, checked, updated in place, deleted.

moto 5.2.5 names every scheduled action after its logical ID (two stacks, or a
replacement, overwrite each other's), has no physical ID (Ref gives nothing),
takes an action for a group that does not exist, any Recurrence and any
TimeZone, cannot update one and never deletes one: a removed stop/start
schedule keeps scaling the group.

As AWS does it (aws-resource-autoscaling-scheduledaction.md;
PutScheduledUpdateGroupAction in the EC2 Auto Scaling API reference):

* CloudFormation names the action (``<stack>-<logical id>-<suffix>``) and Ref
  returns that name;
* the group must exist; at least one of MinSize, MaxSize and DesiredCapacity is
  given; Recurrence is a five-field Unix cron expression; TimeZone is an IANA
  time zone name; each a ``ValidationError`` otherwise;
* a new AutoScalingGroupName replaces the action; everything else is changed in
  place (PutScheduledUpdateGroupAction again);
* deleting it is DeleteScheduledAction.

Not emulated: the actions never run (the emulator has no clock-driven
scheduler); the group keeps the size the stack gives it.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import FakeScheduledAction, autoscaling_backends

from emulator.gaps._install import install
from emulator.gaps._props import replaced_on_create_only

_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-?#L]+$")


def _check(properties: dict[str, Any], account_id: str, region_name: str) -> None:
    group = properties.get("AutoScalingGroupName")
    if group not in autoscaling_backends[account_id][region_name].autoscaling_groups:
        raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup '{group}' not found")
    if all(properties.get(k) is None for k in ("MinSize", "MaxSize", "DesiredCapacity")):
        raise ValidationError("At least one of MinSize, MaxSize and DesiredCapacity must be specified")
    recurrence = properties.get("Recurrence")
    if recurrence is not None:
        fields = str(recurrence).split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            raise ValidationError(f"Given recurrence string is invalid: {recurrence}")
    zone = properties.get("TimeZone")
    if zone is not None:
        try:
            zoneinfo.ZoneInfo(str(zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"Invalid time zone: {zone}") from None


class FakeScheduledActionFill:
    """What moto's FakeScheduledAction gains (installed by :func:`apply`)."""

    @property
    def physical_resource_id(self) -> str:
        return self.scheduled_action_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # CloudFormation names the action; the template cannot

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeScheduledAction:
        properties = cloudformation_json["Properties"]
        _check(properties, account_id, region_name)
        return autoscaling_backends[account_id][region_name].put_scheduled_update_group_action(
            name=properties["AutoScalingGroupName"],
            desired_capacity=properties.get("DesiredCapacity"),
            max_size=properties.get("MaxSize"),
            min_size=properties.get("MinSize"),
            scheduled_action_name=resource_name,
            start_time=properties.get("StartTime"),
            end_time=properties.get("EndTime"),
            recurrence=properties.get("Recurrence"),
            timezone=properties.get("TimeZone"),
        )

    @classmethod
    def emulator_update(
        cls, action: FakeScheduledAction, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> FakeScheduledAction:
        # AutoScalingGroupName is createOnly (the schema): another group means a new action.
        replaced = replaced_on_create_only(cls, action.scheduled_action_name, old, new, account_id, region)
        if replaced is not None:
            return replaced
        updated = cls.create_from_cloudformation_json(action.scheduled_action_name, {"Properties": new},
                                                      account_id, region)
        action.__dict__.update(updated.__dict__)  # the same action, changed in place
        autoscaling_backends[account_id][region].scheduled_actions[action.scheduled_action_name] = action
        return action

    def delete(self, account_id: str, region_name: str) -> None:
        autoscaling_backends[account_id][region_name].delete_scheduled_action(
            self.auto_scaling_group_name, self.scheduled_action_name)


def apply() -> None:
    install(FakeScheduledAction, FakeScheduledActionFill)
