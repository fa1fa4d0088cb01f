"""``RunSchedule``: the servers run only when they are needed.

Hand-managed servers are stopped and started by EventBridge Scheduler calling EC2's StopInstances and
StartInstances directly (a universal target: no Lambda); the Auto Scaling tier is scaled to zero and back
by the group's own scheduled actions. Stopped, a server costs its volumes and its Elastic IP only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from constructs import Construct

from ..options import Schedule, unix_cron


class RunSchedule(Construct):
    """Stop and start on ``options``' expressions, in its time zone."""

    def __init__(self, scope: Construct, id: str, *, options: Schedule) -> None:
        super().__init__(scope, id)
        self.options = options
        self.time_zone = cdk.TimeZone.of(options.timezone)

    def stop_and_start(self, instances: Sequence[ec2.Instance], *, volume_key: Optional[kms.IKey] = None) -> None:
        """Two schedules, each calling EC2 for every instance, with a role that may do just that. With a customer
        managed ``volume_key``, starting also needs the key: EC2 creates a grant on it for the caller to attach the
        encrypted volumes (EBS User Guide, "Amazon EBS encryption", permissions: kms:CreateGrant, kms:Decrypt,
        kms:DescribeKey)."""
        stack = cdk.Stack.of(self)
        arns = [stack.format_arn(service="ec2", resource="instance", resource_name=i.instance_id) for i in instances]
        ids = [instance.instance_id for instance in instances]
        for name, action, expression in (("Stop", "stopInstances", self.options.stop),
                                         ("Start", "startInstances", self.options.start)):
            scheduler.Schedule(
                self, name, description=f"{name} the web servers ({expression} {self.options.timezone})",
                schedule=scheduler.ScheduleExpression.expression(expression, self.time_zone),
                target=targets.Universal(
                    service="ec2", action=action,
                    input=scheduler.ScheduleTargetInput.from_object({"InstanceIds": ids}),
                    policy_statements=[iam.PolicyStatement(actions=[f"ec2:{action[0].upper()}{action[1:]}"],
                                                           resources=arns),
                                       *self._key_statements(name, volume_key)]))

    @staticmethod
    def _key_statements(name: str, key: Optional[kms.IKey]) -> list[iam.PolicyStatement]:
        if name != "Start" or key is None:
            return []
        return [iam.PolicyStatement(actions=["kms:Decrypt", "kms:DescribeKey"], resources=[key.key_arn]),
                iam.PolicyStatement(actions=["kms:CreateGrant"], resources=[key.key_arn],
                                    conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}})]

    def scale_to_zero_and_back(self, group: autoscaling.AutoScalingGroup, *, min_capacity: int,
                               max_capacity: int) -> None:
        """Scheduled actions on the group: none at stop, min_capacity again at start."""
        for name, prop, expression, low, high in (
                ("Stop", "schedule.stop", self.options.stop, 0, 0),
                ("Start", "schedule.start", self.options.start, min_capacity, max_capacity)):
            group.scale_on_schedule(name, schedule=autoscaling.Schedule.expression(unix_cron(prop, expression)),
                                    min_capacity=low, max_capacity=high, desired_capacity=low,
                                    time_zone=self.options.timezone)

