"""Issue 20's third battery: inputs of the Auto Scaling tier, HTTPS and day two that AWS refuses (refused here,
in one line naming the setting) or accepts (accepted here too). Each rule's AWS source is cited where it is
checked (ec2_web_server/options.py, ebs.py)."""

import json

import pytest

from constants import EXAMPLE_ACCOUNT
from ec2_web_server import SettingError
from tests.conftest import ROOT
from tests.unit.test_validation import build

CERT_ID = "0123abcd-0123-4567-89ab-0123456789ab"
SITE = str(ROOT / "tests" / "unit" / "site")
HTTPS = {"domain_name": "www.example.com", "hosted_zone": "example.com"}


@pytest.mark.parametrize(("context", "match"), [
    # Certificates: the stack's partition, account and region only, and an id that is a UUID.
    ({"domain_name": "www.example.com",
      "certificate_arn": f"arn:aws-cn:acm:us-east-1:{EXAMPLE_ACCOUNT}:certificate/{CERT_ID}"},
     r"^certificate_arn: got 'arn:aws-cn:.*'; is in the aws-cn partition, and the stack's region us-east-1 is in aws"),
    ({"domain_name": "www.example.com", "certificate_arn": f"arn:aws:acm:us-east-1:210987654321:certificate/{CERT_ID}"},
     r"^certificate_arn: got '.*210987654321.*'; belongs to account 210987654321, and a load balancer takes "
     r"certificates of its own account \(123456789012\) only"),
    ({"domain_name": "www.example.com", "certificate_arn": f"arn:aws:acm:us-east-1:{EXAMPLE_ACCOUNT}:certificate/"
                                                          "0123abcd0123-4567-89ab-0123456789ab-"},
     r"^certificate_arn: got '.*'; must be an ACM certificate ARN such as .* \(its id is a UUID\)"),
    # Ingress a load balancer can never use, or that blocks the check the deploy waits for.
    ({"tier": "autoscaling", "ingress": '[{"port": 80, "protocol": "udp", "cidr": "0.0.0.0/0"}]'},
     r"^ingress\[0\].protocol: got 'udp'; cannot reach an Application Load Balancer"),
    ({"tier": "autoscaling", **HTTPS, "ingress": '[{"port": 80, "cidr": "203.0.113.0/24"}]'},
     r"^ingress: got '203.0.113.0/24'; must admit HTTP \(80\) from 0.0.0.0/0 with a domain_name: the deploy waits"),
    ({**HTTPS, "ingress": '[{"port": 80, "cidr": "203.0.113.0/24"}]'},
     r"^ingress: got '203.0.113.0/24'; must admit HTTP \(80\) from 0.0.0.0/0 with a domain_name"),
    # A health check path the site does not serve: every target unhealthy, the deploy never completes.
    ({"tier": "autoscaling", "health_check_path": "/health"},
     r"^health_check_path: got '/health'; is not served: without site_dir the site is one page"),
    ({"tier": "autoscaling", "site_dir": SITE, "health_check_path": "/status.html"},
     r"^health_check_path: got '/status.html'; is not a file of site_dir .* so Apache answers 404"),
    ({"tier": "autoscaling", "site_dir": SITE, "health_check_path": "/../conftest.py"},
     r"^health_check_path: got '/../conftest.py'; is not a file of site_dir"),
    # Day two.
    ({"log_retention_days": "90"}, r"^log_retention_days: got 90; only applies with logs=true"),
    ({"volumes": '[{"size": 10}]', "backup": '{"schedule": "cron(*/30 * * * ? *)"}'},
     r"^backup.schedule: got 'cron\(\*/30 \* \* \* \? \*\)'; runs more than once an hour \(minutes '\*/30'\); "
     r"AWS Backup takes at most one backup an hour"),
    ({"volumes": '[{"size": 10}]', "backup": '{"schedule": "cron(0,30 3 * * ? *)"}'},
     r"^backup.schedule: got .*; runs more than once an hour"),
    # ACM's 64-character limit on a new certificate's name, named by the setting.
    ({"tier": "autoscaling", "domain_name": "a" * 55 + ".example.com", "hosted_zone": "example.com"},
     r"^domain_name: got 'a+\.example\.com'; is 67 characters, and ACM refuses a certificate whose name is over 64"),
    ({"domain_name": "bücher.example.com", "hosted_zone": "example.com"},
     r"^domain_name: got 'bücher.example.com'; must be written in its ASCII \(punycode\) form.*xn--bcher-kva.example.com"),
])
def test_refused_in_one_line_naming_the_setting(context, match):
    with pytest.raises(SettingError, match=match):
        build(**context)


