"""``WebServerFleet``: the Auto Scaling tier's servers: a launch template and an EC2 Auto Scaling group.

Every instance is launched from the same template as the single tier's servers would be (the AMI,
instance type, IMDSv2 required, encrypted root, the Session Manager role, the key pair, the same user
data) and signals CloudFormation once Apache answers. The group spans at least two Availability
Zones, replaces instances its load balancer finds unhealthy, scales on CPU (and on requests if asked),
and rolls a new template out batch by batch without ever dropping below ``min_capacity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from constructs import Construct

from .capacity import is_mixed, mixed_instances_policy
from .instance_types import InstanceTypeInfo, instance_type_info
from .options import AutoScaling, ShutdownBehavior

# As long as CloudFormation waits for a new instance's signal: the user data updates the system and
# installs Apache (a few minutes on a t2.micro), and an instance must not be judged by the load
# balancer's health check before it has had the time it has to report.
SIGNAL_TIMEOUT = cdk.Duration.minutes(15)
HEALTH_CHECK_GRACE = SIGNAL_TIMEOUT


class WebServerFleet(Construct):
    """An Auto Scaling group of web servers registered with a load balancer's target group.

    :param subnets: where the instances go (two Availability Zones at least).
    :param block_devices: root and instance-store mappings, as for a single server.
    :param user_data: the boot script; the signal to CloudFormation is added here, last.
    :param target_group: the load balancer's target group the instances join.
    :param group_metrics: collect the group's in-service count as a metric (for an alarm).
    """

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet],
                 machine_image: ec2.IMachineImage, instance_type: InstanceTypeInfo,
                 security_group: ec2.ISecurityGroup, role: iam.IRole, key_pair: ec2.IKeyPair,
                 block_devices: Sequence[ec2.BlockDevice], user_data: ec2.UserData,
                 target_group: elbv2.ApplicationTargetGroup, options: AutoScaling,
                 placement_group: Optional[ec2.IPlacementGroup], shutdown_behavior: ShutdownBehavior,
                 detailed_monitoring: bool, group_metrics: bool = False, name: str) -> None:
        super().__init__(scope, id)
        #: What every instance is launched from.
        self.launch_template = ec2.LaunchTemplate(
            self, "LaunchTemplate",
            machine_image=machine_image,
            instance_type=ec2.InstanceType(instance_type.name),
            # IMDSv2 only (require_imdsv2=True as well wrote the same MetadataOptions).
            http_tokens=ec2.LaunchTemplateHttpTokens.REQUIRED,
            role=role,
            key_pair=key_pair,
            security_group=security_group,
            user_data=user_data,
            block_devices=list(block_devices),
            detailed_monitoring=detailed_monitoring,
            # With Spot in the group, terminate: the group's Spot instances come from one-time requests, and EC2 can
            # stop only an instance of a persistent request (EC2 User Guide, "Stop a Spot Instance"); a stopped
            # instance is replaced as unhealthy anyway.
            instance_initiated_shutdown_behavior=ec2.InstanceInitiatedShutdownBehavior[
                "TERMINATE" if options.spot_percent > 0 else shutdown_behavior.upper()],
            placement_group=placement_group,
        )
        cdk.Tags.of(self.launch_template).add("Name", name)
        mixed = None
        if is_mixed(options.instance_types, options.spot_percent, options.on_demand_base):
            mixed = mixed_instances_policy(self.launch_template, instance_type,
                                           [instance_type_info(other) for other in options.instance_types],
                                           spot_percent=options.spot_percent, on_demand_base=options.on_demand_base)
        #: The group.
        self.auto_scaling_group = autoscaling.AutoScalingGroup(
            self, "Group", vpc=vpc, vpc_subnets=ec2.SubnetSelection(subnets=list(subnets)),
            # The launch template, or the policy that names it with the other types and the Spot share (not both).
            launch_template=self.launch_template if mixed is None else None, mixed_instances_policy=mixed,
            # With Spot in the mix, launch a replacement as soon as EC2 says an instance is at elevated risk of
            # interruption, rather than after it is gone.
            capacity_rebalance=True if options.spot_percent > 0 else None,
            min_capacity=options.min_capacity,
            max_capacity=options.max_capacity,
            desired_capacity=options.desired_capacity,
            # The group's own size as a metric (free, one-minute): what the "at maximum" alarm watches.
            group_metrics=[autoscaling.GroupMetrics(autoscaling.GroupMetric.IN_SERVICE_INSTANCES)]
            if group_metrics else None,
            health_checks=autoscaling.HealthChecks.with_additional_checks(
                additional_types=[autoscaling.AdditionalHealthCheckType.ELB], grace_period=HEALTH_CHECK_GRACE),
            # Creation waits for min_capacity instances to report that Apache answers.
            signals=autoscaling.Signals.wait_for_min_capacity(timeout=SIGNAL_TIMEOUT),
            # A new template (AMI, instance type, user data) is rolled out with never fewer than
            # min_capacity instances in service: each batch is new instances started in the room between
            # min and max, which must signal before old ones go; a batch that fails rolls the update back.
            update_policy=autoscaling.UpdatePolicy.rolling_update(
                min_instances_in_service=options.min_capacity,
                max_batch_size=rolling_batch_size(options),
                wait_on_resource_signals=True,
                pause_time=SIGNAL_TIMEOUT,
            ),
        )
        cdk.Validations.of(self.auto_scaling_group).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-AS3",
            reason="Scaling events are in the group's activity history; notifications need somewhere to go, which "
                   "a deployment without an alarm address does not have."))
        if mixed is not None:
            # cdk-nag 3.0.2's EC26 reads a group's LaunchTemplate only; with a MixedInstancesPolicy it has none and
            # the rule throws. The policy names this launch template, whose root and data block devices are encrypted
            # (ebs.block_devices), as without the policy.
            cdk.Validations.of(self.auto_scaling_group).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-EC26",
                reason="The group launches from its MixedInstancesPolicy's launch template, the same one as without "
                       "Spot or extra types, whose EBS block devices are all encrypted; cdk-nag's EC26 reads only a "
                       "group's own LaunchTemplate property."))
        user_data.add_signal_on_exit_command(self.auto_scaling_group)
        cdk.Tags.of(self.auto_scaling_group).add("Name", name, apply_to_launched_instances=True)
        target_group.add_target(self.auto_scaling_group)
        self.auto_scaling_group.scale_on_cpu_utilization("Cpu", target_utilization_percent=options.cpu_target)
        if options.requests_per_target is not None:
            self.auto_scaling_group.scale_on_request_count(
                "Requests", target_requests_per_minute=options.requests_per_target)


def rolling_batch_size(options: AutoScaling) -> int:
    """Instances replaced at a time: the room above min_capacity (so none below it is ever taken out)."""
    return max(1, options.max_capacity - options.min_capacity)
