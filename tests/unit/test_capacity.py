"""Cost and capacity (issue 23): Spot and mixed instance types on the Auto Scaling tier, the capacity reservation
and Elastic IPs of your own on the single tier; each rule's one-line error."""

import json

import pytest
from aws_cdk.assertions import Match

from app import build_app
from ec2_web_server import SettingError
from tests.conftest import RESERVED, SPOT, base_context

OWNED = json.loads(RESERVED["elastic_ip_allocation_id"])


def build(**context):
    """The app as `cdk synth` builds it, without synthesizing (the rules run while it is built)."""
    return build_app(context={**base_context(), **context})[1]


# --- Spot and mixed types -------------------------------------------------------------------------------------


def test_the_group_launches_from_a_mixed_instances_policy_with_spot_above_the_on_demand_base(synth_with):
    template = synth_with(SPOT).assertions()
    template.has_resource_properties("AWS::AutoScaling::AutoScalingGroup", {
        "LaunchTemplate": Match.absent(),
        "CapacityRebalance": True,
        "MixedInstancesPolicy": {
            "LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateId": Match.any_value()},
                               "Overrides": [{"InstanceType": "t3.micro"}, {"InstanceType": "t3a.micro"}]},
            "InstancesDistribution": {"OnDemandBaseCapacity": 1, "OnDemandPercentageAboveBaseCapacity": 30,
                                      "OnDemandAllocationStrategy": "prioritized",
                                      "SpotAllocationStrategy": "price-capacity-optimized"}}})


def test_spot_instances_terminate_on_shutdown_whatever_shutdown_behavior_says(synth_with, fleet):
    # EC2 can stop only a Spot instance of a persistent request; the group's are one-time requests.
    def behaviour(result):
        (template,) = result.resources("AWS::EC2::LaunchTemplate").values()
        return template["Properties"]["LaunchTemplateData"]["InstanceInitiatedShutdownBehavior"]

    assert behaviour(synth_with(SPOT)) == "terminate"
    assert behaviour(fleet) == "stop"  # the setting's default, kept without Spot


def test_without_a_mix_the_group_names_its_launch_template_and_has_no_capacity_rebalance(fleet):
    template = fleet.assertions()
    template.has_resource_properties("AWS::AutoScaling::AutoScalingGroup", {
        "LaunchTemplate": Match.object_like({"LaunchTemplateId": Match.any_value()}),
        "MixedInstancesPolicy": Match.absent(), "CapacityRebalance": Match.absent()})


# --- capacity reservation and your own Elastic IPs -------------------------------------------------------------


def test_create_reserves_the_servers_type_zone_and_count_and_each_instance_targets_its_zones(synth_with):
    result = synth_with(RESERVED)
    reservations = result.resources("AWS::EC2::CapacityReservation")
    assert sorted((r["Properties"]["AvailabilityZone"], r["Properties"]["InstanceCount"])
                  for r in reservations.values()) == [("us-east-1a", 1), ("us-east-1b", 1)]
    for reservation in reservations.values():
        assert reservation["Properties"]["InstanceType"] == "t2.micro"
        assert reservation["Properties"]["InstancePlatform"] == "Linux/UNIX"
        assert reservation["Properties"]["InstanceMatchCriteria"] == "targeted"
    templates = result.resources("AWS::EC2::LaunchTemplate")
    for instance in result.resources("AWS::EC2::Instance").values():
        template_id = instance["Properties"]["LaunchTemplate"]["LaunchTemplateId"]["Ref"]
        target = templates[template_id]["Properties"]["LaunchTemplateData"]["CapacityReservationSpecification"]
        reservation_id = target["CapacityReservationTarget"]["CapacityReservationId"]["Ref"]
        zone = reservations[reservation_id]["Properties"]["AvailabilityZone"]
        assert instance["Properties"]["AvailabilityZone"] == zone


def test_owned_elastic_ips_are_associated_and_none_is_allocated(synth_with):
    result = synth_with(RESERVED)
    assert result.resources("AWS::EC2::EIP") == {}
    # The address is not in the template: the output is the command that prints it, to run as it stands.
    public_ip = result.template["Outputs"]["Server1PublicIp"]["Value"]
    assert public_ip.startswith("aws ec2 describe-addresses ")
    assert OWNED[0] in public_ip
    associations = result.resources("AWS::EC2::EIPAssociation").values()
    assert sorted(a["Properties"]["AllocationId"] for a in associations) == OWNED


