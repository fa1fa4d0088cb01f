"""``Patching``: the servers' operating system patched on a schedule, one server at a time.

An AWS Systems Manager maintenance window (there is no L2 construct for maintenance windows in aws-cdk-lib,
so these are its L1 resources) runs the AWS-owned ``AWS-RunPatchBaseline`` document with ``Operation=Install``
and ``RebootOption=RebootIfNeeded`` on the servers: the hand-managed ones by instance id, the Auto Scaling
group's by the ``aws:autoscaling:groupName`` tag EC2 Auto Scaling puts on every instance it launches. Patches
are those the operating system's default patch baseline approves (for Amazon Linux, security and bug-fix
updates, seven days after release: Patch Manager's predefined baselines).

- **One server at a time**: ``MaxConcurrency`` 1, so a fleet is never all down at once; behind a load balancer,
  its health checks keep traffic off the rebooting server.
- **Stop at the first failure**: ``MaxErrors`` 0 ("the system stops sending requests after the first error",
  Systems Manager's ``MaxErrors``): a patch that breaks one server is not rolled on to the next; the others keep
  serving, and the window's history says which failed.
- **Compliance**: every run records each server's patch state in Systems Manager (compliance type ``Patch``):
  ``aws ssm describe-instance-patch-states`` or the console's Patch Manager, "Compliance reporting".

The task runs under Systems Manager's service-linked role (no ``ServiceRoleArn``: "If you don't specify a
service role ARN, Systems Manager uses a service-linked role in your account").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from ..options import PatchSchedule

# Time per server, patches and a reboot included, with room to spare; the window also keeps an hour's cutoff, when
# no new task starts (a maintenance window lasts 1 to 24 hours, its cutoff is below its duration).
MINUTES_PER_SERVER = 30
CUTOFF_HOURS = 1
MAX_WINDOW_HOURS = 24


def window_hours(servers: int) -> int:
    """Long enough to patch ``servers`` one after another, within the 24 hours a window may last."""
    return min(MAX_WINDOW_HOURS, CUTOFF_HOURS + max(1, math.ceil(servers * MINUTES_PER_SERVER / 60)))


class Patching(Construct):
    """The maintenance window, its targets and its patch task.

    :param options: when (cron, time zone).
    :param instances: hand-managed servers to patch (by instance id).
    :param group: or the Auto Scaling group whose instances to patch (by their group tag).
    :param servers: at most how many servers there are (the group's max_capacity), to size the window.
    """

    def __init__(self, scope: Construct, id: str, *, options: PatchSchedule, instances: Sequence[ec2.Instance] = (),
                 group: autoscaling.AutoScalingGroup | None = None, servers: int) -> None:
        super().__init__(scope, id)
        hours = window_hours(servers)
        #: The maintenance window.
        self.window = ssm.CfnMaintenanceWindow(
            self, "Window", name=f"{cdk.Stack.of(self).stack_name}-patching",
            description="Patch the web servers, one at a time",
            schedule=options.cron, schedule_timezone=options.timezone, duration=hours, cutoff=CUTOFF_HOURS,
            allow_unassociated_targets=False)
        if group is not None:
            targets = [ssm.CfnMaintenanceWindowTarget.TargetsProperty(
                key="tag:aws:autoscaling:groupName", values=[group.auto_scaling_group_name])]
        else:
            targets = [ssm.CfnMaintenanceWindowTarget.TargetsProperty(
                key="InstanceIds", values=[instance.instance_id for instance in instances])]
        #: The servers the window patches.
        self.target = ssm.CfnMaintenanceWindowTarget(
            self, "Servers", window_id=self.window.ref, resource_type="INSTANCE", targets=targets,
            description="The web servers")
        #: The patch task: AWS-RunPatchBaseline, Install, reboot if needed.
        self.task = ssm.CfnMaintenanceWindowTask(
            self, "RunPatchBaseline", window_id=self.window.ref, task_type="RUN_COMMAND",
            task_arn="AWS-RunPatchBaseline", priority=1, max_concurrency="1", max_errors="0",
            targets=[ssm.CfnMaintenanceWindowTask.TargetProperty(key="WindowTargetIds", values=[self.target.ref])],
            task_invocation_parameters=ssm.CfnMaintenanceWindowTask.TaskInvocationParametersProperty(
                maintenance_window_run_command_parameters=ssm.CfnMaintenanceWindowTask
                .MaintenanceWindowRunCommandParametersProperty(
                    comment="Install approved patches, reboot if needed",
                    parameters={"Operation": ["Install"], "RebootOption": ["RebootIfNeeded"]})),
            description="Patch each server in turn, stopping at the first failure")
