"""``kms_key``: one customer managed key for the volumes, the launch template, the log groups, the backup vault
and the alarm topic, with a key policy that lets each service use it (issue 20)."""

import json

import pytest

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION
from ec2_web_server import SettingError
from tests.conftest import DAY_TWO, DAY_TWO_AUTOSCALING
from tests.unit.test_validation import build

KEY_ARN = f"arn:aws:kms:{EXAMPLE_REGION}:{EXAMPLE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# Day two with the key: every encrypted resource at once (a data volume kept by a snapshot, a backup vault).
WITH_KEY = {**DAY_TWO, "kms_key": "create"}
WITH_KEY_FLEET = {**DAY_TWO_AUTOSCALING, "kms_key": "create"}


@pytest.fixture(scope="module")
def keyed(synth_with):
    return synth_with(WITH_KEY)


@pytest.fixture(scope="module")
def keyed_fleet(synth_with):
    return synth_with(WITH_KEY_FLEET)


def the_key(result) -> tuple[str, dict]:
    (item,) = result.resources("AWS::KMS::Key").items()
    return item


def key_ref(result) -> dict:
    return {"Fn::GetAtt": [the_key(result)[0], "Arn"]}


def statement(result, sid: str) -> dict:
    (found,) = [s for s in the_key(result)[1]["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == sid]
    return found


def test_one_rotated_key_serves_everything(keyed):
    _, key = the_key(keyed)  # the alarm topic has no key of its own any more
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["Properties"]["PendingWindowInDays"] == 30


def test_the_root_and_data_volumes_use_the_key(keyed):
    (instance,) = keyed.resources("AWS::EC2::Instance").values()
    (root,) = instance["Properties"]["BlockDeviceMappings"]
    assert root["Ebs"]["KmsKeyId"] == key_ref(keyed)
    (volume,) = keyed.resources("AWS::EC2::Volume").values()
    assert (volume["Properties"]["Encrypted"], volume["Properties"]["KmsKeyId"]) == (True, key_ref(keyed))


def test_the_log_groups_vault_and_topic_use_the_key(keyed):
    groups = keyed.resources("AWS::Logs::LogGroup").values()
    assert [g["Properties"]["KmsKeyId"] for g in groups] == [key_ref(keyed)] * 3
    (vault,) = keyed.resources("AWS::Backup::BackupVault").values()
    assert vault["Properties"]["EncryptionKeyArn"] == key_ref(keyed)
    (topic,) = keyed.resources("AWS::SNS::Topic").values()
    assert topic["Properties"]["KmsMasterKeyId"] == key_ref(keyed)


def test_no_wildcard_principal_in_the_key_policy(keyed, keyed_fleet):
    # checkov's CKV_AWS_33 refuses any, whatever its conditions.
    for result in (keyed, keyed_fleet):
        principals = [s["Principal"] for s in the_key(result)[1]["Properties"]["KeyPolicy"]["Statement"]]
        assert {"AWS": "*"} not in principals
        assert "*" not in principals


def test_auto_scalings_service_linked_role_may_launch_encrypted_volumes(keyed_fleet, keyed):
    role = {"AWS": f"arn:aws:iam::{EXAMPLE_ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
                   "AWSServiceRoleForAutoScaling"}
    use = statement(keyed_fleet, "AutoScalingUsesTheKey")
    grants = statement(keyed_fleet, "AutoScalingGrantsForAwsResources")
    assert use["Principal"] == grants["Principal"] == role
    assert {"kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"} <= set(use["Action"])
    assert (grants["Action"], grants["Condition"]) == ("kms:CreateGrant", {"Bool": {"kms:GrantIsForAWSResource": "true"}})
    assert "AutoScalingUsesTheKey" not in json.dumps(the_key(keyed))  # the single tier has no group


def test_the_schedule_may_start_servers_whose_volumes_use_the_key(keyed):
    statements = [s for p in keyed.resources("AWS::IAM::Policy").values()
                  for s in p["Properties"]["PolicyDocument"]["Statement"]]
    (grant,) = [s for s in statements if s.get("Action") == "kms:CreateGrant"]
    assert grant["Resource"] == key_ref(keyed)
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_cloudwatch_logs_may_use_the_key_for_the_stacks_log_groups_only(keyed):
    logs = statement(keyed, "CloudWatchLogsForTheStacksLogGroups")
    assert logs["Principal"] == {"Service": f"logs.{EXAMPLE_REGION}.amazonaws.com"}
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                             f"arn:aws:logs:{EXAMPLE_REGION}:{EXAMPLE_ACCOUNT}:log-group:/WebServerStack/*"}}


def test_cloudwatch_alarms_and_backup_may_use_the_key(keyed):
    statements = the_key(keyed)[1]["Properties"]["KeyPolicy"]["Statement"]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} and "kms:GenerateDataKey*" in s["Action"]
               for s in statements)
    backup = statement(keyed, "AwsBackupGrantsForAwsResources")
    (role,) = keyed.resources("AWS::IAM::Role").keys() & {backup["Principal"]["AWS"]["Fn::GetAtt"][0]}
    assert backup["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert role.startswith("WebServerBackup")


def test_the_key_is_kept_when_data_encrypted_with_it_outlives_the_stack(keyed):
    _, key = the_key(keyed)
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_the_launch_templates_volumes_use_the_key_and_the_key_goes_with_the_stack(keyed_fleet):
    (template,) = keyed_fleet.resources("AWS::EC2::LaunchTemplate").values()
    (root,) = template["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"]
    assert root["Ebs"]["KmsKeyId"] == key_ref(keyed_fleet)
    _, key = the_key(keyed_fleet)
    assert key["DeletionPolicy"] == "Delete"  # nothing of the Auto Scaling tier outlives it: scheduled deletion


def test_an_existing_key_is_used_and_none_is_made():
    from aws_cdk.assertions import Template

    template = Template.from_stack(build(kms_key=KEY_ARN, alarm_email="ops@example.com", logs="true"))
    template.resource_count_is("AWS::KMS::Key", 0)
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": KEY_ARN})
    template.has_resource_properties("AWS::Logs::LogGroup", {"KmsKeyId": KEY_ARN})
    (instance,) = template.find_resources("AWS::EC2::Instance").values()
    assert instance["Properties"]["BlockDeviceMappings"][0]["Ebs"]["KmsKeyId"] == KEY_ARN


def test_without_kms_key_each_service_keeps_its_own_encryption(default):
    assert "KmsKeyId" not in json.dumps(default.template)
    default.assertions().resource_count_is("AWS::KMS::Key", 0)


@pytest.mark.parametrize(("value", "match"), [
    ("creat", r"^kms_key: got 'creat'; must be create, or a KMS key ARN such as"),
    (f"arn:aws:kms:{EXAMPLE_REGION}:{EXAMPLE_ACCOUNT}:alias/web", r"^kms_key: got '.*alias/web'; must be create, or a "
                                                                  r"KMS key ARN .*\(not an alias\)"),
    (KEY_ARN.replace(EXAMPLE_REGION, "eu-west-1"), r"^kms_key: got '.*'; is a key in eu-west-1; the stack's resources "
                                                   r"in us-east-1 can use keys of their own region only"),
])
def test_kms_key_rule(value, match):
    with pytest.raises(SettingError, match=match):
        build(kms_key=value)
