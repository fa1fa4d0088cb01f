"""aws-cdk-lib's built-in CloudFormation validation: skipped by an offline synth, never lost.

The rule used throughout is one the built-in engine implements and cdk-nag does not: E9002, "SecurityGroup
FromPort must be <= ToPort for the TCP and UDP protocols" (CloudFormation would otherwise refuse the rule only
mid-deploy). The broken rule is added inside the test, as the settings cannot produce it.
"""

import json

import pytest

from app import build_app, builtin_validation
from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION, VALIDATION_ENV
from tests.conftest import base_context

BROKEN_RULE_ID = "E9002"


def add_backwards_port_range(stack) -> None:
    from aws_cdk import aws_ec2 as ec2

    ec2.CfnSecurityGroupIngress(stack, "BackwardsPortRange", group_id="sg-0123456789abcdef0", ip_protocol="tcp",
                                from_port=443, to_port=80, cidr_ip="10.0.0.0/8")


@pytest.mark.parametrize(("lookups_possible", "environ", "expected"), [
    (True, {}, True),  # credentials: cdk deploy / cdk diff against an account
    (False, {}, False),  # offline: a fresh clone, CI, make diff/cost/diagram
    (True, {VALIDATION_ENV: "false"}, False),  # `cdk deploy --no-validation` sets it
    (False, {VALIDATION_ENV: "true"}, True),  # strict offline
    (False, {VALIDATION_ENV: "TRUE"}, True),
])
def test_where_the_builtin_validation_runs(lookups_possible, environ, expected):
    assert builtin_validation(lookups_possible=lookups_possible, environ=environ) is expected


def test_the_tests_synthesis_path_refuses_a_template_the_builtin_rules_reject(tmp_path):
    # tests/conftest.py synthesizes every configuration this way: a finding fails the test that needs it.
    app, stack = build_app(context=base_context(), outdir=str(tmp_path), cfn_validation=True)
    add_backwards_port_range(stack)
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    failed = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"] if v["severity"] == "error"}
    assert failed == {BROKEN_RULE_ID}


def test_a_deploy_refuses_the_broken_template_before_it_reaches_aws(monkeypatch, capsys):
    # The app as `cdk deploy` runs it: the CLI sets CDK_DEFAULT_ACCOUNT when it has credentials.
    import app

    class Broken(app.WebServerStack):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            add_backwards_port_range(self)

    monkeypatch.setattr(app, "WebServerStack", Broken)
    monkeypatch.delenv(VALIDATION_ENV, raising=False)
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", EXAMPLE_ACCOUNT)
    monkeypatch.setenv("CDK_DEFAULT_REGION", EXAMPLE_REGION)
    assert app.main(context=base_context()) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == ["error: E9002: FromPort: FromPort 443 is greater than ToPort 80 (WebServerStack/BackwardsPortRange)"]


def test_a_validation_plugin_that_fails_without_a_violation_fails_the_synthesis(tmp_path):
    # What aws-cdk-lib writes when a plugin raises (validation/private/report.js, mkPluginFailure): no violation,
    # the error in the metadata. Counted as passed before, so a budget guard that could not price a template let it by.
    from app import validation_errors

    (tmp_path / "validation-report.json").write_text(json.dumps({"pluginReports": [
        {"pluginName": "budget guard", "conclusion": "failure", "violations": [],
         "metadata": {"error": "Validation plugin 'budget guard' failed: Size is not a literal number\nat ..."}},
        {"pluginName": "Construct Annotations", "conclusion": "success", "violations": []}]}))
    assert validation_errors(str(tmp_path)) == ["Validation plugin 'budget guard' failed: Size is not a literal number"]
