"""make diff and cost and capacity (issue 23): what a change of an Auto Scaling group's mix does to its running
instances; a group whose launch template its MixedInstancesPolicy names rolls when that template changes."""

import copy

from constants import EXAMPLE_REGION, STACK_NAME
from tests.tools.pairs import group, launch_template, resources
from tools.review_diff import summarize


def _mixed(on_demand_percent, template=None):
    resource = group()
    spec = resource["Properties"].pop("LaunchTemplate")
    resource["Properties"]["MixedInstancesPolicy"] = {
        "LaunchTemplate": {"LaunchTemplateSpecification": spec,
                           "Overrides": [{"InstanceType": "t3.micro"}, {"InstanceType": "t3a.micro"}]},
        "InstancesDistribution": {"OnDemandBaseCapacity": 1,
                                  "OnDemandPercentageAboveBaseCapacity": on_demand_percent,
                                  "SpotAllocationStrategy": "price-capacity-optimized"}}
    return resources(Template=template or launch_template(), Group=resource)


def _review(before, after):
    return summarize(before, after, stack=STACK_NAME, region=EXAMPLE_REGION)


def test_a_new_spot_share_rolls_the_group_and_says_the_instances_are_replaced_in_the_new_mix():
    result = _review(_mixed(70), _mixed(30))
    (rolls,) = [flag for flag in result.flags if flag.startswith("ROLLS the instances of Auto Scaling group `Group`")]
    assert ("the mix: t3.micro, t3a.micro; 1 On-Demand first, then 30% Spot (price-capacity-optimized) -> "
            "t3.micro, t3a.micro; 1 On-Demand first, then 70% Spot (price-capacity-optimized)") in rolls
    assert "none is converted between On-Demand and Spot in place" in rolls


def test_a_change_of_the_launch_template_a_mixed_group_names_rolls_it():
    changed = copy.deepcopy(launch_template())
    changed["Properties"]["LaunchTemplateData"]["ImageId"] = "ami-2"
    result = _review(_mixed(70), _mixed(70, template=changed))
    assert any(flag.startswith("ROLLS the instances of Auto Scaling group `Group` (launch template `Template`")
               for flag in result.flags)


def test_a_replaced_instance_keeps_your_elastic_ip_named_by_its_allocation_id():
    from tests.tools.pairs import instance

    owned = {"Type": "AWS::EC2::EIPAssociation",
             "Properties": {"AllocationId": "eipalloc-0123456789abcdef0", "InstanceId": {"Ref": "Web"}}}
    result = _review(resources(Web=instance(), Association=owned),
                     resources(Web=instance(ImageId="ami-2"), Association=owned))
    assert any("Its Elastic IP `eipalloc-0123456789abcdef0` moves to the new instance" in flag for flag in result.flags)
