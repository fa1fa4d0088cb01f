"""`python -m tools.audit` (`make audit`): exit status 0 when nothing unintended is left, 1 otherwise."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tools.audit
from constants import APP_TAG_KEY, APP_TAG_VALUE, EXAMPLE_REGION, STACK_NAME
from tools.audit import capacity, core
from tools.audit.report import format_report
from tools.audit.session import default_region

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.audit", description=tools.audit.__doc__.split("\n\n")[0])
    parser.add_argument("--region", default=None,
                        help=f"default: the configured region (AWS_REGION, AWS config), else {EXAMPLE_REGION}; "
                             f"{EXAMPLE_REGION} against a local --endpoint-url")
    parser.add_argument("--tag-key", default=APP_TAG_KEY, help=f"default: {APP_TAG_KEY}")
    parser.add_argument("--tag-value", default=APP_TAG_VALUE, help=f"default: {APP_TAG_VALUE}")
    parser.add_argument("--stack-name", default=STACK_NAME,
                        help=f"also match the aws:cloudformation:stack-name tag and the stack (default: {STACK_NAME}; "
                             "'' for the tag alone)")
    parser.add_argument("--endpoint-url", help="an emulator's endpoint (default: the real AWS endpoints)")
    parser.add_argument("--owned-elastic-ip", action="append", default=None, metavar="EIPALLOC",
                        help="an Elastic IP allocation id of yours that the stack associated (repeatable): listed as "
                             "yours, not as left behind (default: cdk.json's elastic_ip_allocation_id)")
    args = parser.parse_args(argv)
    what = f"{args.tag_key}={args.tag_value}" + (f" or stack {args.stack_name}" if args.stack_name else "")
    try:
        region = args.region or default_region(args.endpoint_url)
        report = core.audit(
            region, args.tag_key, args.tag_value, stack_name=args.stack_name, endpoint_url=args.endpoint_url,
            owned_addresses=tuple(args.owned_elastic_ip if args.owned_elastic_ip is not None
                                  else capacity.configured_allocation_ids(CDK_JSON)),
        )
    except Exception as error:  # credentials, network, permissions: say so plainly
        print(f"audit failed: {error}", file=sys.stderr)
        return 1
    print(format_report(report, what))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
