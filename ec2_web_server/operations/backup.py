"""``Backups``: AWS Backup of hand-managed servers: a plan, an encrypted vault, and a selection by the stack's
tag (``aws:cloudformation:stack-name``), which covers every instance (an AMI with snapshots of all its
volumes) and every data volume of the stack, attached or not.

The vault outlives ``cdk destroy`` (CloudFormation cannot delete a vault that holds recovery points, and
they are the point): ``make audit`` lists it with its recovery points, their cost and how to remove them.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_backup as backup
from aws_cdk import aws_events as events
from constructs import Construct

from ..options import Backup


class Backups(Construct):
    """The plan, its vault and its selection.

    :param options: when, and for how long recovery points are kept.
    """

    def __init__(self, scope: Construct, id: str, *, options: Backup) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        #: Encrypted with AWS Backup's own KMS key (aws/backup); kept after destroy.
        self.vault = backup.BackupVault(self, "Vault", removal_policy=cdk.RemovalPolicy.RETAIN)
        if options.schedule == "daily":
            rule = backup.BackupPlanRule.daily(self.vault)
        elif options.schedule == "weekly":
            rule = backup.BackupPlanRule.weekly(self.vault)
        else:
            rule = backup.BackupPlanRule(backup_vault=self.vault, rule_name="Custom",
                                         schedule_expression=events.Schedule.expression(options.schedule))
        retention = backup.BackupPlanRule(
            backup_vault=self.vault, rule_name=rule.props.rule_name,
            schedule_expression=rule.props.schedule_expression,
            delete_after=cdk.Duration.days(options.retention_days))
        #: The plan.
        self.plan = backup.BackupPlan(self, "Plan", backup_vault=self.vault, backup_plan_rules=[retention])
        #: Everything this stack created that AWS Backup can back up.
        self.selection = self.plan.add_selection("StackResources", resources=[
            backup.BackupResource.from_tag("aws:cloudformation:stack-name", stack.stack_name)])
        cdk.Validations.of(self.selection).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
               "AWSBackupServiceRolePolicyForBackup]",
            reason="AWS Backup's own managed policy for its service role, maintained by AWS as the services it backs "
                   "up change."))
