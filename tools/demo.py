"""``make demo``: the whole life of the web server, for real, against the local emulator.

Start the emulator, bootstrap, deploy the default stack with the real CDK CLI, show what was built,
redeploy with a data volume added, destroy, audit that nothing billable is left, stop the emulator.
Any failure (or Ctrl-C) tears everything down and names the step; the last line says whether the
whole run succeeded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import emulator
from constants import EXAMPLE_REGION
from tools.deployment import Deployment, deployed_ingress, describe_stack

DATA_VOLUME = {"volumes": json.dumps([{"size": 20, "type": "gp3"}])}


def show(facts: dict[str, Any]) -> None:
    """Print what was built, as a user would check it in the console."""
    outputs = facts["outputs"]
    for instance in facts["instances"]:
        print(f"    instance   {instance['InstanceId']}  {instance['InstanceType']}  AMI {instance['ImageId']}  "
              f"IMDSv2 {instance.get('MetadataOptions', {}).get('HttpTokens')}  state {instance['State']['Name']}")
    for address in facts["addresses"]:
        print(f"    elastic IP {address['PublicIp']} -> {address.get('InstanceId', '(not associated)')}")
    for group in facts["security_groups"]:
        for rule in sorted(deployed_ingress(group)):
            print(f"    ingress    {rule.protocol}/{rule.from_port} from {rule.peer}  ({group['GroupId']})")
    for volume in facts["volumes"]:
        attached = ", ".join(f"{a['Device']} on {a['InstanceId']}" for a in volume.get("Attachments", []))
        print(f"    volume     {volume['VolumeId']}  {volume['VolumeType']} {volume['Size']} GiB  "
              f"encrypted={volume['Encrypted']}  {volume['AvailabilityZone']}  {attached or 'detached'}")
    for key in facts["key_pairs"]:
        print(f"    key pair   {key['KeyName']} ({key['KeyPairId']}), private key in SSM {key['PrivateKeyParameter']}")
    for name in ("Server1WebUrl", "SavePrivateKeyCommand", "Server1SshCommand"):
        if name in outputs:
            print(f"    {name:<22} {outputs[name]}")


def main() -> int:
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
        print(f"    endpoint {state['emu'].endpoint}")

    @step("cdk bootstrap")
    def _bootstrap():
        state["deploy"].bootstrap()

    @step("cdk deploy (default settings)")
    def _deploy():
        state["deployed"] = {}  # before deploying: a half-created stack is torn down too
        state["deploy"].deploy()

    @step("show what was built")
    def _show():
        show(describe_stack(state["emu"]))

    @step("cdk deploy again, adding a 20 GiB gp3 data volume (an update)")
    def _update():
        state["deployed"] = DATA_VOLUME
        state["deploy"].deploy(DATA_VOLUME)
        show(describe_stack(state["emu"]))

    @step("cdk destroy")
    def _destroy():
        state["deploy"].destroy(state["deployed"])
        state.pop("deployed")

    @step("audit: nothing billable left (the data volume's snapshot is intended)")
    def _audit():
        env = state["deploy"].env
        subprocess.run([sys.executable, "-m", "tools.audit", "--region", EXAMPLE_REGION,
                        "--endpoint-url", state["emu"].endpoint], env=env, check=True)

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
        if "emu" in state:
            state["emu"].stop()
    total = time.monotonic() - started
    if failed:
        number, name, error = failed
        print(f"\nDEMO FAILED at step {number} ({name}) after {total:.0f} s: {error}", file=sys.stderr)
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    print(f"\nDEMO SUCCEEDED in {total:.0f} s: deployed, updated, destroyed, nothing billable left.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
