"""The emulator reads a JSON template body as JSON and any other body as YAML (emulator/template_text.py)."""

from __future__ import annotations

import json

import cfn_scenario as cfn

from emulator import Emulator

#: Outside the Basic Multilingual Plane: json.dumps writes it as the surrogate pair \ud83d\ude00, which JSON
#: reads as one character and PyYAML (moto's reader) as two unpaired surrogates.
SMILE = "\N{GRINNING FACE}"


def test_a_json_body_is_read_as_json(emu: Emulator) -> None:
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu))}, outputs={"Greeting": {"Value": SMILE}})
    assert "\\ud83d\\ude00" in json.dumps(body)

    assert cfn.deploy(emu, body) == "CREATE_COMPLETE"
    assert cfn.outputs(emu) == {"Greeting": SMILE}


def test_a_yaml_body_with_short_form_tags_is_still_read_as_yaml(emu: Emulator) -> None:
    vpc_id = cfn.default_vpc_id(emu)
    body = f"""
Resources:
  WebSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: {vpc_id}
Outputs:
  SgId:
    Value: !GetAtt WebSg.GroupId
"""
    cloudformation = emu.client("cloudformation")
    change_set_id = cloudformation.create_change_set(
        StackName=cfn.STACK, ChangeSetName="yaml-body", ChangeSetType="CREATE", TemplateBody=body)["Id"]
    cloudformation.get_waiter("change_set_create_complete").wait(
        ChangeSetName=change_set_id, StackName=cfn.STACK, WaiterConfig={"Delay": 1})
    cloudformation.execute_change_set(ChangeSetName=change_set_id, StackName=cfn.STACK)

    assert cfn.wait_stack(emu, cfn.STACK) == "CREATE_COMPLETE"
    assert cfn.outputs(emu) == {"SgId": cfn.physical_id(emu, "WebSg")}
