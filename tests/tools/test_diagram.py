"""`make diagram`'s picture of the Auto Scaling tier (the default tier's is checked against the README by
tests/unit/test_docs.py): every part of the tier is drawn, wired as the template wires it."""

import pytest

from tools import templates
from tools.diagram import _node, main, mermaid


def one(template, resource_type):
    (found,) = templates.resources(template, resource_type).items()
    return found


@pytest.fixture(scope="module")
def picture(fleet):
    return mermaid(fleet.template)


def test_the_internet_reaches_the_load_balancer_and_only_it_reaches_the_instances(fleet, picture):
    balancer, _ = one(fleet.template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    group, resource = one(fleet.template, "AWS::AutoScaling::AutoScalingGroup")
    template_id = templates.reference(templates.properties(resource)["LaunchTemplate"]["LaunchTemplateId"])
    data = templates.properties(templates.resources(fleet.template)[template_id])["LaunchTemplateData"]
    (instance_sg,) = [templates.reference(g) for g in data["SecurityGroupIds"]]
    assert f"{_node(balancer)} -->|port 80| {_node(instance_sg)}" in picture
    assert f"internet --> {_node(instance_sg)}" not in picture
    assert f"{_node(instance_sg)} -->|port 80| {_node(group)}" in picture
    assert 'Security group<br/>tcp/80 from the load balancer"' in picture


def test_listener_target_group_and_group_in_a_line(fleet, picture):
    balancer, _ = one(fleet.template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    target_group, tg = one(fleet.template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    group, resource = one(fleet.template, "AWS::AutoScaling::AutoScalingGroup")
    props = templates.properties(resource)
    assert f"{_node(balancer)} -->|HTTP 80| {_node(target_group)}" in picture
    assert f"{_node(target_group)} --> {_node(group)}" in picture
    assert f"health check {templates.properties(tg)['HealthCheckPath']}" in picture
    rolling = resource["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert (f"Auto Scaling group<br/>{props['MinSize']} to {props['MaxSize']} instances" in picture)
    assert (f"rolling updates: {rolling['MaxBatchSize']} at a time, {rolling['MinInstancesInService']} in service"
            in picture)


def test_logs_scaling_and_session_manager_role(fleet, picture):
    balancer, _ = one(fleet.template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    bucket, _ = one(fleet.template, "AWS::S3::Bucket")
    policy, _ = one(fleet.template, "AWS::AutoScaling::ScalingPolicy")
    group, _ = one(fleet.template, "AWS::AutoScaling::AutoScalingGroup")
    assert f"{_node(balancer)} -. access logs .-> {_node(bucket)}" in picture
    assert f"{_node(policy)} -. scales .-> {_node(group)}" in picture
    # The custom resource's Lambda role is not a Session Manager role: one role drawn, the instances'.
    assert picture.count("IAM role<br/>Session Manager") == 1


def test_the_picture_follows_the_configuration(fleet, fleet_loaded):
    assert "3 to 6 instances" in mermaid(fleet_loaded.template)  # fleet_loaded: min_capacity 3, max_capacity 6
    assert mermaid(fleet.template) != mermaid(fleet_loaded.template)


def test_a_given_template_is_printed_not_written(fleet, capsys):
    assert main([str(fleet.template_path)]) == 0
    assert capsys.readouterr().out == mermaid(fleet.template)
