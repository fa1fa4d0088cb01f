"""Deploy and destroy this app for real with the pinned CDK CLI, against the local emulator.

Shared by ``make demo`` (tools/demo.py), the end-to-end tests and the benchmark, so they all drive
the same commands a user types, and read back what was built with plain boto3 calls.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION, STACK_NAME
from tools.cdk_cli import cdk, cli_env, context_args
from tools.templates import SecurityGroupRule, protocol


class CommandFailed(RuntimeError):
    """A CDK CLI command exited non-zero; ``output`` is what it printed."""

    def __init__(self, what: str, result: subprocess.CompletedProcess) -> None:
        self.result = result
        self.output = (result.stdout or "") + (result.stderr or "")
        last = [line for line in self.output.strip().splitlines() if line.strip()][-3:]
        detail = " | ".join(last) if last else "see the CLI's output above"
        super().__init__(f"{what} failed (exit {result.returncode}): {detail}")


@dataclass
class Deployment:
    """The CLI pointed at one emulator. ``capture`` keeps the CLI's output off the terminal (tests).

    The CLI's output goes to a temporary folder, made on first use and removed by ``close()`` (or ``with``), else
    when the object is garbage-collected or Python exits: nothing is left in the temporary directory."""

    emulator: Any
    capture: bool = True
    _workdir: Optional[Path] = field(default=None, init=False, repr=False)
    _remove: Optional[weakref.finalize] = field(default=None, init=False, repr=False)

    @property
    def workdir(self) -> Path:
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="cdk-deploy-"))
            # A finalizer holds the path, not the object: it runs once, at close(), collection or exit.
            self._remove = weakref.finalize(self, shutil.rmtree, self._workdir, ignore_errors=True)
        return self._workdir

    def close(self) -> None:
        """Remove the temporary folder (the assemblies the CLI wrote); a later command makes a new one."""
        if self._remove is not None:
            self._remove()
        self._workdir = self._remove = None

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def env(self) -> dict[str, str]:
        return cli_env(emulator_env=self.emulator.env())

    def _run(self, what: str, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
        result = cdk(args, env=self.env, check=False, capture=self.capture)
        if check and result.returncode != 0:
            raise CommandFailed(what, result)
        return result

    def bootstrap(self) -> None:
        """``cdk bootstrap`` of the example environment. Run in the project, the CLI would first synthesize the app
        (most of the command's 12 s here); given a placeholder assembly for that environment, it does not."""
        self._run("cdk bootstrap", ["bootstrap", f"aws://{EXAMPLE_ACCOUNT}/{EXAMPLE_REGION}",
                                    "--app", str(placeholder_assembly(self.workdir / "bootstrap.out"))])

    def deploy(self, context: Optional[Mapping[str, str]] = None, *, app: Optional[Path] = None,
               check: bool = True) -> subprocess.CompletedProcess:
        """``cdk deploy`` with ``-c`` settings, or of an already synthesized assembly (``app``)."""
        source = ["--app", str(app)] if app else ["--output", str(self.workdir / "cdk.out")]
        return self._run("cdk deploy", ["deploy", STACK_NAME, "--require-approval", "never", *source,
                                         *context_args(context or {})], check=check)

    def destroy(self, context: Optional[Mapping[str, str]] = None, *, app: Optional[Path] = None,
                check: bool = True) -> subprocess.CompletedProcess:
        source = ["--app", str(app)] if app else ["--output", str(self.workdir / "cdk.out")]
        return self._run("cdk destroy", ["destroy", STACK_NAME, "--force", *source, *context_args(context or {})],
                         check=check)

    def stack_exists(self) -> bool:
        cfn = self.emulator.client("cloudformation")
        stacks = cfn.list_stacks()["StackSummaries"]
        return any(s["StackName"] == STACK_NAME and s["StackStatus"] != "DELETE_COMPLETE" for s in stacks)

    def describe(self) -> dict[str, Any]:
        return describe_stack(self.emulator)


def placeholder_assembly(directory: Path) -> Path:
    """A cloud assembly of one empty stack in the example environment: what ``cdk bootstrap`` needs to read
    instead of synthesizing the app (its manifest schema is the pinned aws-cdk-lib's, 55.0.0)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Placeholder.template.json").write_text(json.dumps(
        {"Resources": {"Nothing": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}))
    (directory / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": {"Placeholder": {
        "type": "aws:cloudformation:stack", "environment": f"aws://{EXAMPLE_ACCOUNT}/{EXAMPLE_REGION}",
        "properties": {"templateFile": "Placeholder.template.json"}}}}))
    return directory


def describe_stack(emulator: Any, stack_name: str = STACK_NAME) -> dict[str, Any]:
    """What the stack built, read back from the emulator's own APIs (not from our template)."""
    cfn, ec2, ssm = (emulator.client(s) for s in ("cloudformation", "ec2", "ssm"))
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    physical = _physical(cfn, stack_name)
    instances = []
    ids = physical.get("AWS::EC2::Instance", [])
    for reservation in ec2.describe_instances(InstanceIds=ids)["Reservations"] if ids else []:
        instances += reservation["Instances"]
    groups = ec2.describe_security_groups(GroupIds=physical.get("AWS::EC2::SecurityGroup", []))["SecurityGroups"] \
        if physical.get("AWS::EC2::SecurityGroup") else []
    volume_ids = physical.get("AWS::EC2::Volume", [])
    volumes = ec2.describe_volumes(VolumeIds=volume_ids)["Volumes"] if volume_ids else []
    addresses = [a for a in ec2.describe_addresses()["Addresses"]
                 if a.get("PublicIp") in physical.get("AWS::EC2::EIP", []) or
                 a.get("AllocationId") in physical.get("AWS::EC2::EIP", [])]
    key_pairs = []
    for name in physical.get("AWS::EC2::KeyPair", []):
        for key in ec2.describe_key_pairs(KeyNames=[name])["KeyPairs"]:
            parameter = ssm.get_parameter(Name=f"/ec2/keypair/{key['KeyPairId']}", WithDecryption=True)["Parameter"]
            key_pairs.append({"KeyName": key["KeyName"], "KeyPairId": key["KeyPairId"],
                              "PrivateKeyParameter": parameter["Name"],
                              "PrivateKeyIsPem": parameter["Value"].startswith("-----BEGIN")})
    return {
        "status": stack["StackStatus"],
        "outputs": {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])},
        "physical": physical,
        "instances": instances,
        "security_groups": groups,
        "volumes": volumes,
        "addresses": addresses,
        "key_pairs": key_pairs,
    }


