"""Deploy and destroy this app for real with the pinned CDK CLI, against the local emulator.

Shared by ``make demo`` (tools/demo.py), the end-to-end tests and the benchmark, so they all drive
the same commands a user types, and read back what was built with plain boto3 calls.
"""

from __future__ import annotations

import subprocess
import tempfile
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
    """The CLI pointed at one emulator. ``capture`` keeps the CLI's output off the terminal (tests)."""

    emulator: Any
    capture: bool = True
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cdk-deploy-")))

    @property
    def env(self) -> dict[str, str]:
        return cli_env(emulator_env=self.emulator.env())

    def _run(self, what: str, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
        result = cdk(args, env=self.env, check=False, capture=self.capture)
        if check and result.returncode != 0:
            raise CommandFailed(what, result)
        return result

    def bootstrap(self) -> None:
        self._run("cdk bootstrap", ["bootstrap", f"aws://{EXAMPLE_ACCOUNT}/{EXAMPLE_REGION}",
                                    "--output", str(self.workdir / "cdk.out")])

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


def describe_stack(emulator: Any, stack_name: str = STACK_NAME) -> dict[str, Any]:
    """What the stack built, read back from the emulator's own APIs (not from our template)."""
    cfn, ec2, ssm = (emulator.client(s) for s in ("cloudformation", "ec2", "ssm"))
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    physical: dict[str, list[str]] = {}
    for resource in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]:
        physical.setdefault(resource["ResourceType"], []).append(resource["PhysicalResourceId"])

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
