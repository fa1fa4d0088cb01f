"""``kms_key``: one customer managed key for the data the web server keeps: its EBS volumes (the root and data
volumes of hand-managed servers, and the launch template's), its log groups, its backup vault and its alarm
topic. ``create`` makes the key (rotated yearly) with a key policy that lets each of those services use it, and
nothing else; an existing key's policy is yours, and must allow the same (README, "Your own key").

The statements, each from the service's own documentation:

- the account, through IAM policies (KMS's default key policy, "Default key policy"): the key stays manageable,
  and whoever launches or starts the servers with IAM permissions for the key (CloudFormation's deploy role,
  the stop/start schedule's role) may use it for their volumes;
- on the Auto Scaling tier, EC2 Auto Scaling's service-linked role, which launches the group's instances with
  their encrypted volumes: the two statements of the EC2 Auto Scaling User Guide, "Required AWS KMS key policy
  for use with encrypted volumes" (use of the key; grants for AWS resources only). KMS refuses a key policy
  naming a role that does not exist, and that role exists once the account has had any Auto Scaling group (else
  ``aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`` creates it, once). A
  wildcard principal limited by ``kms:ViaService`` (the ``aws/ebs`` key's own policy) would not need it, but
  policy scanners such as checkov (CKV_AWS_33) refuse any wildcard principal in a key policy;
- CloudWatch Logs (``logs.<region>.amazonaws.com``), only for this stack's log groups, by the encryption context
  it sends (CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS");
- CloudWatch alarms publishing to the encrypted topic (added by :class:`~.operations.Alarms`; Amazon SNS
  Developer Guide, "Configure AWS KMS permissions for AWS services");
- AWS Backup's role for the plan (added by :class:`~.operations.Backups`; AWS Backup Developer Guide,
  "Encryption for backups in AWS Backup").

On ``cdk destroy`` the key is scheduled for deletion after a 30-day waiting period (the longest KMS allows: time
to cancel it with ``aws kms cancel-key-deletion``), unless data the stack leaves behind is encrypted with it
(data volumes kept or snapshotted on destroy, the backup vault): then it is retained, as that data would be
unreadable without it.
"""

from __future__ import annotations

import re
from typing import Literal, Optional, Union

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from .errors import SettingError

#: ``kms_key``: create a key, or use an existing one.
KmsKeyChoice = Union[kms.IKey, Literal["create"]]
#: KMS: "a waiting period ... from 7 to 30 days" (ScheduleKeyDeletion, PendingWindowInDays).
PENDING_WINDOW_DAYS = 30
# A key ARN (KMS Developer Guide, "Key identifiers"): arn:<partition>:kms:<region>:<account>:key/<key id>, the id a
# UUID, or mrk- and 32 hex digits for a multi-Region key. Aliases are not taken: CloudWatch Logs and AWS Backup
# take a key ARN only (AssociateKmsKey kmsKeyId, CreateBackupVault EncryptionKeyArn).
KEY_ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\d{12}):key/"
                     r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})")
# A key user's actions, as KMS's default policy for key users writes them ("Allow use of the key"); creating
# grants is its own statement, for AWS resources only ("Allow attachment of persistent resources").
KEY_USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
AUTO_SCALING_ROLE = "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


def check_key_arn(arn: str, *, region: Optional[str]) -> None:
    """An existing key: a key ARN, in the stack's region (KMS keys are regional, and EBS, CloudWatch Logs and AWS
    Backup use a key of the resource's own region)."""
    match = KEY_ARN.fullmatch(arn)
    if not match:
        raise SettingError("kms_key", arn, "must be create, or a KMS key ARN such as "
                                           "arn:aws:kms:us-east-1:123456789012:key/<key id> (not an alias)")
    if region is not None and not cdk.Token.is_unresolved(region) and match.group(2) != region:
        raise SettingError("kms_key", arn, f"is a key in {match.group(2)}; the stack's resources in {region} can use "
                                           "keys of their own region only")


class DataKey(Construct):
    """The customer managed key made for ``kms_key=create``.

    :param retain: keep the key after ``cdk destroy``, because data left behind is encrypted with it.
    :param auto_scaling: EC2 Auto Scaling launches instances with volumes encrypted by the key.
    """

    def __init__(self, scope: Construct, id: str, *, retain: bool, auto_scaling: bool) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        #: The key: rotated yearly; scheduled for deletion on destroy unless retained.
        self.key = kms.Key(
            self, "Key", enable_key_rotation=True,
            description=f"{stack.stack_name}: the web server's volumes, log groups, backup vault and alarm topic",
            removal_policy=cdk.RemovalPolicy.RETAIN if retain else cdk.RemovalPolicy.DESTROY,
            pending_window=cdk.Duration.days(PENDING_WINDOW_DAYS))
        if auto_scaling:
            allow_key_user(self.key, "AutoScaling", iam.ArnPrincipal(stack.format_arn(
                service="iam", region="", resource="role", resource_name=AUTO_SCALING_ROLE)))


def allow_key_user(key: kms.IKey, sid: str, principal: iam.IPrincipal) -> None:
    """``principal`` may use the key and create grants for AWS resources with it (no-op for an existing key)."""
    key.add_to_resource_policy(iam.PolicyStatement(
        sid=f"{sid}UsesTheKey", principals=[principal], actions=KEY_USER_ACTIONS, resources=["*"]))
    key.add_to_resource_policy(iam.PolicyStatement(
        sid=f"{sid}GrantsForAwsResources", principals=[principal], actions=["kms:CreateGrant"], resources=["*"],
        conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}}))


def allow_log_groups(key: kms.IKey, prefix: str) -> None:
    """CloudWatch Logs may use the key for the log groups named ``prefix...`` only (no-op for an existing key)."""
    stack = cdk.Stack.of(key)
    key.add_to_resource_policy(iam.PolicyStatement(
        sid="CloudWatchLogsForTheStacksLogGroups",
        principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")], actions=LOGS_ACTIONS,
        resources=["*"],
        conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": stack.format_arn(
            service="logs", resource="log-group", resource_name=f"{prefix}*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)}}))


def resolve_key(scope: Construct, choice: Optional[KmsKeyChoice], *, retain: bool,
                auto_scaling: bool) -> Optional[kms.IKey]:
    """The key for ``kms_key``: a new one (``create``), the given one (its region checked), or None."""
    if choice is None:
        return None
    if choice == "create":
        return DataKey(scope, "Encryption", retain=retain, auto_scaling=auto_scaling).key
    if isinstance(choice, str):
        raise SettingError("kms_key", choice, "must be create, or a kms.IKey (kms.Key.from_key_arn for an existing key)")
    arn = choice.key_arn
    if not cdk.Token.is_unresolved(arn):
        check_key_arn(arn, region=cdk.Stack.of(scope).region)
    return choice
