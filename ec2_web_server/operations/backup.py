"""``Backups``: AWS Backup of hand-managed servers: a plan, an encrypted vault, and a selection of the
stack's instances. An instance's recovery point is an AMI with a snapshot of each of its volumes, root and
attached data volumes alike, taken together.

The selection names the instances rather than every resource with the stack's tag: by tag, each data
volume would also be backed up on its own (a second, separate chain of snapshots of the same data, paid
twice), and other taggable resources AWS Backup supports (an access logs bucket, once S3 is opted in)
would be swept in too. A volume detached while the instance is replaced (``detach_volumes``) is not
backed up during those minutes.

The vault outlives ``cdk destroy`` (CloudFormation cannot delete a vault that holds recovery points, and
they are the point): ``make audit`` lists it with its recovery points, their cost and how to remove them.
Its name ends with the first part of the stack's ID, which is new for every stack created, so the next
deploy after a destroy makes a vault of its own instead of failing on the kept one's name
(CreateBackupVault answers AlreadyExists for a name taken in the region). Turning ``backup`` off and on
again within one stack gives the new vault the kept one's name: delete the kept vault first (once its
recovery points may go; ``make audit`` prints the commands).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_backup as backup
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..encryption import allow_key_user
from ..options import Backup


def _per_stack_name(scope: Construct) -> str:
    """CDK's name for the vault (it starts with the stack's name), cut to leave room for 9 characters, then "-"
    and the stack ID's first 8 hex digits (AWS::Backup::BackupVault's name: 2-50 of a-z, A-Z, 0-9, - and _)."""
    stack_uuid = cdk.Fn.select(2, cdk.Fn.split("/", cdk.Aws.STACK_ID))
    return cdk.Fn.join("-", [cdk.Names.unique_id(scope)[:41], cdk.Fn.select(0, cdk.Fn.split("-", stack_uuid))])


class Backups(Construct):
    """The plan, its vault and its selection.

    :param options: when, and for how long recovery points are kept.
    :param instances: the instances to back up, each with all its volumes.
    :param encryption_key: a customer managed key for the vault. Default: AWS Backup's own key (aws/backup).
    """

    def __init__(self, scope: Construct, id: str, *, options: Backup, instances: Sequence[ec2.Instance],
                 encryption_key: Optional[kms.IKey] = None) -> None:
        super().__init__(scope, id)
        #: Encrypted with ``encryption_key``, else AWS Backup's own KMS key (aws/backup); kept after destroy.
        self.vault = backup.BackupVault(self, "Vault", removal_policy=cdk.RemovalPolicy.RETAIN,
                                        backup_vault_name=_per_stack_name(self), encryption_key=encryption_key)
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
        #: The stack's instances, each with all its volumes.
        self.selection = self.plan.add_selection("Instances", resources=[
            backup.BackupResource.from_ec2_instance(instance) for instance in instances])
        if encryption_key is not None:
            # The plan's role uses the vault's key, as a key user (see ..encryption).
            allow_key_user(encryption_key, "AwsBackup", self.selection.grant_principal)
        cdk.Validations.of(self.selection).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
               "AWSBackupServiceRolePolicyForBackup]",
            reason="AWS Backup's own managed policy for its service role, maintained by AWS as the services it backs "
                   "up change."))
