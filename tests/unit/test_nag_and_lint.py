"""cdk-nag runs on every synth; every shipped configuration is nag-clean and cfn-lint-clean."""

import json
import subprocess
import sys

import pytest

from tests.conftest import DEFAULT, FULLY_LOADED

SHIPPED = {"default": DEFAULT, "fully-loaded": FULLY_LOADED}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_configuration_synthesizes_with_nag_clean(synth_with, name):
    # app.synth() raises ValidationFailed on any unacknowledged AwsSolutions finding.
    result = synth_with(SHIPPED[name])
    assert result.template["Resources"]


def test_nag_is_wired_in_an_unencrypted_volume_fails_synth(synth_with):
    with pytest.raises(Exception, match="ValidationFailed"):
        synth_with({"volumes": json.dumps([{"size": 10, "encrypted": False}])})


def test_unencrypted_volume_passes_only_with_a_stated_reason(synth_with):
    result = synth_with({"volumes": json.dumps([{"size": 10, "encrypted": False,
                                                  "unencrypted_reason": "scratch space rebuilt at boot"}])})
    result.assertions().has_resource_properties("AWS::EC2::Volume", {"Encrypted": False})


def test_nag_fails_an_unencrypted_root_without_a_reason(synth_with):
    with pytest.raises(Exception, match="ValidationFailed"):
        synth_with({"root_volume": json.dumps({"encrypted": False})})


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


def test_nag_pack_reports_findings_when_acknowledgments_are_missing():
    """The pack itself, on a bare non-compliant stack: proves the rules we acknowledge really fire."""
    import aws_cdk as cdk
    import cdk_nag
    from aws_cdk import aws_ec2 as ec2

    app = cdk.App()
    stack = cdk.Stack(app, "NonCompliant", env=cdk.Environment(account="123456789012", region="us-east-1"))
    ec2.Volume(stack, "Plain", availability_zone="us-east-1a", size=cdk.Size.gibibytes(1), encrypted=False)
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()


@pytest.mark.parametrize("name", SHIPPED)
def test_cfn_lint_finds_no_errors(synth_with, name):
    result = synth_with(SHIPPED[name])
    # cfn-lint exit status: bit 2 = errors; warnings (4) and informational (8) are reported, not fatal.
    run = subprocess.run([sys.executable, "-m", "cfnlint", "--format", "parseable", str(result.template_path)],
                         capture_output=True, text=True, check=False)
    assert run.returncode & 2 == 0, run.stdout + run.stderr
