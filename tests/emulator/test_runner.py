"""The emulator process: start, deterministic IDs, AMIs, port fallback, stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import emulator
from emulator import Emulator

AMI_PARAMETERS = (
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
)
ROOT = Path(__file__).resolve().parents[2]


def _network_ids(emu: Emulator) -> tuple[list[str], list[str]]:
    ec2 = emu.client("ec2")
    vpcs = sorted(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"])
    subnets = sorted(s["SubnetId"] for s in ec2.describe_subnets()["Subnets"])
    return vpcs, subnets


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); it is gone for our purposes.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" in status.read_text()


def _wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return False


def test_endpoint_is_localhost_on_loopback(patched_server: Emulator) -> None:
    assert patched_server.endpoint == f"http://localhost:{patched_server.port}"
    # Bound to loopback only: the port answers on 127.0.0.1...
    with socket.create_connection(("127.0.0.1", patched_server.port), timeout=2):
        pass
    # ...and the listening socket's address is 127.0.0.1, not 0.0.0.0.
    listening = Path("/proc/net/tcp").read_text()
    port_hex = f"{patched_server.port:04X}"
    assert f"0100007F:{port_hex} 00000000:0000 0A" in listening


def _zones(emu: Emulator) -> list[tuple[str, str, bool]]:
    zones = emu.client("route53").list_hosted_zones()["HostedZones"]
    return [(z["Id"], z["Name"], z["Config"]["PrivateZone"]) for z in zones]


def test_same_vpc_and_example_zone_ids_on_every_start_and_reset(patched_server: Emulator) -> None:
    # cdk.context.json records these ids: every emulator must have them, or offline synth would not match.
    patched_server.reset()
    first_network, first_zones = _network_ids(patched_server), _zones(patched_server)
    assert first_network[0]
    assert len(first_network[1]) >= 3
    assert [(name, private) for _, name, private in first_zones] == [(f"{emulator.EXAMPLE_ZONE}.", False)]
    with emulator.start(port=0) as other:
        assert (_network_ids(other), _zones(other)) == (first_network, first_zones)
    patched_server.reset()
    assert (_network_ids(patched_server), _zones(patched_server)) == (first_network, first_zones)


def _recorded_network() -> tuple[list[str], list[str]]:
    """The default VPC and subnets that cdk.context.json records (what offline synth builds on)."""
    context = json.loads((ROOT / "cdk.context.json").read_text())
    (vpc,) = [v for k, v in context.items() if k.startswith("vpc-provider:")]
    subnets = [s["subnetId"] for group in vpc["subnetGroups"] for s in group["subnets"]]
    return [vpc["vpcId"]], sorted(subnets)


@pytest.mark.parametrize("service", ["autoscaling", "elbv2", "ec2", "cloudformation"])
def test_a_reset_gives_the_recorded_ids_whatever_was_used_before(emu: Emulator, service: str) -> None:
    # moto's reset re-creates an EC2 backend (and its default VPC, before the seed) when it re-initialises
    # Auto Scaling's; the reset must not depend on which services the previous test used.
    getattr(emu.client(service), {"autoscaling": "describe_auto_scaling_groups", "elbv2": "describe_load_balancers",
                                  "ec2": "describe_vpcs", "cloudformation": "list_stacks"}[service])()
    emu.reset()
    assert _network_ids(emu) == _recorded_network()


def test_ssm_latest_ami_parameters_resolve_to_existing_images(emu: Emulator) -> None:
    ssm, ec2 = emu.client("ssm"), emu.client("ec2")
    for name in AMI_PARAMETERS:
        image_id = ssm.get_parameter(Name=name)["Parameter"]["Value"]
        images = ec2.describe_images(ImageIds=[image_id])["Images"]
        assert [i["ImageId"] for i in images] == [image_id]


def test_account_is_the_example_environment(emu: Emulator) -> None:
    identity = emu.client("sts").get_caller_identity()
    assert identity["Account"] == emulator.ACCOUNT_ID == "123456789012"


@pytest.mark.slow  # each starts emulators of its own; make test-slow (and CI) runs it
def test_taken_port_falls_back_to_a_free_one(patched_server: Emulator) -> None:
    with emulator.start(port=patched_server.port) as other:
        assert other.port != patched_server.port
        assert other.client("ec2").describe_vpcs()["Vpcs"]


def test_stop_leaves_no_process(patched_server: Emulator) -> None:
    emu = emulator.start(port=0)
    pid = emu.pid
    emu.stop()
    emu.stop()  # idempotent
    assert _wait_gone(pid)


@pytest.mark.slow  # each starts emulators of its own; make test-slow (and CI) runs it
def test_context_manager_stops_on_exception() -> None:
    pid = 0
    try:
        with emulator.start(port=0) as emu:
            pid = emu.pid
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert pid
    assert _wait_gone(pid)


def _cli(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0", "--quiet", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _server_pid(cli: subprocess.Popen[str]) -> tuple[str, int]:
    line = cli.stdout.readline().strip() if cli.stdout else ""
    assert line.startswith("EMULATOR_ENDPOINT=http://localhost:"), line
    port = line.rsplit(":", 1)[1]
    # The server is the CLI's only child process.
    children = Path(f"/proc/{cli.pid}/task/{cli.pid}/children").read_text().split()
    assert len(children) == 1
    return port, int(children[0])


@pytest.mark.slow  # each starts emulators of its own; make test-slow (and CI) runs it
def test_cli_stops_server_on_sigint_and_sigterm() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        cli = _cli()
        _, server_pid = _server_pid(cli)
        cli.send_signal(signum)
        assert cli.wait(timeout=15) == 0
        assert _wait_gone(server_pid)


@pytest.mark.slow  # each starts emulators of its own; make test-slow (and CI) runs it
def test_server_exits_when_its_parent_is_killed() -> None:
    cli = _cli()
    _, server_pid = _server_pid(cli)
    cli.kill()  # no chance to clean up: the server must notice on its own
    cli.wait()
    assert _wait_gone(server_pid)


@pytest.mark.slow  # each starts emulators of its own; make test-slow (and CI) runs it
def test_a_server_killed_mid_operation_is_reported_by_the_next_start(tmp_path: Path, monkeypatch) -> None:
    # State is in memory: a server killed during a stack operation loses it, and the next server started on
    # that port (with the same state folder) says which operations were left unfinished.
    monkeypatch.setenv("EMULATOR_STATE_DIR", str(tmp_path))
    first = emulator.start(port=0, answer_within=0)  # answered at once: the operation is still running
    port = int(first.endpoint.rsplit(":", 1)[1])
    groups = {f"Sg{i}": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "web"}}
              for i in range(40)}
    first.client("cloudformation").create_stack(StackName="Killed", TemplateBody=json.dumps({"Resources": groups}))
    os.kill(first.pid, signal.SIGKILL)
    first.stop()
    with emulator.start(port=port, strict_port=True) as second:
        assert second.unfinished == ["Killed CREATE"]
        second.reset()
        assert second.unfinished == ["Killed CREATE"]  # told once: a later reset adds nothing
    with emulator.start(port=port, strict_port=True) as third:
        assert third.unfinished == []


def test_a_quick_operation_is_answered_once_it_has_ended_at_the_emulators_pace() -> None:
    # answer_within (EMULATOR_ANSWER_WITHIN): CreateStack answers once its operation has ended, if it ends in time, so
    # the CDK CLI's first poll finds it done instead of sleeping 5 s; with 0 (AWS's pace) it answers at once.
    # 40 resources: a pause at every resource event makes the operation last well beyond one request's round trip.
    template = json.dumps({"Resources": {f"Sg{i}": {"Type": "AWS::EC2::SecurityGroup",
                                                    "Properties": {"GroupDescription": "web"}} for i in range(40)}})
    for within, status in ((10, "CREATE_COMPLETE"), (0, "CREATE_IN_PROGRESS")):
        with emulator.start(port=0, answer_within=within) as emu:
            cfn = emu.client("cloudformation")
            cfn.create_stack(StackName="Quick", TemplateBody=template)
            assert cfn.describe_stacks(StackName="Quick")["Stacks"][0]["StackStatus"] == status
