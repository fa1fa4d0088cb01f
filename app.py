#!/usr/bin/env python3
"""The CDK app: reads the environment and context, validates settings, wires the stack, runs cdk-nag.

Only this file reads the account and region. With AWS credentials, the CDK CLI provides them
(CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION); without any (a fresh clone, CI, a shell with only a region
configured) the app targets the documented example environment, account and region both, whose
lookups are committed in cdk.context.json, so `cdk synth` works offline and deterministically.

A lookup that is not recorded is done by the CLI, which then runs the app again with the answer. When
it cannot be done (no credentials), the app says which lookup, for which account and region, and the
command that records it, in one line, instead of synthesizing a template around a placeholder.

aws-cdk-lib's built-in CloudFormation validation (the "CloudFormation Validate" plugin: the CDK's default rules
run by a WASM engine) costs about 2.6 s of engine start in every process that synthesizes, which is half of an
offline `cdk synth`. It runs where a template can reach AWS, and not where it cannot (see ``builtin_validation``).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

import aws_cdk as cdk
import cdk_nag

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION, STACK_NAME, VALIDATION_ENV
from cost_model.budget_guard import BudgetGuard
from ec2_web_server import SettingError
from stacks.settings import Settings
from stacks.web_server_stack import DUMMY_VPC_ID, WebServerStack

# What the CDK returns while a lookup is not yet recorded: Vpc.fromLookup's documented dummy VPC
# (DUMMY_VPC_ID, from the stack, which also needs it), a cached SSM lookup's "dummy-value-for-<parameter>".
DUMMY_HOSTED_ZONE_ID = "DUMMY"  # HostedZone.fromLookup's placeholder
# With it false (as the CDK CLI also sets it), a failed validation is written to the assembly's
# validation-report.json instead of raised with the whole report; main() then says it in one line each.
FAIL_SYNTH_ON_VALIDATION_ERRORS = "@aws-cdk/core:failSynthOnValidationErrors"
DUMMY_SSM_VALUE = "dummy-value-for-"


def builtin_validation(*, lookups_possible: bool, environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether this synthesis runs aws-cdk-lib's built-in CloudFormation validation.

    ``CDK_VALIDATION=false`` (what `cdk synth --no-validation` sets) switches it off, ``CDK_VALIDATION=true`` on.
    Otherwise it runs whenever the CLI has credentials (``lookups_possible``): `cdk deploy` and `cdk diff` against
    an account, the only ways a template reaches CloudFormation, always validate it. An offline synthesis (no
    credentials: a fresh clone, CI, `make diff`, `make cost`, `make diagram`) skips the engine's start; `make test`
    validates every configuration it synthesizes in process instead (tests/conftest.py), so no finding is lost.
    """
    value = (os.environ if environ is None else environ).get(VALIDATION_ENV, "").strip().lower()
    if value in ("false", "0", "no", "off"):
        return False
    if value in ("true", "1", "yes", "on"):
        return True
    return lookups_possible


def build_app(*, context: Optional[dict[str, Any]] = None, account: str = EXAMPLE_ACCOUNT,
              region: str = EXAMPLE_REGION, outdir: Optional[str] = None, nag: bool = True,
              lookups_possible: bool = False, report_validation: bool = False,
              cfn_validation: bool = False) -> tuple[cdk.App, WebServerStack]:
    """The app with its one stack and cdk-nag registered. Raises SettingError for a bad setting.

    ``lookups_possible``: the CLI has credentials, so a lookup missing from the context is done by the
    CLI (the app then builds a placeholder without validating it). Otherwise it is an error.
    ``report_validation``: the caller reports failed validations itself (``main``, one line each) instead
    of the CDK raising ValidationFailed with its whole report.
    ``cfn_validation``: run aws-cdk-lib's built-in CloudFormation validation too (``builtin_validation`` decides
    it for the CLI; the tests ask for it).
    ``nag=False`` exists only so the benchmark can measure cdk-nag's share of a synth.
    """
    app, stack = _build(context, account, region, outdir, validate=cfn_validation, report_validation=report_validation)
    pending = pending_lookups(stack)
    if pending:
        if not lookups_possible:
            setting, value, what = pending[0]
            raise SettingError(setting, value, f"{what} is not recorded in cdk.context.json for account {account} in "
                                               f"{region}, and without AWS credentials it cannot be looked up: run "
                                               "`npx cdk synth` with credentials for that account and region (the CLI "
                                               "records the answer in cdk.context.json; commit it)")
        # The CLI looks it up and runs the app again; this run's template is a placeholder, not to be judged.
        return _build(context, account, region, outdir, validate=False, report_validation=report_validation)
    # cdk-nag v3: a validation plugin, so every synth (CLI, tests) runs the AwsSolutions pack.
    if nag:
        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    if stack.settings.monthly_budget_usd is not None:
        # Beside it, the budget guard prices the template with make cost's model.
        cdk.Validations.of(app).add_plugins(BudgetGuard(budget_usd=stack.settings.monthly_budget_usd,
                                                        stack_name=STACK_NAME, region=region))
    return app, stack


