"""A group's MixedInstancesPolicy (Spot and more instance types): created as AWS creates it, refused where AWS
refuses it (emulator/gaps/autoscaling_group.py, ``_check_launch_source``)."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def _policy(percent: int = 30, base: int = 0) -> dict:
    return {"LaunchTemplate": {"LaunchTemplateSpecification": {
                "LaunchTemplateId": {"Ref": "Lt"}, "Version": {"Fn::GetAtt": ["Lt", "LatestVersionNumber"]}},
                "Overrides": [{"InstanceType": "t3.micro"}, {"InstanceType": "t3a.micro"}]},
            "InstancesDistribution": {"OnDemandAllocationStrategy": "prioritized", "OnDemandBaseCapacity": base,
                                      "OnDemandPercentageAboveBaseCapacity": percent,
                                      "SpotAllocationStrategy": "price-capacity-optimized"}}


def _fleet(emu: Emulator, group: dict) -> dict:
    return cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu)), "Lt": cfn.launch_template("t3.micro"),
                         "Asg": group})


def _mixed_group(emu: Emulator, **policy: int) -> dict:
    group = cfn.group(cfn.subnets(emu), 2, 4, MixedInstancesPolicy=_policy(**policy), CapacityRebalance=True)
    del group["Properties"]["LaunchTemplate"]  # the policy names the launch template, as the construct writes it
    return group


def test_a_group_with_a_mixed_instances_policy_holds_its_desired_capacity(target: Emulator) -> None:
    # 2 instances at 30% On-Demand: moto 5.2.5 truncates both shares and launches 1.
    assert cfn.deploy(target, _fleet(target, _mixed_group(target))) == "CREATE_COMPLETE", cfn.failures(target)
    assert len(cfn.group_instances(target)) == 2


def test_a_group_with_a_mixed_instances_policy_keeps_it(emu: Emulator) -> None:
    assert cfn.deploy(emu, _fleet(emu, _mixed_group(emu))) == "CREATE_COMPLETE", cfn.failures(emu)
    (group,) = emu.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    policy = group["MixedInstancesPolicy"]
    assert [o["InstanceType"] for o in policy["LaunchTemplate"]["Overrides"]] == ["t3.micro", "t3a.micro"]
    assert policy["InstancesDistribution"]["SpotAllocationStrategy"] == "price-capacity-optimized"
    assert group["CapacityRebalance"] is True


def test_a_mixed_group_rolls_a_new_launch_template_version(emu: Emulator) -> None:
    assert cfn.deploy(emu, _fleet(emu, _mixed_group(emu))) == "CREATE_COMPLETE", cfn.failures(emu)
    before = {i["InstanceId"] for i in cfn.group_instances(emu)}
    body = _fleet(emu, _mixed_group(emu, percent=50))
    body["Resources"]["Lt"] = cfn.launch_template("t3.small")
    assert cfn.deploy(emu, body) == "UPDATE_COMPLETE", cfn.failures(emu)
    after = cfn.group_instances(emu)
    assert len(after) == 2
    assert not before & {i["InstanceId"] for i in after}


def test_both_a_launch_template_and_a_mixed_instances_policy_are_refused(target: Emulator) -> None:
    group = cfn.group(cfn.subnets(target), 2, 4, MixedInstancesPolicy=_policy())
    assert cfn.deploy(target, _fleet(target, group)) != "CREATE_COMPLETE"
    assert any("MixedInstancesPolicy" in reason for reason in cfn.failures(target))


def test_an_on_demand_percentage_above_100_is_refused(target: Emulator) -> None:
    assert cfn.deploy(target, _fleet(target, _mixed_group(target, percent=130))) != "CREATE_COMPLETE"
    assert any("OnDemandPercentageAboveBaseCapacity" in reason for reason in cfn.failures(target))