def deployed_ingress(group: dict) -> set[SecurityGroupRule]:
    """A security group's ingress rules as the EC2 API describes them (``describe_security_groups``), IPv4 and
    IPv6 ranges, as the same rule objects ``tools.templates.ingress_rules`` reads from a template."""
    rules = set()
    for permission in group.get("IpPermissions", []):
        key = (protocol(permission["IpProtocol"]), permission.get("FromPort", -1), permission.get("ToPort", -1))
        rules |= {SecurityGroupRule(*key, r["CidrIp"]) for r in permission.get("IpRanges", [])}
        rules |= {SecurityGroupRule(*key, r["CidrIpv6"]) for r in permission.get("Ipv6Ranges", [])}
    return rules


def describe_fleet(emulator: Any, stack_name: str = STACK_NAME) -> dict[str, Any]:
    """The Auto Scaling tier as AWS's APIs show it: the group and its instances, the load balancer (attributes,
    listeners), the target group (attributes, registered targets) and the scaling policies."""
    cfn, ec2, autoscaling, elbv2 = (emulator.client(s) for s in ("cloudformation", "ec2", "autoscaling", "elbv2"))
    physical = _physical(cfn, stack_name)
    facts: dict[str, Any] = {"groups": [], "instances": [], "load_balancers": [], "target_groups": [], "policies": []}
    names = physical.get("AWS::AutoScaling::AutoScalingGroup", [])
    if names:
        facts["groups"] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=names)["AutoScalingGroups"]
        ids = [i["InstanceId"] for g in facts["groups"] for i in g["Instances"]]
        if ids:
            facts["instances"] = [i for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                                  for i in r["Instances"]]
        facts["policies"] = [p for n in names for p in autoscaling.describe_policies(AutoScalingGroupName=n)[
            "ScalingPolicies"]]
    for arn in physical.get("AWS::ElasticLoadBalancingV2::LoadBalancer", []):
        (balancer,) = elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]
        balancer["Attributes"] = {a["Key"]: a["Value"] for a in
                                  elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]}
        balancer["Listeners"] = elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        facts["load_balancers"].append(balancer)
    for arn in physical.get("AWS::ElasticLoadBalancingV2::TargetGroup", []):
        (group,) = elbv2.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"]
        group["Attributes"] = {a["Key"]: a["Value"] for a in
                               elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]}
        group["Targets"] = {t["Target"]["Id"]: t["TargetHealth"]["State"] for t in
                            elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]}
        facts["target_groups"].append(group)
    return facts


