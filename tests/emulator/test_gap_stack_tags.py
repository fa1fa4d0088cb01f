"""Resources created through a change set carry the stack's tags."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def test_change_set_resources_get_stack_tags(target: Emulator) -> None:
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(target))})
    status = cfn.deploy(target, body, tags={"owner": "web-team"})
    assert status == "CREATE_COMPLETE"
    (group,) = target.client("ec2").describe_security_groups(
        GroupIds=[cfn.physical_id(target, "WebSg")]
    )["SecurityGroups"]
    tags = {t["Key"]: t["Value"] for t in group["Tags"]}
    assert tags["owner"] == "web-team"
    assert tags["aws:cloudformation:stack-name"] == cfn.STACK
    assert tags["aws:cloudformation:logical-id"] == "WebSg"
