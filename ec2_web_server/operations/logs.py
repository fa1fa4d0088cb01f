"""``LogShipping``: log groups for Apache's access and error logs and the boot log, fed by the CloudWatch
agent, which also reports memory and disk use. The instance role gets only what the agent needs."""

from __future__ import annotations

import json
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

    def agent_config(self) -> str:
        """The CloudWatch agent's configuration (JSON), naming the log groups."""
        return json.dumps({
            "agent": {"metrics_collection_interval": 60, "run_as_user": "root"},
            "logs": {"logs_collected": {"files": {"collect_list": [
                {"file_path": path, "log_group_name": group.log_group_name, "log_stream_name": "{instance_id}",
                 "retention_in_days": -1}
                for path, group in self.log_groups.items()]}}},
            "metrics": {"namespace": METRICS_NAMESPACE,
                        "append_dimensions": {"InstanceId": "${aws:InstanceId}"},
                        "metrics_collected": {"mem": {"measurement": ["mem_used_percent"]},
                                              "disk": {"measurement": ["used_percent"], "resources": ["/"]}}},
        }, indent=2, sort_keys=True)

    def grant(self, role: iam.IRole) -> None:
        """What the agent does: write to these log groups, and put metrics in its namespace."""
        for group in self.log_groups.values():
            group.grant_write(role)
        role.add_to_principal_policy(iam.PolicyStatement(
            sid="CloudWatchAgentMetrics", actions=["cloudwatch:PutMetricData"], resources=["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}}))
        cdk.Validations.of(role).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="cloudwatch:PutMetricData has no resource-level permissions (it takes Resource *); it is limited "
                   f"to the {METRICS_NAMESPACE} namespace by condition. Any other wildcard is a Deny."))