def only(stack, type_):
    from aws_cdk.assertions import Template

    (resource,) = Template.from_stack(stack).find_resources(type_).values()
    return resource["Properties"]


def test_max_capacity_above_100_is_accepted():
    props = only(build(tier="autoscaling", max_capacity="150"), "AWS::AutoScaling::AutoScalingGroup")
    assert props["MaxSize"] == "150"


def test_a_fractional_cpu_target_is_accepted():
    stack = build(tier="autoscaling", cpu_target="49.5")
    from aws_cdk.assertions import Template

    Template.from_stack(stack).has_resource_properties("AWS::AutoScaling::ScalingPolicy", {
        "TargetTrackingConfiguration": {"TargetValue": 49.5,
                                        "PredefinedMetricSpecification": {
                                            "PredefinedMetricType": "ASGAverageCPUUtilization"}}})


def test_an_idn_domain_in_punycode_with_a_certificate_arn_is_accepted():
    stack = build(tier="autoscaling", domain_name="www.xn--80ak6aa92e.xn--p1ai",
                  certificate_arn=f"arn:aws:acm:us-east-1:{EXAMPLE_ACCOUNT}:certificate/{CERT_ID}")
    assert stack.web_server.domain.domain_name == "www.xn--80ak6aa92e.xn--p1ai"


def test_a_long_name_is_fine_with_your_own_certificate():
    name = "a" * 55 + ".example.com"
    stack = build(tier="autoscaling", domain_name=name,
                  certificate_arn=f"arn:aws:acm:us-east-1:{EXAMPLE_ACCOUNT}:certificate/{CERT_ID}")
    assert stack.web_server.domain.domain_name == name


def test_a_restored_volume_takes_the_snapshots_size():
    props = only(build(volumes=json.dumps([{"snapshot_id": "snap-0123456789abcdef0"}])), "AWS::EC2::Volume")
    assert props["SnapshotId"] == "snap-0123456789abcdef0"
    assert "Size" not in props


def test_a_new_volume_still_needs_a_size():
    with pytest.raises(SettingError, match=r"^volumes\[0\].size: got None; is required for a data volume \(GiB\), "
                                           r"unless it restores a snapshot_id"):
        build(volumes='[{"type": "gp3"}]')


def test_spread_takes_more_than_7_servers_over_several_zones():
    from aws_cdk.assertions import Template

    stack = build(placement_group="spread", instance_count="12")  # the default VPC's 6 zones: 2 per zone
    instances = Template.from_stack(stack).find_resources("AWS::EC2::Instance").values()
    subnets = [json.dumps(instance["Properties"]["SubnetId"]) for instance in instances]
    assert len(subnets) == 12
    assert len(set(subnets)) == 6


def test_a_folder_without_its_slash_is_a_redirect_not_a_page(tmp_path):
    (tmp_path / "index.html").write_text("<p>home</p>")
    (tmp_path / "status").mkdir()
    (tmp_path / "status" / "index.html").write_text("<p>ok</p>")
    with pytest.raises(SettingError, match=r"^health_check_path: got '/status'; is a folder of site_dir, which Apache "
                                           r"answers with a 301 redirect, not 200; use /status/"):
        build(tier="autoscaling", site_dir=str(tmp_path), health_check_path="/status")
    stack = build(tier="autoscaling", site_dir=str(tmp_path), health_check_path="/status/")
    assert only(stack, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckPath"] == "/status/"


def test_a_health_check_path_of_site_dir_is_accepted():
    stack = build(tier="autoscaling", site_dir=SITE, health_check_path="/health.html?probe=1")
    assert only(stack, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckPath"] == "/health.html?probe=1"


def test_a_health_check_path_is_yours_to_serve_with_user_data_commands():
    stack = build(tier="autoscaling", health_check_path="/health", user_data_commands='["dnf -y install php"]')
    assert only(stack, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckPath"] == "/health"


def test_an_hourly_backup_is_accepted():
    stack = build(volumes='[{"size": 10}]', backup='{"schedule": "cron(15 * * * ? *)"}')
    rules = only(stack, "AWS::Backup::BackupPlan")["BackupPlan"]["BackupPlanRule"]
    assert [rule["ScheduleExpression"] for rule in rules] == ["cron(15 * * * ? *)"]
