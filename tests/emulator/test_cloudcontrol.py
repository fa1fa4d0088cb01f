"""The emulator answers Cloud Control's ListResources for AWS::EC2::PrefixList (emulator/cloudcontrol.py), which the
CDK's PrefixList.fromLookup asks when make context records cloudfront=true's origin-facing prefix list; moto 5.2.5
has no Cloud Control API."""

from __future__ import annotations

import json

import pytest

from emulator import Emulator


def test_prefix_lists_are_listed_with_their_ids_and_names(emu: Emulator) -> None:
    cloudcontrol = emu.client("cloudcontrol")
    found = cloudcontrol.list_resources(TypeName="AWS::EC2::PrefixList")["ResourceDescriptions"]
    models = {json.loads(d["Properties"])["PrefixListName"]: (d["Identifier"], json.loads(d["Properties"]))
              for d in found}
    identifier, model = models["com.amazonaws.global.cloudfront.origin-facing"]
    assert identifier == model["PrefixListId"]
    described = emu.client("ec2").describe_managed_prefix_lists(PrefixListIds=[identifier])["PrefixLists"]
    assert described[0]["PrefixListName"] == "com.amazonaws.global.cloudfront.origin-facing"


def test_other_types_are_refused(emu: Emulator) -> None:
    cloudcontrol = emu.client("cloudcontrol")
    with pytest.raises(cloudcontrol.exceptions.ClientError, match="UnsupportedActionException"):
        cloudcontrol.list_resources(TypeName="AWS::EC2::VPC")
