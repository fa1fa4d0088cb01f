"""``make demo``: the whole life of the web server, for real, against the local emulator.

    make demo                                   # hand-managed server: deploy, add a data volume, destroy
    make demo ARGS="-c tier=autoscaling"        # Auto Scaling tier: deploy, a rolling update, destroy
    make demo ARGS="-c tier=autoscaling -c domain_name=www.example.com -c hosted_zone=example.com"
                                                # HTTPS on a real name in the emulator's example zone

Check the ``-c`` settings (a bad one stops the demo in one line, before anything starts), start the emulator,
bootstrap, deploy with the real CDK CLI, show everything that was built as AWS's APIs show it, deploy an update,
destroy, audit that nothing billable is left, stop the emulator. Any failure (or Ctrl-C) tears everything down and
names the step; the last line says whether the whole run succeeded and what it did.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, Optional

import emulator
from constants import EXAMPLE_REGION
from ec2_web_server import SettingError
from tools.cdk_cli import QUIET_ENV, ROOT
from tools.deployment import (
    Deployment,
    deployed_ingress,
    describe_domain,
    describe_fleet,
    describe_operations,
    describe_stack,
    rolling_update_sizes,
)

DATA_VOLUME = {"volumes": json.dumps([{"size": 20, "type": "gp3"}])}
#: A rolling update: another instance type of the same architecture (so the same AMI), and one more instance of room.
OTHER_TYPE = {"t2.micro": "t3.micro", "t3.micro": "t3.small", "t4g.micro": "t4g.small"}
DEFAULT_MAX_CAPACITY = 4
LIMITS = ("What the emulator cannot show: instances run no user data, so Apache never starts, no instance sends "
          "cfn-signal (CloudFormation's CreationPolicy and rolling-update waits are taken as satisfied, and the "
          "stack events say so), the load balancer runs no health check (targets show healthy) and nothing answers "
          "on the site's address or name.")


def show(facts: dict[str, Any], fleet: Optional[dict[str, Any]] = None) -> None:
    """Print the servers, their addresses, volumes and key pair, and every security group's ingress rules (saying
    whose group it is), as a user would check them in the console."""
    outputs = facts["outputs"]
    for instance in facts["instances"]:
        print(f"    instance   {instance['InstanceId']}  {instance['InstanceType']}  AMI {instance['ImageId']}  "
              f"IMDSv2 {instance.get('MetadataOptions', {}).get('HttpTokens')}  state {instance['State']['Name']}")
    for address in facts["addresses"]:
        print(f"    elastic IP {address['PublicIp']} -> {address.get('InstanceId', '(not associated)')}")
    owners = group_owners(facts, fleet)
    for group in facts["security_groups"]:
        whose = f"{owners.get(group['GroupId'], 'security group')} {group['GroupId']}"
        for rule in sorted(deployed_ingress(group)):
            print(f"    ingress    {rule.protocol}/{rule.from_port} from {rule.peer}  ({whose})")
        for rule, peer in sorted(ingress_from_groups(group)):
            print(f"    ingress    {rule} from {owners.get(peer, 'security group')} {peer}  ({whose})")
    for volume in facts["volumes"]:
        attached = ", ".join(f"{a['Device']} on {a['InstanceId']}" for a in volume.get("Attachments", []))
        print(f"    volume     {volume['VolumeId']}  {volume['VolumeType']} {volume['Size']} GiB  "
              f"encrypted={volume['Encrypted']}  {volume['AvailabilityZone']}  {attached or 'detached'}")
    for key in facts["key_pairs"]:
        print(f"    key pair   {key['KeyName']} ({key['KeyPairId']}), private key in SSM {key['PrivateKeyParameter']}")
    for name in ("Server1WebUrl", "SiteUrl", "SavePrivateKeyCommand", "Server1SshCommand", "AutoScalingGroupName",
                 "CertificateArn"):
        if name in outputs:
            print(f"    {name:<22} {outputs[name]}")


def group_owners(facts: dict[str, Any], fleet: Optional[dict[str, Any]]) -> dict[str, str]:
    """Security group id -> whose group it is, from what each load balancer and instance says it uses."""
    owners = {}
    instances = [*facts["instances"], *(fleet or {}).get("instances", [])]
    for group in (g["GroupId"] for instance in instances for g in instance.get("SecurityGroups", [])):
        owners[group] = "the servers' group"
    for group in (g for balancer in (fleet or {}).get("load_balancers", []) for g in balancer.get("SecurityGroups", [])):
        owners[group] = "the load balancer's group"
    return owners


def ingress_from_groups(group: dict[str, Any]) -> set[tuple[str, str]]:
    """A group's ingress rules whose source is another security group: ("tcp/80", source group id)."""
    return {(f"{p['IpProtocol']}/{p.get('FromPort', -1)}", pair["GroupId"])
            for p in group.get("IpPermissions", []) for pair in p.get("UserIdGroupPairs", [])}