def _build(context: Optional[dict[str, Any]], account: str, region: str, outdir: Optional[str], *,
           validate: bool, report_validation: bool = False) -> tuple[cdk.App, WebServerStack]:
    app = cdk.App(context=context, outdir=outdir, builtin_cloud_formation_validation=validate)
    if report_validation:
        app.node.set_context(FAIL_SYNTH_ON_VALIDATION_ERRORS, False)
    # All context: cdk.json, cdk.context.json and -c from the CLI, or ``context`` in tests.
    settings = Settings.from_context(app.node.get_all_context())
    stack = WebServerStack(app, STACK_NAME, settings=settings, env=cdk.Environment(account=account, region=region))
    return app, stack


def pending_lookups(stack: WebServerStack) -> list[tuple[str, str, str]]:
    """(setting, value, what) for each lookup the CLI still has to make."""
    pending = []
    settings = stack.settings
    if stack.web_server.vpc.vpc_id == DUMMY_VPC_ID:
        pending.append(("vpc_id", settings.vpc_id or "(the default VPC)", "this VPC"))
    web = stack.web_server
    zone = web.domain.hosted_zone if web.domain is not None else None
    if zone is not None and zone.hosted_zone_id == DUMMY_HOSTED_ZONE_ID:
        pending.append(("hosted_zone", settings.hosted_zone, "this public hosted zone"))
    image = stack.resolve(web.machine_image.get_image(web).image_id)
    if isinstance(image, str) and image.startswith(DUMMY_SSM_VALUE):
        pending.append(("machine_image", settings.machine_image, f"the AMI id behind {image[len(DUMMY_SSM_VALUE):]}"))
    return pending


def environment() -> tuple[str, str, bool]:
    """(account, region, lookups possible). The CLI sets CDK_DEFAULT_ACCOUNT only when it has credentials;
    without them the example environment is used whole, whatever region the shell has configured."""
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    if not account:
        return EXAMPLE_ACCOUNT, EXAMPLE_REGION, False
    return account, os.environ.get("CDK_DEFAULT_REGION") or EXAMPLE_REGION, True


def validation_errors(assembly_directory: str) -> list[str]:
    """One line per failed rule of the synthesis's validation report (cdk-nag, the budget guard, the CDK's)."""
    report_file = Path(assembly_directory) / "validation-report.json"
    if not report_file.is_file():
        return []
    report = json.loads(report_file.read_text())
    lines = []
    for plugin in report.get("pluginReports", []):
        failed = []
        for violation in plugin.get("violations", []):
            if violation.get("severity") not in ("error", "fatal"):
                continue
            where = ", ".join(c.get("constructPath", "") for c in violation.get("violatingConstructs", [])[:3])
            rule = violation.get("ruleName", "")
            description = violation.get("description", "")
            failed.append(description if description.startswith(f"{rule}") or ": got " in description
                          else f"{rule}: {description}" + (f" ({where})" if where else ""))
        if plugin.get("conclusion") == "failure" and not failed:
            # A plugin that raised: aws-cdk-lib reports it failed with no violation, its error in the metadata
            # ("Validation plugin '<name>' failed: <message>"). The synthesis must fail, not pass unchecked.
            error = str((plugin.get("metadata") or {}).get("error") or f"{plugin.get('pluginName')} failed")
            failed.append(error.strip().splitlines()[0])
        lines += failed
    return lines


def main(*, context: Optional[dict[str, Any]] = None) -> int:
    """What `cdk synth`/`cdk deploy` run: exit status 0, or 1 with one line per error on stderr. ``context``: the CLI
    passes it in CDK_CONTEXT_JSON, which aws-cdk-lib reads itself; tests pass it here."""
    account, region, lookups_possible = environment()
    try:
        app, _ = build_app(context=context, account=account, region=region, lookups_possible=lookups_possible,
                           report_validation=True, cfn_validation=builtin_validation(lookups_possible=lookups_possible))
        assembly = app.synth()
        errors = validation_errors(assembly.directory)
        if errors:
            for line in errors:
                print(f"error: {line}", file=sys.stderr)
            return 1
    except SettingError as error:
        # One line naming the setting, the value and what is allowed; no traceback.
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # jsii errors from aws-cdk-lib or cdk-nag: the message, not the stack trace
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"error: {first}", file=sys.stderr)
        return 1
    return 0


def exit_now(status: int) -> None:
    """Leave as soon as the exit handlers have run: jsii's stops its Node process and removes what it unpacked.
    What os._exit then skips is only the interpreter's teardown of the generated aws_cdk modules, which took
    0.3-0.4 s of every synth here (an empty app's: 0.05 s), after the assembly was written and the output flushed."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    exit_now(main())