def describe_operations(emulator: Any, stack_name: str = STACK_NAME) -> dict[str, Any]:
    """What the stack built beside its servers and load balancer, as each service's API shows it: CloudWatch alarms,
    SNS topics (with their subscriptions), KMS keys, log groups, AWS Backup plans (with their selections) and vaults,
    EventBridge Scheduler schedules, Auto Scaling scheduled actions, AWS Budgets budgets and S3 buckets. ``physical``:
    every resource of the stack by type, so a caller can also name what it does not describe."""
    cfn = emulator.client("cloudformation")
    physical = _physical(cfn, stack_name)
    facts: dict[str, Any] = {"physical": physical, "alarms": [], "topics": [], "keys": [], "log_groups": [],
                             "backup_plans": [], "backup_vaults": [], "schedules": [], "scheduled_actions": [],
                             "budgets": [], "buckets": physical.get("AWS::S3::Bucket", [])}
    if physical.get("AWS::CloudWatch::Alarm"):
        alarms = emulator.client("cloudwatch").describe_alarms(AlarmNames=physical["AWS::CloudWatch::Alarm"])
        facts["alarms"] = alarms["MetricAlarms"]
    sns, kms, logs = (emulator.client(s) for s in ("sns", "kms", "logs"))
    for arn in physical.get("AWS::SNS::Topic", []):
        topic = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        topic["Subscriptions"] = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        facts["topics"].append(topic)
    for key_id in physical.get("AWS::KMS::Key", []):
        key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        key["RotationEnabled"] = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        facts["keys"].append(key)
    for name in physical.get("AWS::Logs::LogGroup", []):
        facts["log_groups"] += [group for group in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
                                if group["logGroupName"] == name]
    backup = emulator.client("backup")
    for plan_id in physical.get("AWS::Backup::BackupPlan", []):
        plan = backup.get_backup_plan(BackupPlanId=plan_id)
        plan["Selections"] = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
        facts["backup_plans"].append(plan)
    facts["backup_vaults"] = [backup.describe_backup_vault(BackupVaultName=name)
                              for name in physical.get("AWS::Backup::BackupVault", [])]
    scheduler = emulator.client("scheduler")
    facts["schedules"] = [scheduler.get_schedule(Name=name) for name in physical.get("AWS::Scheduler::Schedule", [])]
    if physical.get("AWS::AutoScaling::ScheduledAction"):
        found = emulator.client("autoscaling").describe_scheduled_actions()["ScheduledUpdateGroupActions"]
        facts["scheduled_actions"] = [action for action in found if action["ScheduledActionName"] in
                                      physical["AWS::AutoScaling::ScheduledAction"]]
    budgets = emulator.client("budgets")
    facts["budgets"] = [budgets.describe_budget(AccountId=EXAMPLE_ACCOUNT, BudgetName=name)["Budget"]
                        for name in physical.get("AWS::Budgets::Budget", [])]
    return facts


def describe_domain(emulator: Any, zone_name: str, stack_name: Optional[str] = STACK_NAME) -> dict[str, Any]:
    """The site's name as Route 53 and ACM show it: the zone's records and the stack's certificates (none without
    a stack, e.g. after destroy)."""
    cfn, route53, acm = (emulator.client(s) for s in ("cloudformation", "route53", "acm"))
    physical = _physical(cfn, stack_name) if stack_name else {}
    (zone,) = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == zone_name.rstrip(".") + "."]
    records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    certificates = [acm.describe_certificate(CertificateArn=arn)["Certificate"]
                    for arn in physical.get("AWS::CertificateManager::Certificate", [])]
    return {"zone": zone, "records": {(r["Name"], r["Type"]): r for r in records}, "certificates": certificates}


def rolling_update_sizes(emulator: Any, start: int, stack_name: str = STACK_NAME) -> list[int]:
    """How many instances the group had at each step of its last rolling update, from ``start`` (its size
    before), read from CloudFormation's own progress events ("Temporarily setting ... to N", "Terminating
    instance(s) [...]; replacing with N new instance(s).")."""
    cfn = emulator.client("cloudformation")
    events = cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
    reasons = [e.get("ResourceStatusReason") or "" for e in reversed(events)
               if e["ResourceType"] == "AWS::AutoScaling::AutoScalingGroup"]
    begun = [i for i, r in enumerate(reasons) if r.startswith("Rolling update initiated")]
    if not begun:
        return []
    reasons = reasons[begun[-1]:]
    size = start
    sizes = [size]
    for reason in reasons:
        raised = re.match(r"Temporarily setting autoscaling group MinSize and DesiredCapacity to (\d+)\.", reason)
        replaced = re.match(r"Terminating instance\(s\) \[([^\]]*)\]; replacing with (\d+) new", reason)
        if raised:
            size = int(raised.group(1))
            sizes.append(size)
        elif replaced:
            size -= len(replaced.group(1).split(","))
            sizes.append(size)
            size += int(replaced.group(2))
            sizes.append(size)
    return [s for i, s in enumerate(sizes) if i == 0 or s != sizes[i - 1]]


def _physical(cfn: Any, stack_name: str) -> dict[str, list[str]]:
    """The stack's physical resource ids by resource type, as CloudFormation lists them."""
    physical: dict[str, list[str]] = {}
    for resource in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]:
        physical.setdefault(resource["ResourceType"], []).append(resource.get("PhysicalResourceId", ""))
    return physical