# Shown line by line by show(), show_fleet(), show_operations() and show_domain(); anything else the stack holds is
# counted on one "also" line, so nothing it built goes unmentioned.
SHOWN_TYPES = frozenset({
    "AWS::EC2::Instance", "AWS::EC2::EIP", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Volume", "AWS::EC2::KeyPair", "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::LaunchTemplate",
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::AutoScaling::ScalingPolicy", "AWS::CloudWatch::Alarm",
    "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::Backup::BackupPlan",
    "AWS::Backup::BackupSelection", "AWS::Backup::BackupVault", "AWS::Scheduler::Schedule",
    "AWS::AutoScaling::ScheduledAction", "AWS::Budgets::Budget", "AWS::S3::Bucket",
    "AWS::CertificateManager::Certificate", "AWS::Route53::RecordSet",
})


def show_operations(operations: dict[str, Any]) -> None:
    """Alarms, the topic and its key, log groups, backups, schedules, the budget and buckets; then a count of the rest
    (roles, policies, attachments...)."""
    for kind, label, lines in OPERATIONS:
        for item in operations[kind]:
            for number, line in enumerate(lines(item)):
                print(f"    {label if number == 0 else '':<10} {line}")
    rest = Counter({kind: len(ids) for kind, ids in operations["physical"].items() if kind not in SHOWN_TYPES})
    if rest:
        print("    also       " + ", ".join(f"{count} {kind.removeprefix('AWS::')}" for kind, count in sorted(rest.items())))


def _alarm(alarm: dict[str, Any]) -> list[str]:
    actions = ", ".join(_action(arn) for arn in alarm.get("AlarmActions", []))
    return [f"{alarm['AlarmName']}: {alarm['Namespace']} {alarm['MetricName']} {alarm['ComparisonOperator']} "
            f"{alarm['Threshold']:g} for {alarm['EvaluationPeriods']} x {alarm['Period']} s -> {actions or 'no action'}"]


def _topic(topic: dict[str, Any]) -> list[str]:
    return [f"{topic['TopicArn']}  encrypted with {topic.get('KmsMasterKeyId', 'nothing')}",
            *(f"subscribed {s['Protocol']} {s['Endpoint']}  ({s['SubscriptionArn']})" for s in topic["Subscriptions"])]


def _backup_plan(plan: dict[str, Any]) -> list[str]:
    return [*(f"plan {plan['BackupPlan']['BackupPlanName']}: {rule['ScheduleExpression']}, kept "
              f"{rule.get('Lifecycle', {}).get('DeleteAfterDays')} days, into vault {rule['TargetBackupVaultName']}"
              for rule in plan["BackupPlan"]["Rules"]),
            *(f"selection {s['SelectionName']} ({s['SelectionId']})" for s in plan["Selections"])]


# (what describe_operations() calls it, the label of its first line, its lines)
OPERATIONS: tuple[tuple[str, str, Callable[[Any], list[str]]], ...] = (
    ("alarms", "alarm", _alarm),
    ("topics", "topic", _topic),
    ("keys", "KMS key", lambda key: [f"{key['KeyId']}  {key['KeyState']}, rotated yearly: {key['RotationEnabled']}"]),
    ("log_groups", "log group",
     lambda group: [f"{group['logGroupName']}  kept {group.get('retentionInDays', 'forever')} days"]),
    ("backup_plans", "backup", _backup_plan),
    ("backup_vaults", "vault",
     lambda vault: [f"{vault['BackupVaultName']}  (stays after cdk destroy, with its recovery points)"]),
    ("schedules", "schedule",
     lambda schedule: [f"{schedule['Name']}: {schedule['ScheduleExpression']} "
                       f"{schedule.get('ScheduleExpressionTimezone', 'UTC')} -> "
                       f"{schedule['Target']['Arn'].rsplit(':', 1)[-1]}"]),
    ("scheduled_actions", "scheduled",
     lambda action: [f"{action['ScheduledActionName']}: {action['Recurrence']} {action.get('TimeZone', 'UTC')} -> min "
                     f"{action.get('MinSize')} max {action.get('MaxSize')} desired {action.get('DesiredCapacity')}"]),
    ("budgets", "budget",
     lambda budget: [f"{budget['BudgetName']}: {float(budget['BudgetLimit']['Amount']):g} "
                     f"{budget['BudgetLimit']['Unit']} a {budget['TimeUnit'].lower().removesuffix('ly')}"]),
    ("buckets", "bucket", lambda bucket: [f"s3://{bucket}"]),
)