def test_by_default_no_reservation_no_launch_template_and_a_new_elastic_ip(default):
    assert default.resources("AWS::EC2::CapacityReservation") == {}
    assert all("LaunchTemplate" not in i["Properties"] for i in default.resources("AWS::EC2::Instance").values())
    assert len(default.resources("AWS::EC2::EIP")) == 1


@pytest.mark.parametrize(("choice", "preference"), [
    ("none", {"CapacityReservationPreference": "none"}),
    ("cr-0123456789abcdef0", {"CapacityReservationTarget": {"CapacityReservationId": "cr-0123456789abcdef0"}}),
])
def test_none_or_an_existing_reservation_is_the_instances_launch_template(choice, preference):
    stack = build(capacity_reservation=choice)
    from aws_cdk.assertions import Template

    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::EC2::LaunchTemplate", {
        "LaunchTemplateData": {"CapacityReservationSpecification": preference}})
    template.has_resource_properties("AWS::EC2::Instance", {"LaunchTemplate": {"LaunchTemplateId": Match.any_value()}})
    template.resource_count_is("AWS::EC2::CapacityReservation", 0)


# --- bad input: one line naming the setting and AWS's rule ------------------------------------------------------


@pytest.mark.parametrize(("context", "match"), [
    ({"tier": "autoscaling", "instance_types": '["t4g.micro"]'},
     r"^instance_types\[0\]: got 't4g.micro'; is arm64 and instance_type t2.micro is x86_64: .*one AMI"),
    ({"tier": "autoscaling", "instance_types": '["t3.micor"]'},
     r"^instance_types\[0\]: got 't3.micor'; must be an EC2 instance type that exists"),
    ({"tier": "autoscaling", "instance_types": '["mac1.metal"]'}, r"^instance_types\[0\]: got 'mac1.metal'; Mac"),
    ({"tier": "autoscaling", "instance_types": '["t2.micro"]'}, r"^instance_types\[0\]: got 't2.micro'; is listed twice"),
    ({"tier": "autoscaling", "spot_percent": "101"}, r"^spot_percent: got 101; must be from 0 to 100"),
    ({"tier": "autoscaling", "on_demand_base": "5"},
     r"^on_demand_base: got 5; must be from 0 to max_capacity \(4\).*OnDemandBaseCapacity"),
    ({"spot_percent": "50"}, r"^spot_percent: got 50; is refused on tier single: only EC2 can restart an interrupted"),
    # 0 asks for no Spot: the tier's own reason, not Spot's.
    ({"spot_percent": "0"}, r"^spot_percent: got 0; only applies to tier=autoscaling \(add -c tier=autoscaling\)$"),
    ({"capacity_reservation": "cr-xyz"}, r"^capacity_reservation: got 'cr-xyz'; must be open \(AWS's default\), none, "),
    ({"tier": "autoscaling", "capacity_reservation": "create"},
     r"^capacity_reservation: got 'create'; only open .* applies to tier=autoscaling"),
    ({"instance_count": "2", "capacity_reservation": "cr-0123456789abcdef0"},
     r"^capacity_reservation: got 'cr-0123456789abcdef0'; an existing reservation lives in one Availability Zone"),
    ({"elastic_ip_allocation_id": "eipalloc-1"},
     r"^elastic_ip_allocation_id\[0\]: got 'eipalloc-1'; must be an Elastic IP allocation id"),
    ({"instance_count": "2", "elastic_ip_allocation_id": "eipalloc-0123456789abcdef0"},
     r"^elastic_ip_allocation_id: got \['eipalloc-0123456789abcdef0'\]; gives 1 allocation id\(s\) for 2 server"),
    ({"elastic_ip_allocation_id": '["eipalloc-0123456789abcdef0", "eipalloc-0123456789abcdef0"]',
      "instance_count": "2"}, r"^elastic_ip_allocation_id\[1\]: .*is listed twice"),
    ({"elastic_ip": "false", "elastic_ip_allocation_id": "eipalloc-0123456789abcdef0"},
     r"^elastic_ip_allocation_id: .*elastic_ip=false asks for none"),
    ({"tier": "autoscaling", "elastic_ip_allocation_id": "eipalloc-0123456789abcdef0"},
     r"^elastic_ip_allocation_id: .*only applies to tier=single"),
])
def test_bad_input_is_one_line_naming_the_setting(context, match):
    with pytest.raises(SettingError, match=match) as error:
        build(**context)
    assert "\n" not in str(error.value)
