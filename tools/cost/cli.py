"""`python -m tools.cost`: price every stack of the cloud assembly (or the templates given), print the Markdown."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Optional

import tools.cost
from constants import EXAMPLE_REGION
from cost_model.estimate import estimate_template
from cost_model.lines import Estimate
from cost_model.prices import PRICES_FILE, Assumptions, CostError, Prices
from tools.cost.render import render_markdown
from tools.templates import AssemblyError, StackTemplate, assembly_stacks, template_stack

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CDK_OUT = ROOT / "cdk.out"


def estimate_stacks(stacks: Sequence[StackTemplate], *, prices: Prices, region: Optional[str] = None,
                    assumptions: Optional[Assumptions] = None) -> list[Estimate]:
    return [estimate_template(stack.load(), region=region or stack.region or "", prices=prices, stack=stack.name,
                              assumptions=assumptions, stack_region=stack.region)
            for stack in stacks]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cost", description=tools.cost.__doc__.split("\n\n")[0])
    parser.add_argument("--template", action="append", type=Path, default=[],
                        help="a synthesized template (repeatable); default: every stack in --cdk-out")
    parser.add_argument("--cdk-out", type=Path, default=DEFAULT_CDK_OUT, help="the cloud assembly (default: cdk.out)")
    parser.add_argument("--region", help="price in this region instead of the stack's own (make cost REGION=...)")
    parser.add_argument("--lcu", type=Decimal, default=None,
                        help="a load balancer's average LCUs an hour (default: prices.json's assumption)")
    parser.add_argument("--log-gb", type=Decimal, default=None,
                        help="GB of logs the CloudWatch agent ships from each instance a month (default: prices.json's "
                             "assumption)")
    parser.add_argument("--dns-queries", type=Decimal, default=None,
                        help="DNS queries Route 53 answers a month for each of the stack's records (default: prices.json's "
                             "assumption); free for an alias to a load balancer")
    parser.add_argument("--kms-requests", type=Decimal, default=None,
                        help="requests each KMS key receives a month (default: prices.json's assumption); the account's "
                             "first 20,000 a month are free")
    parser.add_argument("--spot-discount", type=Decimal, default=None,
                        help="how far below On-Demand a Spot hour is assumed to be, 0 to 1 (default: prices.json's "
                             "assumption); only for a group with spot_percent")
    parser.add_argument("--prices", type=Path, default=PRICES_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        prices = Prices.load(args.prices)
        for option, value in (("--lcu", args.lcu), ("--log-gb", args.log_gb), ("--dns-queries", args.dns_queries),
                              ("--kms-requests", args.kms_requests)):
            if value is not None and value < 0:
                raise CostError(f"{option} must be 0 or more (got {value})")
        if args.spot_discount is not None and not 0 <= args.spot_discount < 1:
            raise CostError(f"--spot-discount must be from 0 to less than 1, a share of the On-Demand price "
                            f"(got {args.spot_discount})")
        stacks = [template_stack(path) for path in args.template] if args.template else assembly_stacks(args.cdk_out)
        missing = [stack.name for stack in stacks if not (args.region or stack.region)]
        if missing:
            raise CostError(f"no region known for {', '.join(missing)} (no cdk.out manifest next to it); pass --region")
        estimates = estimate_stacks(stacks, prices=prices, region=args.region,
                                    assumptions=prices.assumptions(lcu=args.lcu, log_gb=args.log_gb,
                                                                   dns_queries=args.dns_queries,
                                                                   kms_requests=args.kms_requests,
                                                                   spot_discount=args.spot_discount))
    except (CostError, AssemblyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render_markdown(estimates, prices, [] if args.region else example_region_said(stacks)))
    return 0


def example_region_said(stacks: Sequence[StackTemplate]) -> list[str]:
    """Why the example environment's region is priced when the shell names another: without credentials `make synth`
    synthesizes for the example environment (app.py), whatever AWS_REGION or AWS_DEFAULT_REGION says."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        configured = os.environ.get(variable)
        if configured:
            break
    else:
        # The region of the AWS config file's profile (AWS_PROFILE, else default), as the CLI and the SDKs read it.
        import botocore.session

        variable, configured = "your AWS configuration", botocore.session.Session().get_config_variable("region")
        if not configured:
            return []
    if configured == EXAMPLE_REGION or not any(stack.region == EXAMPLE_REGION for stack in stacks):
        return []
    return [f"The prices are {EXAMPLE_REGION}'s, the example environment's region: the stack was synthesized for it "
            f"(without AWS credentials `make synth` does, whatever {variable} says), not for {configured}; "
            f"`make cost REGION={configured}` prices yours."]


if __name__ == "__main__":
    sys.exit(main())