def _action(arn: str) -> str:
    """An alarm action in words: recover, reboot, or the topic it notifies."""
    if arn.startswith("arn:aws:automate:"):
        return arn.rsplit(":", 1)[-1]
    return f"notify {arn.rsplit(':', 1)[-1]}" if ":sns:" in arn else arn


def show_fleet(fleet: dict[str, Any]) -> None:
    """The group, its instances, the load balancer and the target group."""
    for group in fleet["groups"]:
        mixed = group.get("MixedInstancesPolicy")
        # A group with a MixedInstancesPolicy names its launch template there, not in LaunchTemplate.
        template = (mixed["LaunchTemplate"]["LaunchTemplateSpecification"] if mixed else group["LaunchTemplate"])
        print(f"    group      {group['AutoScalingGroupName']}  min {group['MinSize']} max {group['MaxSize']} "
              f"desired {group['DesiredCapacity']}  launch template {template['LaunchTemplateId']}")
        if mixed:
            distribution = mixed.get("InstancesDistribution", {})
            types = [override.get("InstanceType") for override in mixed["LaunchTemplate"].get("Overrides", [])]
            print(f"    mix        types {', '.join(types)}  On-Demand base {distribution.get('OnDemandBaseCapacity')}"
                  f", {distribution.get('OnDemandPercentageAboveBaseCapacity')}% On-Demand above it, Spot "
                  f"{distribution.get('SpotAllocationStrategy')}  capacity rebalance {group.get('CapacityRebalance')}")
    instances = {i["InstanceId"]: i for i in fleet["instances"]}
    for group in fleet["groups"]:
        for member in sorted(group["Instances"], key=lambda m: m["InstanceId"]):
            found = instances.get(member["InstanceId"], {})
            print(f"    instance   {member['InstanceId']}  {member['InstanceType']}  {member['AvailabilityZone']}  "
                  f"template v{member['LaunchTemplate']['Version']}  "
                  f"IMDSv2 {found.get('MetadataOptions', {}).get('HttpTokens')}  {member['LifecycleState']}")
    for balancer in fleet["load_balancers"]:
        attributes = balancer["Attributes"]
        print(f"    load bal.  {balancer['DNSName']}  (zone {balancer['CanonicalHostedZoneId']})  invalid headers "
              f"dropped={attributes.get('routing.http.drop_invalid_header_fields.enabled')}  access logs to "
              f"s3://{attributes.get('access_logs.s3.bucket')}/{attributes.get('access_logs.s3.prefix')}")
        for listener in sorted(balancer["Listeners"], key=lambda item: item["Port"]):
            (action,) = listener["DefaultActions"]
            what = (f"redirect to {action['RedirectConfig']['Protocol']} ({action['RedirectConfig']['StatusCode']})"
                    if action["Type"] == "redirect" else "forward to the target group")
            policy = f"  {listener['SslPolicy']}" if listener.get("SslPolicy") else ""
            print(f"    listener   {listener['Protocol']}/{listener['Port']}{policy}: {what}")
    for group in fleet["target_groups"]:
        targets = ", ".join(f"{target} {state}" for target, state in sorted(group["Targets"].items()))
        print(f"    targets    {targets}  (deregistration delay "
              f"{group['Attributes'].get('deregistration_delay.timeout_seconds')} s)")
    for policy in fleet["policies"]:
        configuration = policy.get("TargetTrackingConfiguration", {})
        metric = configuration.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType")
        print(f"    scaling    {policy['PolicyType']} on {metric}, target {configuration.get('TargetValue')}")


