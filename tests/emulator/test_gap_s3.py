"""S3 buckets and bucket policies as CloudFormation and S3 handle them, and the CDK's auto-delete provider."""

from __future__ import annotations

import json

import cfn_scenario as cfn
import pytest

from emulator import Emulator

TLS_ONLY = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
PUBLIC_READ = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
HANDLER_CODE = "exports.handler = async () => {};"


def _bucket(**properties: object) -> dict:
    return {"Type": "AWS::S3::Bucket", "Properties": {
        "LifecycleConfiguration": {"Rules": [{"ExpirationInDays": 90, "Status": "Enabled"}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        **properties}}


def _policy(*statements: dict) -> dict:
    resources = [{"Fn::GetAtt": ["Logs", "Arn"]}, {"Fn::Join": ["", [{"Fn::GetAtt": ["Logs", "Arn"]}, "/*"]]}]
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Logs"}, "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{**s, "Resource": resources} for s in statements]}}}


def test_bucket_configurations_applied(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template({"Logs": _bucket()})) == "CREATE_COMPLETE"
    s3, name = target.client("s3"), cfn.physical_id(target, "Logs")
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    assert (rule["Expiration"]["Days"], rule["Status"]) == (90, "Enabled")
    assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    assert s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]


def test_bucket_with_objects_fails_to_delete(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template({"Logs": _bucket()})) == "CREATE_COMPLETE"
    name = cfn.physical_id(target, "Logs")
    target.client("s3").put_object(Bucket=name, Key="lb/log.gz", Body=b"x")
    assert cfn.delete(target) == "DELETE_FAILED"
    assert any("The bucket you tried to delete is not empty" in f for f in cfn.failures(target))
    assert name in [b["Name"] for b in target.client("s3").list_buckets()["Buckets"]]


def test_bucket_policy_applied_and_public_one_refused(target: Emulator) -> None:
    body = cfn.template({"Logs": _bucket(), "Policy": _policy(TLS_ONLY)})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    policy = json.loads(target.client("s3").get_bucket_policy(Bucket=cfn.physical_id(target, "Logs"))["Policy"])
    assert policy["Statement"][0]["Condition"] == TLS_ONLY["Condition"]
    body["Resources"]["Policy"] = _policy(TLS_ONLY, PUBLIC_READ)
    assert cfn.deploy(target, body) == "UPDATE_ROLLBACK_COMPLETE"
    assert any("AccessDenied" in f for f in cfn.failures(target))


def test_tls_only_bucket_takes_the_accounts_objects(target: Emulator) -> None:
    s3 = target.client("s3")
    s3.create_bucket(Bucket="tls-only")
    policy = {"Version": "2012-10-17", "Statement": [{**TLS_ONLY, "Resource": ["arn:aws:s3:::tls-only/*"]}]}
    s3.put_bucket_policy(Bucket="tls-only", Policy=json.dumps(policy))
    s3.put_object(Bucket="tls-only", Key="asset.zip", Body=b"x")
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::tls-only/*"}
    s3.put_bucket_policy(Bucket="tls-only", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_all]}))
    with pytest.raises(s3.exceptions.ClientError, match="403|AccessDenied"):
        s3.put_object(Bucket="tls-only", Key="later.zip", Body=b"x")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="tls-only")["Contents"]] == ["asset.zip"]


def _auto_deleting(emu: Emulator) -> dict:
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "lambda.amazonaws.com"}}]}}}
    handler = {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "nodejs20.x", "Handler": "index.handler", "Code": {"ZipFile": HANDLER_CODE},
        "Role": {"Fn::GetAtt": ["HandlerRole", "Arn"]}}}
    auto_delete = {"Type": "Custom::S3AutoDeleteObjects", "DependsOn": ["Policy"], "Properties": {
        "ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]}, "BucketName": {"Ref": "Logs"}}}
    return cfn.template({
        "Logs": _bucket(Tags=[{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}]),
        "Policy": _policy(TLS_ONLY), "HandlerRole": role, "Handler": handler, "AutoDelete": auto_delete})


def test_auto_delete_objects_empties_the_bucket_before_its_delete(target: Emulator) -> None:
    assert cfn.deploy(target, _auto_deleting(target)) == "CREATE_COMPLETE", cfn.failures(target)
    name = cfn.physical_id(target, "Logs")
    target.client("s3").put_object(Bucket=name, Key="lb/AWSLogs/log.gz", Body=b"x")
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert name not in [b["Name"] for b in target.client("s3").list_buckets()["Buckets"]]


def test_auto_delete_handler_logs_to_its_lambda_log_group_or_the_configured_one(target: Emulator) -> None:
    # Each run of the provider's Lambda writes its log: by default to /aws/lambda/<function>, which Lambda makes
    # and which outlives the stack; with LoggingConfig.LogGroup, to that group (here the stack's own).
    logs = target.client("logs")

    def groups() -> list[str]:
        return [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]

    assert cfn.deploy(target, _auto_deleting(target)) == "CREATE_COMPLETE", cfn.failures(target)
    function = cfn.physical_id(target, "Handler")
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert groups() == [f"/aws/lambda/{function}"]  # left behind, never expiring
    logs.delete_log_group(logGroupName=f"/aws/lambda/{function}")

    owned = _auto_deleting(target)
    owned["Resources"]["HandlerLogs"] = {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}}
    owned["Resources"]["Handler"]["Properties"]["LoggingConfig"] = {"LogGroup": {"Ref": "HandlerLogs"}}
    assert cfn.deploy(target, owned) == "CREATE_COMPLETE", cfn.failures(target)
    assert groups() == [cfn.physical_id(target, "HandlerLogs")]
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert groups() == []
