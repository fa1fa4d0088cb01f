"""Re-record ``cdk.context.json`` for the example environment (account 123456789012, us-east-1).

The CLI itself writes the file: this starts the seeded emulator, clears the old lookups, and runs
``npx cdk synth`` once per image/architecture the project ships or tests, and once with the example
domain, so every VPC, AMI and hosted-zone lookup they need is cached and committed (the emulator hosts
the example zone, ``example.com``, with the same ID on every start). Synth then works offline, and tests never reach AWS.

Run: ``make context`` (never edit cdk.context.json by hand).
"""

from __future__ import annotations

import sys
import tempfile

import emulator
from tools.cdk_cli import cdk, cli_env, context_args

# Every lookup a shipped or tested configuration needs: the default VPC, and each named image for
# x86_64 (t2.micro) and arm64 (t4g.micro), since the AMI's architecture follows the instance type.
LOOKUP_CONFIGURATIONS: list[dict[str, str]] = [
    {"machine_image": image, "instance_type": itype}
    for image in ("amazon-linux-2", "amazon-linux-2023")
    for itype in ("t2.micro", "t4g.micro")
] + [
    # The example zone's lookup, for -c domain_name=www.example.com -c hosted_zone=example.com.
    {"domain_name": f"www.{emulator.EXAMPLE_ZONE}", "hosted_zone": emulator.EXAMPLE_ZONE},
    # The new VPC's Availability Zones (vpc_id=new, 3 zones at most) and CloudFront's origin-facing prefix list.
    {"tier": "autoscaling", "vpc_id": "new", "zones": "3", "cloudfront": "true"},
]


def main() -> int:
    with emulator.start() as emu:
        env = cli_env(emulator_env=emu.env())
        cdk(["context", "--clear"], env=env)
        for configuration in LOOKUP_CONFIGURATIONS:
            with tempfile.TemporaryDirectory() as out:
                print(f"recording lookups for {configuration}", flush=True)
                cdk(["synth", "--quiet", "--output", out, *context_args(configuration)], env=env)
    print("cdk.context.json re-recorded; review and commit it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
