"""Stack outputs after a change-set deploy; deleted stacks stay deleted."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def _sg_template(emu: Emulator) -> dict:
    return cfn.template(
        {"WebSg": cfn.web_sg(cfn.default_vpc_id(emu))},
        outputs={"SgId": {"Value": {"Fn::GetAtt": ["WebSg", "GroupId"]}}},
    )


def test_outputs_after_change_set_create(target: Emulator) -> None:
    assert cfn.deploy(target, _sg_template(target)) == "CREATE_COMPLETE"
    assert cfn.outputs(target) == {"SgId": cfn.physical_id(target, "WebSg")}


def test_deleted_stack_does_not_recreate_resources(target: Emulator) -> None:
    ec2 = target.client("ec2")
    assert cfn.deploy(target, _sg_template(target)) == "CREATE_COMPLETE"
    stack_id = target.client("cloudformation").describe_stacks(StackName=cfn.STACK)[
        "Stacks"
    ][0]["StackId"]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    # The CLI keeps polling the deleted stack by ID; that must not bring back
    # anything (moto re-evaluated outputs and re-created the resources).
    cloudformation = target.client("cloudformation")
    for _ in range(2):
        cloudformation.describe_stacks(StackName=stack_id)
        cloudformation.describe_stack_resources(StackName=stack_id)
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "tag:app", "Values": ["ec2-web-server"]}]
    )["SecurityGroups"]
    assert groups == []
