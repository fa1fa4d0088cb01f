"""``LogShipping``: log groups for Apache's access and error logs and the boot log, fed by the CloudWatch
agent, which also reports memory and disk use. The instance role gets only what the agent needs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..encryption import allow_log_groups
from ..options import LOG_RETENTION_PERIODS

#: The files shipped, and the log group each goes to (under /<stack name>/).
SHIPPED = (("/var/log/httpd/access_log", "httpd/access"), ("/var/log/httpd/error_log", "httpd/error"),
           ("/var/log/cloud-init-output.log", "boot"))
#: Where the agent's metrics go; the role may put metrics in this namespace only.
METRICS_NAMESPACE = "CWAgent"


class LogShipping(Construct):
    """The log groups, and the agent's configuration (written to the instance by the user data).

    :param retention_days: how long CloudWatch Logs keeps the events.
    :param encryption_key: a customer managed key for the log groups. Default: CloudWatch Logs' own encryption.
    """

    def __init__(self, scope: Construct, id: str, *, retention_days: int,
                 encryption_key: Optional[kms.IKey] = None) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        if encryption_key is not None:
            allow_log_groups(encryption_key, f"/{stack.stack_name}/")
        #: file path -> its log group (deleted with the stack: the logs are operational, not records).
        self.log_groups: dict[str, logs.LogGroup] = {
            path: logs.LogGroup(self, name.replace("/", "-").title().replace("-", ""),
                                log_group_name=f"/{stack.stack_name}/{name}",
                                retention=logs.RetentionDays(LOG_RETENTION_PERIODS[retention_days]),
                                encryption_key=encryption_key,
                                removal_policy=cdk.RemovalPolicy.DESTROY)
            for path, name in SHIPPED
        }

    def agent_config(self, *, fleet: bool, mount_points: Sequence[str] = ("/",)) -> str:
        """The CloudWatch agent's configuration (JSON), naming the log groups.

        Metrics: ``mem_used_percent`` and ``disk_used_percent`` of ``mount_points``. With ``append_dimensions``
        the agent publishes no ``host`` dimension ("This also causes the agent to not publish the hostname as a
        dimension", CloudWatch agent configuration reference), and ``drop_device`` drops the disk's ``device``;
        ``aggregation_dimensions`` also publishes each metric under exactly the dimensions the alarms name
        (:meth:`.Alarms.watch_memory_and_disk`): memory by ``InstanceId`` and disk by ``InstanceId`` and ``path``
        on hand-managed servers; by ``AutoScalingGroupName`` (and ``path``) on the Auto Scaling tier, whose
        instances come and go (the agent reads the group's name from the instance's tags).
        """
        owner = "AutoScalingGroupName" if fleet else "InstanceId"
        dimensions = {"InstanceId": "${aws:InstanceId}"}
        if fleet:
            dimensions["AutoScalingGroupName"] = "${aws:AutoScalingGroupName}"
        return json.dumps({
            "agent": {"metrics_collection_interval": 60, "run_as_user": "root"},
            "logs": {"logs_collected": {"files": {"collect_list": [
                {"file_path": path, "log_group_name": group.log_group_name, "log_stream_name": "{instance_id}",
                 "retention_in_days": -1}
                for path, group in self.log_groups.items()]}}},
            "metrics": {"namespace": METRICS_NAMESPACE,
                        "append_dimensions": dimensions,
                        "aggregation_dimensions": [[owner], [owner, "path"]] if fleet else [[owner, "path"]],
                        "metrics_collected": {"mem": {"measurement": ["mem_used_percent"]},
                                              "disk": {"measurement": ["used_percent"], "drop_device": True,
                                                       "resources": list(mount_points)}}},
        }, indent=2, sort_keys=True)

    def grant(self, role: iam.IRole, *, fleet: bool) -> None:
        """What the agent does: write to these log groups, and put metrics in its namespace (on the Auto Scaling
        tier, also read the instance's tags for its group's name)."""
        for group in self.log_groups.values():
            group.grant_write(role)
        role.add_to_principal_policy(iam.PolicyStatement(
            sid="CloudWatchAgentMetrics", actions=["cloudwatch:PutMetricData"], resources=["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}}))
        reason = ("cloudwatch:PutMetricData has no resource-level permissions (it takes Resource *); it is limited "
                  f"to the {METRICS_NAMESPACE} namespace by condition.")
        if fleet:
            # ${aws:AutoScalingGroupName} is read from the instance's aws:autoscaling:groupName tag.
            role.add_to_principal_policy(iam.PolicyStatement(
                sid="CloudWatchAgentReadsTheGroupName", actions=["ec2:DescribeTags"], resources=["*"]))
            reason += (" ec2:DescribeTags has no resource-level permissions either; the agent reads the instance's "
                       "Auto Scaling group name with it.")
        cdk.Validations.of(role).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]", reason=reason + " Any other wildcard is a Deny."))

