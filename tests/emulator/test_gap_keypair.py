"""AWS::EC2::KeyPair: a new key's private half goes to SSM, as in AWS."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

from emulator import Emulator


def _keypair_template(emu: Emulator) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    return cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
            "Key": {
                "Type": "AWS::EC2::KeyPair",
                "Properties": {
                    "KeyName": "web-key",
                    "KeyType": "ed25519",
                    "KeyFormat": "pem",
                    "Tags": [{"Key": "app", "Value": "ec2-web-server"}],
                },
            },
            "Web": cfn.web_instance(subnet, KeyName={"Ref": "Key"}),
        },
        outputs={
            "KeyName": {"Value": {"Ref": "Key"}},
            "KeyPairId": {"Value": {"Fn::GetAtt": ["Key", "KeyPairId"]}},
        },
    )


def test_keypair_created_with_private_key_in_ssm(target: Emulator) -> None:
    assert cfn.deploy(target, _keypair_template(target)) == "CREATE_COMPLETE"
    ec2, ssm = target.client("ec2"), target.client("ssm")
    (key,) = ec2.describe_key_pairs(KeyNames=["web-key"])["KeyPairs"]
    assert key["KeyType"] == "ed25519"
    assert {"Key": "app", "Value": "ec2-web-server"} in key["Tags"]
    assert cfn.outputs(target) == {"KeyName": "web-key", "KeyPairId": key["KeyPairId"]}
    assert cfn.physical_id(target, "Key") == "web-key"
    secret = ssm.get_parameter(
        Name=f"/ec2/keypair/{key['KeyPairId']}", WithDecryption=True
    )["Parameter"]
    assert secret["Type"] == "SecureString"
    assert secret["Value"].startswith("-----BEGIN")
    assert cfn.instance(target, cfn.physical_id(target, "Web"))["KeyName"] == "web-key"


def test_keypair_and_its_parameter_deleted_with_stack(target: Emulator) -> None:
    assert cfn.deploy(target, _keypair_template(target)) == "CREATE_COMPLETE"
    ec2, ssm = target.client("ec2"), target.client("ssm")
    key_id = ec2.describe_key_pairs(KeyNames=["web-key"])["KeyPairs"][0]["KeyPairId"]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=f"/ec2/keypair/{key_id}")
