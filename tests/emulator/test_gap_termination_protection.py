"""Stack termination protection, as `terminationProtection: true` sets it."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

from emulator import Emulator


def test_protected_stack_refuses_delete(target: Emulator) -> None:
    cloudformation = target.client("cloudformation")
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(target))})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    cloudformation.update_termination_protection(StackName=cfn.STACK, EnableTerminationProtection=True)
    stack = cloudformation.describe_stacks(StackName=cfn.STACK)["Stacks"][0]
    assert stack["EnableTerminationProtection"] is True
    with pytest.raises(cloudformation.exceptions.ClientError, match="TerminationProtection is enabled"):
        cloudformation.delete_stack(StackName=cfn.STACK)
    group_id = cfn.physical_id(target, "WebSg")
    assert target.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    # Turning it off lets the delete through.
    cloudformation.update_termination_protection(StackName=cfn.STACK, EnableTerminationProtection=False)
    assert cfn.delete(target) == "DELETE_COMPLETE"
