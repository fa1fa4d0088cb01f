"""``Alarms``: an encrypted, TLS-only SNS topic that mails ``alarm_email``, and the CloudWatch alarms sent to it.

Hand-managed servers heal themselves: a failed system status check recovers the instance onto other
hardware (EC2's recover action), a failed instance status check reboots it; both notify, and so does
CPU above 80% for 15 minutes. For the Auto Scaling tier, replacing unhealthy instances is the group's own
job; the alarms say when targets are unhealthy, when the load balancer answers 5xx, and when the group
has been at its maximum for 30 minutes (it can grow no further).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from .logs import METRICS_NAMESPACE

# Thresholds, each with why.
CPU_HIGH_PERCENT = 80  # sustained, it leaves no room for a spike
CPU_HIGH_MINUTES = 15
FIVE_XX_PER_FIVE_MINUTES = 10  # a few 5xx happen during deploys; ten in five minutes is an outage
AT_MAXIMUM_MINUTES = 30
# Memory and disk use from the CloudWatch agent (logs=true): the thresholds are props, these are the defaults.
MEMORY_HIGH_PERCENT = 90  # mem_used_percent leaves out the page cache: 90% sustained is a server about to swap
MEMORY_HIGH_MINUTES = 15
DISK_HIGH_PERCENT = 85  # time to grow the volume (EBS grows in place) before writes fail
DISK_HIGH_MINUTES = 10


class Alarms(Construct):
    """The alarm topic, its email subscription, and the alarms.

    :param email: where the alarms go (the subscription must be confirmed from that mailbox once).
    :param key: the customer managed key for the topic (``kms_key``). Default: a key of the topic's own.
    """

    def __init__(self, scope: Construct, id: str, *, email: str, key: Optional[kms.IKey] = None) -> None:
        super().__init__(scope, id)
        # CloudWatch can publish to an encrypted topic only with a key of our own whose policy lets it use
        # the key; the AWS managed aws/sns key does not (Amazon SNS, "Encryption at rest": "Configure AWS
        # KMS permissions for AWS services").
        #: The topic's key, rotated yearly: ``key``, or one of its own.
        self.key: kms.IKey = key or kms.Key(self, "TopicKey", enable_key_rotation=True,
                                            description="Encrypts the web server's alarm topic",
                                            removal_policy=cdk.RemovalPolicy.DESTROY,
                                            pending_window=cdk.Duration.days(7))
        self.key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        #: The topic: encrypted at rest, TLS only.
        self.topic = sns.Topic(self, "Topic", display_name="Web server alarms", master_key=self.key,
                               enforce_ssl=True)
        self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self._notify = actions.SnsAction(self.topic)
        #: Every alarm made here.
        self.alarms: list[cloudwatch.Alarm] = []

    def _alarm(self, id: str, *, metric: cloudwatch.IMetric, threshold: float, periods: int, description: str,
               comparison: cloudwatch.ComparisonOperator, extra: Sequence[cloudwatch.IAlarmAction] = ()) -> None:
        alarm = cloudwatch.Alarm(
            self, id, metric=metric, threshold=threshold, evaluation_periods=periods, datapoints_to_alarm=periods,
            comparison_operator=comparison, alarm_description=description,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING)
        alarm.add_alarm_action(*extra, self._notify)
        self.alarms.append(alarm)

    def watch_instance(self, id: str, instance: ec2.Instance, *, recoverable: bool) -> None:
        """Recover on a failed system check (where EC2 can: not with instance store), reboot on a failed instance
        check, and say when the CPU stays high."""
        def metric(name: str, statistic: str, minutes: int) -> cloudwatch.Metric:
            return cloudwatch.Metric(namespace="AWS/EC2", metric_name=name, statistic=statistic,
                                     period=cdk.Duration.minutes(minutes),
                                     dimensions_map={"InstanceId": instance.instance_id})

        at_least_one = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        self._alarm(f"{id}SystemCheck", metric=metric("StatusCheckFailed_System", "Maximum", 1), threshold=1,
                    periods=2, comparison=at_least_one,
                    extra=[actions.Ec2Action(actions.Ec2InstanceAction.RECOVER)] if recoverable else [],
                    description=f"{id}: the system status check failed (AWS's hardware or network)"
                                + (": EC2 recovers the instance onto other hardware" if recoverable else ""))
        self._alarm(f"{id}InstanceCheck", metric=metric("StatusCheckFailed_Instance", "Maximum", 1), threshold=1,
                    periods=3, comparison=at_least_one, extra=[actions.Ec2Action(actions.Ec2InstanceAction.REBOOT)],
                    description=f"{id}: the instance status check failed (its operating system): EC2 reboots it")
        self._alarm(f"{id}CpuHigh", metric=metric("CPUUtilization", "Average", 5), threshold=CPU_HIGH_PERCENT,
                    periods=CPU_HIGH_MINUTES // 5, comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    description=f"{id}: CPU above {CPU_HIGH_PERCENT}% for {CPU_HIGH_MINUTES} minutes")

    def watch_memory_and_disk(self, id: str, *, owner: Mapping[str, str], mount_points: Sequence[str],
                              memory_percent: float, disk_percent: float, worst_instance: bool) -> None:
        """Memory and disk use from the CloudWatch agent, under the dimensions its configuration publishes them
        with (:meth:`.LogShipping.agent_config`): ``owner`` is ``{"InstanceId": ...}`` or, for a group,
        ``{"AutoScalingGroupName": ...}``, whose ``worst_instance`` (Maximum across them) is what counts."""
        def metric(name: str, statistic: str, extra: Mapping[str, str]) -> cloudwatch.Metric:
            return cloudwatch.Metric(namespace=METRICS_NAMESPACE, metric_name=name, statistic=statistic,
                                     period=cdk.Duration.minutes(5), dimensions_map={**owner, **extra})

        above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        self._alarm(f"{id}MemoryHigh", metric=metric("mem_used_percent", "Maximum" if worst_instance else "Average",
                                                     {}),
                    threshold=memory_percent, periods=MEMORY_HIGH_MINUTES // 5, comparison=above,
                    description=f"{id}: memory use above {memory_percent}% for {MEMORY_HIGH_MINUTES} minutes")
        for path in mount_points:
            label = "".join(part.title() for part in re.split(r"[^A-Za-z0-9]+", path) if part) or "Root"
            self._alarm(f"{id}Disk{label}", metric=metric("disk_used_percent", "Maximum", {"path": path}),
                        threshold=disk_percent, periods=DISK_HIGH_MINUTES // 5, comparison=above,
                        description=f"{id}: disk use of {path} above {disk_percent}% for {DISK_HIGH_MINUTES} "
                                    "minutes: grow the volume or clear space before writes fail")

    def watch_group(self, group: autoscaling.AutoScalingGroup, *, max_capacity: int,
                    load_balancer: elbv2.ApplicationLoadBalancer, target_group: elbv2.ApplicationTargetGroup) -> None:
        """Unhealthy targets, the load balancer's own 5xx, and the group at its maximum for half an hour."""
        self._alarm("UnhealthyTargets", metric=target_group.metrics.unhealthy_host_count(period=cdk.Duration.minutes(1)),
                    threshold=1, periods=5, comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    description="Targets have been unhealthy for 5 minutes (the group replaces them; if this stays, "
                                "new instances fail too)")
        self._alarm("LoadBalancer5xx", metric=load_balancer.metrics.http_code_elb(
                        elbv2.HttpCodeElb.ELB_5XX_COUNT, period=cdk.Duration.minutes(5), statistic="Sum"),
                    threshold=FIVE_XX_PER_FIVE_MINUTES, periods=1,
                    comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    description=f"The load balancer answered 5xx {FIVE_XX_PER_FIVE_MINUTES} times or more in 5 minutes")
        in_service = cloudwatch.Metric(
            namespace="AWS/AutoScaling", metric_name="GroupInServiceInstances", statistic="Minimum",
            period=cdk.Duration.minutes(5), dimensions_map={"AutoScalingGroupName": group.auto_scaling_group_name})
        self._alarm("GroupAtMaximum", metric=in_service, threshold=max_capacity, periods=AT_MAXIMUM_MINUTES // 5,
                    comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                    description=f"The group has run at max_capacity ({max_capacity}) for {AT_MAXIMUM_MINUTES} minutes: "
                                "it cannot grow further; raise max_capacity or look at the load")
