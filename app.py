#!/usr/bin/env python3
"""The CDK app: reads the environment and context, validates settings, wires the stack, runs cdk-nag.

Only this file reads the account and region. With AWS credentials, the CDK CLI provides them
(CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION); without any (a fresh clone, CI) the app targets the
documented example environment, whose lookups are committed in cdk.context.json, so `cdk synth`
works offline and deterministically.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

import aws_cdk as cdk
import cdk_nag

from cdk_constructs import SettingError
from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION, STACK_NAME
from stacks.settings import Settings
from stacks.web_server_stack import WebServerStack


def build_app(*, context: Optional[dict[str, Any]] = None, account: str = EXAMPLE_ACCOUNT,
              region: str = EXAMPLE_REGION, outdir: Optional[str] = None,
              nag: bool = True) -> tuple[cdk.App, WebServerStack]:
    """The app with its one stack and cdk-nag registered. Raises SettingError for a bad setting.

    ``nag=False`` exists only so the benchmark can measure cdk-nag's share of a synth.
    """
    app = cdk.App(context=context, outdir=outdir)
    # All context: cdk.json, cdk.context.json and -c from the CLI, or ``context`` in tests.
    settings = Settings.from_context(app.node.get_all_context())
    stack = WebServerStack(app, STACK_NAME, settings=settings, env=cdk.Environment(account=account, region=region))
    # cdk-nag v3: a validation plugin, so every synth (CLI, tests) runs the AwsSolutions pack.
    if nag:
        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    return app, stack


def main() -> int:
    account = os.environ.get("CDK_DEFAULT_ACCOUNT") or EXAMPLE_ACCOUNT
    region = os.environ.get("CDK_DEFAULT_REGION") or EXAMPLE_REGION
    try:
        app, _ = build_app(account=account, region=region)
        app.synth()
    except SettingError as error:
        # One line naming the setting, the value and what is allowed; no traceback.
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # jsii errors from aws-cdk-lib or cdk-nag: the message, not the stack trace
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"error: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