def show_domain(domain: dict[str, Any], name: str, fleet: dict[str, Any] | None = None,
                edge: dict[str, Any] | None = None) -> None:
    """The certificate and the name's record, as ACM and Route 53 answer (and whether it names the load balancer)."""
    for certificate in domain["certificates"]:
        (option,) = certificate["DomainValidationOptions"][:1]
        print(f"    certificate {certificate['DomainName']}  {certificate['Status']}  validated by "
              f"{option['ValidationMethod']} ({option['ResourceRecord']['Name']} CNAME in the zone)")
    record = domain["records"].get((f"{name.rstrip('.')}.", "A"))
    if record is None:
        print(f"    record     {name}: none")
    elif "AliasTarget" in record:
        alias = record["AliasTarget"]
        print(f"    record     {record['Name']} A  ALIAS {alias['DNSName']}  (zone {alias['HostedZoneId']})")
        from tools.demo_edge import check_alias

        for balancer in [] if edge and check_alias(alias, name, edge) else (fleet or {}).get("load_balancers", []):
            same = alias["DNSName"].lower().rstrip(".") == f"dualstack.{balancer['DNSName']}".lower() and \
                alias["HostedZoneId"] == balancer["CanonicalHostedZoneId"]
            print(f"    resolves   {name} -> load balancer {balancer['LoadBalancerName']}: {'yes' if same else 'NO'}")
            if not same:
                raise RuntimeError(f"{name} does not resolve to the load balancer")
    else:
        values = ", ".join(v["Value"] for v in record["ResourceRecords"])
        print(f"    record     {record['Name']} A  {values}")


def show_all(emu: Any, context: Mapping[str, str]) -> dict[str, Any]:
    """Everything the stack holds, as AWS's APIs show it; returns the fleet (group, load balancer)."""
    fleet = describe_fleet(emu)
    show(describe_stack(emu), fleet)
    show_fleet(fleet)
    from tools.demo_edge import describe_edge, show_edge

    edge = describe_edge(emu)
    show_edge(edge)
    if context.get("domain_name"):
        show_domain(describe_domain(emu, context.get("hosted_zone", emulator.EXAMPLE_ZONE)), context["domain_name"],
                    fleet, edge)
    show_operations(describe_operations(emu))
    return fleet


def audit(deployment: Deployment) -> None:
    """`make audit` against the emulator: fails when anything unintended is left."""
    subprocess.run([sys.executable, "-m", "tools.audit", "--region", EXAMPLE_REGION,
                    "--endpoint-url", deployment.emulator.endpoint], env=deployment.env, check=True)


def parse_context(argv: list[str]) -> dict[str, str]:
    parser = argparse.ArgumentParser(prog="python -m tools.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting, as for cdk deploy (repeatable)")
    args = parser.parse_args(argv)
    context = {}
    for item in args.context:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"-c {item}: expected KEY=VALUE")
        context[key] = value
    return context


def check_settings(context: Mapping[str, str]) -> None:
    """Build the app in-process with these settings, as ``cdk deploy`` would synthesize it (cdk.json's defaults and
    cdk.context.json's lookups under them): a bad setting raises SettingError before anything is started."""
    for name, value in QUIET_ENV.items():  # before aws_cdk starts its Node process (jsii's end-of-life banner)
        os.environ.setdefault(name, value)
    from app import build_app

    recorded = {**json.loads((ROOT / "cdk.json").read_text())["context"],
                **json.loads((ROOT / "cdk.context.json").read_text())}
    # The emulator answers lookups that are not recorded, as an account would.
    build_app(context={**recorded, **context}, lookups_possible=True)


