"""List what a deployment left behind that still costs money (read-only).

    python -m tools.audit [--region R] [--tag-key K --tag-value V] [--stack-name S] [--endpoint-url URL]

A resource belongs to the deployment when it carries the tag ``KEY=VALUE``, or
the ``aws:cloudformation:stack-name`` tag CloudFormation puts on what it creates
for the stack. The defaults are this app's (constants.py): the tag
``app=ec2-web-server``, the stack ``WebServerStack``, and the region from
``AWS_REGION`` or the AWS config, else the example environment's ``us-east-1``
(always that one against an emulator on localhost unless ``--region`` says
otherwise); with ``--stack-name ''`` only the tag counts.

Reported: instances not terminated (an Auto Scaling group's included, with the
group they belong to), Elastic IPs (associated or not: every public IPv4 address
is billed), EBS volumes, key pairs with their ``/ec2/keypair/<id>`` SSM
parameter, load balancers and target groups, launch templates, Auto Scaling
groups, S3 buckets (the load balancer's access logs) with what they hold (one kept on
purpose with keep_access_logs=true is an *intended* leftover, with its cost), the
stack itself if it still exists, and snapshots - listed with their size as
*intended* leftovers (``DeletionPolicy: Snapshot`` keeps them on purpose).

Day two: AWS Backup vaults (found by tag, or by a name starting with the stack's)
and their recovery points are *intended* leftovers (the vault is retained on
purpose), each with its size, its monthly cost and the command that deletes it;
KMS keys pending deletion are fine (``cdk destroy`` schedules that; AWS KMS does
not bill them meanwhile); a key still enabled that a snapshot, volume or backup
vault in the region uses (their ``KmsKeyId``/``EncryptionKeyArn``) is an
*intended* leftover, with its monthly fee and the command that schedules its
deletion once that data is removed; any other is left behind. ``cdk destroy``
removes the rest, so any still there is flagged, with its removal command: log
groups named ``/<stack>/...``, EventBridge Scheduler schedules named
``<stack>-...`` (schedules cannot carry tags: CloudFormation names them after the
stack and the logical id), AWS Budgets budgets named after the stack or
filtering on its tag, and SNS topics with the tag. Monthly costs come from
cost_model/prices.json for the region (left out where it has none).

A site's name: ACM certificates with the tag (or CDK's ``Name`` tag under the
stack's path: CloudFormation does not give certificates its own tags) are left
behind; ``cdk destroy`` deletes them. Route 53 records carry no tags, so the
audit checks every public hosted zone of the account for *dangling* records,
whatever made them: an A/AAAA alias (or a CNAME) to a load balancer that no
longer exists, or an A/AAAA record to a public IP address that no Elastic IP or
network interface of the account holds in any region (released: anyone may be
given it next, a subdomain takeover risk). They are flagged with the command
that deletes each. ACM's DNS validation CNAMEs (``_<hash>.<name>`` to
``*.acm-validations.aws``) that no certificate in the region uses are *intended*
leftovers: CloudFormation leaves them on purpose, they are free, and ACM reuses
them for the next certificate for the name. A record whose target the stack also
left behind (its load balancer, its Elastic IP) is not dangling: the target is
flagged instead.

Credentials: the usual AWS ones (profile, environment, SSO...). With an
``--endpoint-url`` on this machine (``localhost``, ``127.0.0.1``: the local
emulator) the audit signs with fake credentials instead, so it needs none and
never sends real ones to an emulator; fake credentials are never used with any
other endpoint.

Exit status: 0 when nothing unintended is left, 1 otherwise (an error included).
Only Describe/Get/List calls are made (and STS GetCallerIdentity, for the account
that AWS Budgets and the snapshots' owner filter need); it works against a real
account too. Route 53 is global: its
zones are checked whichever region is audited, and the addresses and load
balancers a record may point at are looked up in every region of the account
(only when a record needs it).

The package: one module per AWS service with its lookups (``ec2.py``, ``autoscaling.py``, ``elbv2.py``, ``s3.py``,
``cloudformation.py``, ``backup.py``, ``logs.py``, ``scheduler.py``, ``budgets.py``, ``kms.py``, ``sns.py``,
``acm.py``, ``route53.py``), ``core.py`` (which calls them, in the report's order), ``report.py`` (findings and
the table), ``common.py``, ``session.py`` (credentials, regions) and ``cli.py``.
"""

from tools.audit.cli import main
from tools.audit.common import STACK_NAME_TAG
from tools.audit.core import audit
from tools.audit.report import DANGLING, AuditReport, Finding, format_report
from tools.audit.session import FAKE_CREDENTIALS, default_region, is_local, session_for

__all__ = ["DANGLING", "FAKE_CREDENTIALS", "STACK_NAME_TAG", "AuditReport", "Finding", "audit", "default_region",
           "format_report", "is_local", "main", "session_for"]
