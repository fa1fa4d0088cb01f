"""cdk-nag runs on every synth; every shipped configuration is nag-clean and cfn-lint-clean."""

import functools
import json
from pathlib import Path

import pytest

from tests.conftest import (
    AUTOSCALING,
    AUTOSCALING_LOADED,
    DAY_TWO,
    DAY_TWO_AUTOSCALING,
    DEFAULT,
    EDGE,
    FULLY_LOADED,
    PRODUCTION,
    PRODUCTION_AUTOSCALING,
    RESERVED,
    SPOT,
)

SHIPPED = {"default": DEFAULT, "fully-loaded": FULLY_LOADED, "autoscaling": AUTOSCALING,
           "autoscaling-loaded": AUTOSCALING_LOADED, "day-two": DAY_TWO, "day-two-autoscaling": DAY_TWO_AUTOSCALING,
           "production": PRODUCTION, "production-autoscaling": PRODUCTION_AUTOSCALING, "spot": SPOT,
           "reserved": RESERVED, "edge": EDGE}


def test_nag_is_wired_in_a_non_compliant_resource_fails_synth(tmp_path):
    """A resource the settings cannot produce (a raw unencrypted volume), added inside the test."""
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2

    from app import build_app
    from tests.conftest import base_context

    app, stack = build_app(context=base_context(), outdir=str(tmp_path))
    ec2.Volume(stack, "RawUnencrypted", availability_zone="us-east-1a", size=cdk.Size.gibibytes(1), encrypted=False,
               removal_policy=cdk.RemovalPolicy.DESTROY)
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    failures = [v for plugin in report["pluginReports"] for v in plugin["violations"] if v["severity"] == "error"]
    assert [v["ruleName"] for v in failures] == ["AwsSolutions-EC26"]
    assert [r["constructPath"] for r in failures[0]["violatingConstructs"]] == ["WebServerStack/RawUnencrypted/Resource"]


def test_unencrypted_volume_passes_only_with_a_stated_reason(synth_with):
    result = synth_with({"volumes": json.dumps([{"size": 10, "encrypted": False,
                                                  "unencrypted_reason": "scratch space rebuilt at boot"}])})
    result.assertions().has_resource_properties("AWS::EC2::Volume", {"Encrypted": False})


def test_unencrypted_root_passes_with_a_stated_reason(synth_with):
    result = synth_with({"root_volume": json.dumps({"encrypted": False, "unencrypted_reason": "public demo image only"})})
    result.assertions().has_resource_properties("AWS::EC2::Instance", {
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": False, "VolumeSize": 8,
                                                                   "VolumeType": "gp2", "DeleteOnTermination": True}}]})


def test_another_aws_managed_policy_is_acknowledged_only_because_it_was_asked_for(synth_with):
    # Without the per-ARN acknowledgment, IAM4 would fail this synth.
    result = synth_with({"iam_policies": json.dumps(["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])})
    result.assertions().has_resource_properties("AWS::IAM::Role", {
        "ManagedPolicyArns": [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                                 ":iam::aws:policy/AmazonSSMManagedInstanceCore"]]},
                              "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]})


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_configuration_is_nag_clean_and_cfn_lint_clean(synth_with, name):
    # Nag-clean: synth_with raises on any unacknowledged AwsSolutions finding (app.synth() fails with
    # ValidationFailed, and test_nag_is_wired_in... shows that nag does run there).
    result = synth_with(SHIPPED[name])
    assert cfn_lint_errors(result.template_path) == []


def cfn_lint_errors(template: Path) -> list[str]:
    """cfn-lint's error-level findings (rule ids E…), from its own API in this process: the same rules and schemas as
    the `cfn-lint` command, without a Python start and cfn-lint's import (0.7 s of CPU) per template. Warnings (W3010,
    the zones the VPC lookup recorded; W3005, a redundant DependsOn the CDK writes) are not fatal, as in the command's
    exit status. (Until 2026-12-05 this ran `python -m cfnlint`, which cfn-lint 1.x cannot run: every run exited 1,
    and the check, reading bit 2 of the exit status, passed whatever the template held.)"""
    return [f"{match.rule.id} line {match.linenumber}: {match.message}" for match in cfn_lint_matches(template)
            if match.rule.id.startswith("E")]


def cfn_lint_matches(template: Path) -> list:
    """Every cfn-lint finding for ``template``: what cfnlint.api.lint_file gives (the test below holds them equal),
    with the rules loaded once per process instead of once per template."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner.template import run_template_by_file_paths

    return list(run_template_by_file_paths(ConfigMixIn(["--template", str(template)]), _cfn_lint_rules()))


@functools.cache
def _cfn_lint_rules():
    """The rules `cfn-lint` loads, loaded once per process, as `cfn-lint a.json b.json` itself does (one Runner, its
    rules, every template): cfnlint.api.lint_file builds a Runner per template, and each Runner imports and
    instantiates every rule again. 18 templates took 14.9 s of CPU that way, 5.8 s this way."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn([])).rules


def broken_template(tmp_path: Path) -> Path:
    """A template with one cfn-lint error and one warning."""
    broken = tmp_path / "broken.template.json"
    broken.write_text(json.dumps({"Resources": {
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {}},  # GroupDescription is required (E3003)
        "Vol": {"Type": "AWS::EC2::Volume", "Properties": {"AvailabilityZone": "us-east-1a", "Size": 8}},  # W3010
    }}))
    return broken


def test_cfn_lint_errors_finds_an_error_and_reads_past_warnings(tmp_path):
    broken = broken_template(tmp_path)
    from cfnlint.api import lint_file

    assert {match.rule.id for match in lint_file(broken)} == {"E3003", "W3010"}
    assert cfn_lint_errors(broken) == ["E3003 line 1: 'GroupDescription' is a required property"]


def test_rules_loaded_once_find_what_cfn_lints_own_api_finds(tmp_path, synth_with):
    """The per-process rules are cfn-lint's: on a template with an error and a warning, and on the fully-loaded
    configuration (its warnings), the findings are lint_file's, one for one."""
    from cfnlint.api import lint_file

    for template in (broken_template(tmp_path), synth_with(FULLY_LOADED).template_path):
        ours = sorted((m.rule.id, m.linenumber, m.message) for m in cfn_lint_matches(template))
        assert ours, template  # both have findings, so "equal" cannot mean "both empty"
        assert ours == sorted((m.rule.id, m.linenumber, m.message) for m in lint_file(template))