def main(argv: list[str] | None = None) -> int:
    context = parse_context(sys.argv[1:] if argv is None else argv)
    try:
        check_settings(context)
    except SettingError as error:
        print(f"error: {error}", file=sys.stderr)  # the app's own one line, as `cdk synth` prints it
        return 1
    tier = context.get("tier", "single")
    domain = context.get("domain_name")
    started = time.monotonic()
    steps: list[tuple[str, Callable[[], Any]]] = []
    state: dict[str, Any] = {}

    def step(name: str):
        def register(fn):
            steps.append((name, fn))
            return fn
        return register

    @step("start the emulator")
    def _start():
        state["emu"] = emulator.start()
        state["deploy"] = Deployment(state["emu"], capture=False)
        print(f"    endpoint {state['emu'].endpoint}; hosted zone {emulator.EXAMPLE_ZONE}")
        print(f"    {LIMITS}")

    @step("cdk bootstrap")
    def _bootstrap():
        state["deploy"].bootstrap()

    settings = " ".join(f"-c {k}={v}" for k, v in context.items()) or "default settings"

    @step(f"cdk deploy ({settings})")
    def _deploy():
        state["deployed"] = context  # before deploying: a half-created stack is torn down too
        state["deploy"].deploy(context)

    @step("show what was built")
    def _show():
        state["fleet"] = show_all(state["emu"], context)

    if tier == "autoscaling":
        maximum = int(context.get("max_capacity", DEFAULT_MAX_CAPACITY)) + 1
        instance_type = OTHER_TYPE.get(context.get("instance_type", "t2.micro"), "t3.small")
        rolled = {**context, "max_capacity": str(maximum), "instance_type": instance_type}

        @step(f"cdk deploy again: max_capacity {maximum}, instance type {instance_type} (a rolling update)")
        def _roll():
            before = state["fleet"]
            state["deployed"] = rolled
            state["deploy"].deploy(rolled)
            state["updated"] = True
            after = show_all(state["emu"], rolled)
            old = {i["InstanceId"] for i in before["instances"]}
            new = {i["InstanceId"] for i in after["instances"]}
            sizes = rolling_update_sizes(state["emu"], start=len(old))
            print(f"    instances before: {', '.join(sorted(old))}")
            print(f"    instances after:  {', '.join(sorted(new))}  ({len(old & new)} kept, {len(new - old)} new)")
            print(f"    group size at each step of the rolling update: {' -> '.join(map(str, sizes))} "
                  f"(never below min_capacity {after['groups'][0]['MinSize']})")
    else:
        @step("cdk deploy again, adding a 20 GiB gp3 data volume (an update)")
        def _update():
            state["deployed"] = {**context, **DATA_VOLUME}
            state["deploy"].deploy(state["deployed"])
            state["updated"] = True
            show_all(state["emu"], state["deployed"])

    @step("cdk destroy")
    def _destroy():
        state["deploy"].destroy(state["deployed"])
        state.pop("deployed")
        if domain:
            zone = context.get("hosted_zone", emulator.EXAMPLE_ZONE)
            records = describe_domain(state["emu"], zone, stack_name=None)["records"]
            for (name, kind) in sorted(k for k in records if k[1] not in ("NS", "SOA")):
                print(f"    left in {zone} on purpose, as in AWS: {name} {kind} (the certificate's DNS validation "
                      "record: free, and ACM gives it to the next certificate for that name)")

    @step("audit: nothing billable left (intended leftovers, such as a data volume's snapshot, are listed)")
    def _audit():
        audit(state["deploy"])

    failed = None
    try:
        for number, (name, fn) in enumerate(steps, start=1):
            print(f"\n==> [{number}/{len(steps) + 1}] {name}", flush=True)
            t0 = time.monotonic()
            try:
                fn()
            except (Exception, KeyboardInterrupt) as error:
                failed = (number, name, error)
                break
            print(f"    done in {time.monotonic() - t0:.1f} s", flush=True)
    finally:
        if failed and "deployed" in state:
            print("\n==> tearing down after the failure: cdk destroy", flush=True)
            try:
                state["deploy"].destroy(state["deployed"], check=False)
            except (Exception, KeyboardInterrupt) as error:  # keep tearing down
                print(f"    teardown destroy failed: {error}")
        print(f"\n==> [{len(steps) + 1}/{len(steps) + 1}] stop the emulator", flush=True)
        if "deploy" in state:
            state["deploy"].close()  # its temporary folder
        if "emu" in state:
            state["emu"].stop()
    total = time.monotonic() - started
    if failed:
        number, name, error = failed
        print(f"\nDEMO FAILED at step {number} ({name}) after {total:.0f} s: {error}", file=sys.stderr)
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    done = "deployed, updated, destroyed" if state.get("updated") else "deployed, destroyed"
    print(f"\nDEMO SUCCEEDED in {total:.0f} s: {done}, nothing billable left.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
