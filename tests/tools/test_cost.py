"""`make cost` (tools/cost.py): every figure checked against a hand-computed example, in both regions.

Hand computations use the figures in tools/prices.json and a 730-hour month:
- us-east-1: t2.micro 0.0116/h; gp2 0.10, gp3 0.08, io1 0.125 per GB-month; gp3 IOPS 0.005; io1 IOPS 0.065;
  io2 IOPS 0.065 / 0.0455 / 0.03185; gp3 throughput 0.04 per MiB/s-month; snapshots 0.05; IPv4 0.005/h;
  metrics 0.30 per month.
- ap-northeast-1: t2.micro 0.0152/h; gp2 0.12, gp3 0.096, io1 0.142; gp3 IOPS 0.006; io1 IOPS 0.074;
  io2 IOPS 0.074 / 0.0518 / 0.03626; gp3 throughput 0.048; snapshots 0.05; IPv4 0.005/h; metrics 0.30.
"""

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.conftest import ROOT
from tools import cost

D = Decimal


def estimate(template, region, prices):
    return cost.estimate_template(template, region=region, prices=prices, stack="WebServerStack")


def lines(result, text):
    return [line for line in result.lines if text in line.item]


def instance(**props):
    base = {"InstanceType": "t2.micro",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp2"}}]}
    return {"Type": "AWS::EC2::Instance", "Properties": {**base, **props}}


def volume(policy="Delete", **props):
    return {"Type": "AWS::EC2::Volume", "DeletionPolicy": policy, "UpdateReplacePolicy": policy,
            "Properties": {"AvailabilityZone": "us-east-1a", **props}}


# --- the default configuration: one t2.micro, an 8 GB gp2 root volume, one Elastic IP ---------------------

def test_default_in_us_east_1_hand_computed(default, prices):
    # 0.0116 * 730 = 8.468; 8 * 0.10 = 0.80; 0.005 * 730 = 3.65
    result = estimate(default.template, "us-east-1", prices)
    assert result.monthly == D("12.918")
    assert result.total("running")[0] == D("0.0116") + D("0.80") / 730 + D("0.005")


def test_default_in_tokyo_hand_computed(default, prices):
    # 0.0152 * 730 = 11.096; 8 * 0.12 = 0.96; 3.65
    assert estimate(default.template, "ap-northeast-1", prices).monthly == D("15.706")


def test_while_stopped_ebs_and_elastic_ip_keep_costing(default, prices):
    assert estimate(default.template, "us-east-1", prices).stopped_monthly == D("0.80") + D("3.65")
    assert estimate(default.template, "ap-northeast-1", prices).stopped_monthly == D("0.96") + D("3.65")


def test_default_leaves_nothing_after_destroy(default, prices):
    assert estimate(default.template, "us-east-1", prices).after_destroy_monthly == 0


# --- the fully loaded configuration: 2 instances, gp3 root 30 GB / 6000 IOPS, gp2 50 GB snapshot volume,
# --- io1 100 GB / 3000 IOPS delete volume, detailed monitoring, 2 Elastic IPs ------------------------------

def test_fully_loaded_in_us_east_1_hand_computed(loaded, prices):
    # instances 2*8.468 = 16.936; gp3 60*0.08 = 4.80; gp3 IOPS (6000-3000)*2*0.005 = 30.00;
    # gp2 100*0.10 = 10.00; io1 200*0.125 = 25.00; io1 IOPS 6000*0.065 = 390.00; IPv4 2*3.65 = 7.30;
    # monitoring 2*7*0.30 = 4.20
    result = estimate(loaded.template, "us-east-1", prices)
    assert result.monthly == D("488.236")
    assert result.stopped_monthly == D("459.80") + D("7.30")
    assert result.after_destroy_monthly == D("5.00")  # 2 snapshots of at most 50 GB at 0.05


def test_fully_loaded_in_tokyo_hand_computed(loaded, prices):
    # 2*11.096 = 22.192; 60*0.096 = 5.76; 6000*0.006 = 36.00; 100*0.12 = 12.00; 200*0.142 = 28.40;
    # 6000*0.074 = 444.00; 7.30; 4.20
    result = estimate(loaded.template, "ap-northeast-1", prices)
    assert result.monthly == D("559.852")
    assert result.stopped_monthly == D("526.16") + D("7.30")
    assert result.after_destroy_monthly == D("5.00")


def test_gp3_iops_billed_only_above_the_free_3000(loaded, prices):
    iops = lines(estimate(loaded.template, "us-east-1", prices), "gp3 IOPS above 3,000")
    assert [(line.quantity, line.monthly) for line in iops] == [(D(3000), D("15.000"))] * 2


def test_io1_bills_every_provisioned_iops(loaded, prices):
    iops = lines(estimate(loaded.template, "ap-northeast-1", prices), "io1 provisioned IOPS")
    assert [(line.quantity, line.monthly) for line in iops] == [(D(3000), D("222.000"))] * 2


def test_detailed_monitoring_is_seven_metrics_per_instance_and_stops_with_the_instance(loaded, prices):
    monitoring = lines(estimate(loaded.template, "us-east-1", prices), "detailed monitoring")
    assert [(line.quantity, line.monthly, line.stopped) for line in monitoring] == [(D(7), D("2.10"), False)] * 2


def test_one_public_ipv4_per_instance_the_elastic_ip_replacing_the_auto_assigned_one(loaded, prices):
    addresses = [line for line in estimate(loaded.template, "us-east-1", prices).lines if line.unit == "address"]
    assert [(line.item, line.monthly, line.stopped) for line in addresses] == \
        [("Elastic IP (public IPv4)", D("3.650"), True)] * 2


def test_instance_without_elastic_ip_pays_for_its_auto_assigned_address_only_while_running(prices):
    result = estimate({"Resources": {"Web": instance()}}, "us-east-1", prices)
    address = lines(result, "public IPv4 address (auto-assigned)")
    assert [(line.monthly, line.stopped) for line in address] == [(D("3.650"), False)]
    assert result.stopped_monthly == D("0.80")


def test_elastic_ip_without_instance_counts_on_its_own(prices):
    template = {"Resources": {"Web": instance(), "Spare": {"Type": "AWS::EC2::EIP", "Properties": {}}}}
    result = estimate(template, "us-east-1", prices)
    assert sum(1 for line in result.lines if line.unit == "address") == 2
    assert result.stopped_monthly == D("0.80") + D("3.65")


def test_io2_iops_are_billed_by_tier_in_both_regions(prices):
    template = {"Resources": {"Data": volume(Size=100, VolumeType="io2", Iops=70_000)}}
    # 32000*0.065 + 32000*0.0455 + 6000*0.03185 = 2080 + 1456 + 191.10; storage 100*0.125
    assert estimate(template, "us-east-1", prices).monthly == D("3727.10") + D("12.5")
    # 32000*0.074 + 32000*0.0518 + 6000*0.03626 = 2368 + 1657.6 + 217.56; storage 100*0.142
    assert estimate(template, "ap-northeast-1", prices).monthly == D("4243.16") + D("14.2")


def test_gp3_throughput_billed_above_the_free_125_mib_per_second(prices):
    template = {"Resources": {"Data": volume(Size=10, VolumeType="gp3", Iops=3000, Throughput=500)}}
    # (500-125)*0.04 = 15.00 + 10*0.08; Tokyo (500-125)*0.048 = 18.00 + 10*0.096
    assert estimate(template, "us-east-1", prices).monthly == D("15.00") + D("0.80")
    assert estimate(template, "ap-northeast-1", prices).monthly == D("18.00") + D("0.96")


def test_snapshot_volume_leaves_a_snapshot_after_destroy_only(prices):
    result = estimate({"Resources": {"Data": volume("Snapshot", Size=30, VolumeType="gp3")}}, "ap-northeast-1", prices)
    snapshot = lines(result, "snapshot")
    assert [(line.monthly, line.running, line.after_destroy) for line in snapshot] == [(D("1.50"), False, True)]
    assert result.monthly == D("2.88")  # 30 * 0.096: the snapshot is not part of the running cost


def test_retained_volume_keeps_costing_after_destroy(prices):
    result = estimate({"Resources": {"Data": volume("Retain", Size=30, VolumeType="gp3")}}, "us-east-1", prices)
    assert result.after_destroy_monthly == D("2.40")


def test_root_volume_kept_on_termination_keeps_costing_after_destroy(prices):
    mappings = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp2", "DeleteOnTermination": False}}]
    result = estimate({"Resources": {"Web": instance(BlockDeviceMappings=mappings)}}, "us-east-1", prices)
    assert result.after_destroy_monthly == D("0.80")


def test_root_volume_of_unknown_size_is_named_not_priced_as_zero(prices):
    mappings = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeType": "gp2"}}]
    result = estimate({"Resources": {"Web": instance(BlockDeviceMappings=mappings)}}, "us-east-1", prices)
    assert any("takes its size from the AMI" in note for note in result.notes)


def test_unpriced_resource_type_is_named(prices):
    template = {"Resources": {"Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {}}}}
    assert estimate(template, "us-east-1", prices).notes == ["not priced: Nat (AWS::EC2::NatGateway)"]


def test_unknown_instance_type_is_an_error_naming_it(prices):
    with pytest.raises(cost.CostError, match=r"no price for instance type m3\.medium in ap-northeast-1"):
        estimate({"Resources": {"Web": instance(InstanceType="m3.medium")}}, "ap-northeast-1", prices)


def test_unknown_region_is_an_error_naming_it(default, prices):
    with pytest.raises(cost.CostError, match=r"no prices for region eu-west-3 .*it has: ap-northeast-1, us-east-1"):
        estimate(default.template, "eu-west-3", prices)


# --- the command ------------------------------------------------------------------------------------------

def run_cost(*args):
    return subprocess.run([sys.executable, "-m", "tools.cost", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_region_comes_from_the_assembly_manifest(default):
    run = run_cost("--cdk-out", default.template_path.parent)
    assert run.returncode == 0, run.stderr
    assert "### Cost of WebServerStack in us-east-1 (US East (N. Virginia))" in run.stdout
    assert "| **total while running** | | | | **$0.0177** | **$12.92** |" in run.stdout
    assert "**While stopped: $4.45 a month**" in run.stdout


def test_region_option_prices_the_same_template_in_tokyo(default):
    run = run_cost("--template", default.template_path, "--region", "ap-northeast-1")
    assert run.returncode == 0, run.stderr
    assert "in ap-northeast-1 (Asia Pacific (Tokyo))" in run.stdout
    assert "**$15.71** |" in run.stdout


def test_snapshot_left_after_destroy_is_shown_separately(loaded):
    run = run_cost("--template", loaded.template_path)
    assert "**After `cdk destroy`: $5.00 a month**" in run.stdout
    assert run.stdout.count("snapshot left by cdk destroy") == 2


def test_command_exits_2_naming_an_unknown_instance_type(tmp_path):
    template = tmp_path / "Web.template.json"
    template.write_text(json.dumps({"Resources": {"Web": instance(InstanceType="m3.medium")}}))
    run = run_cost("--template", template, "--region", "us-east-1")
    assert run.returncode == 2
    assert run.stderr.startswith("error: no price for instance type m3.medium in us-east-1")
    assert run.stdout == ""


def test_command_exits_2_naming_an_unknown_region(default):
    run = run_cost("--cdk-out", default.template_path.parent, "--region", "eu-west-3")
    assert run.returncode == 2
    assert "no prices for region eu-west-3" in run.stderr


def test_template_without_manifest_needs_a_region(tmp_path):
    template = tmp_path / "Web.template.json"
    template.write_text(json.dumps({"Resources": {"Web": instance()}}))
    run = run_cost("--template", template)
    assert run.returncode == 2
    assert "no region known for Web (no cdk.out manifest next to it); pass --region" in run.stderr


def test_missing_cloud_assembly_says_to_synth_first(tmp_path):
    run = run_cost("--cdk-out", tmp_path)
    assert run.returncode == 2
    assert "run `make synth` first" in run.stderr


# --- the Auto Scaling tier: 2 to 4 t2.micro instances (8 GB gp2 root each), an internet-facing Application Load
# --- Balancer over the default VPC's public subnets, access logs kept 90 days, CPU target tracking ------------

def load_balancer_zones(template):
    (balancer,) = (r for r in template["Resources"].values() if r["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer")
    return len(balancer["Properties"]["Subnets"])


def test_fleet_in_us_east_1_hand_computed(fleet, prices):
    zones = load_balancer_zones(fleet.template)
    # instances 2 * 0.0116 * 730 = 16.936; roots 2 * 8 GB * 0.10 = 1.60; their addresses 2 * 3.65 = 7.30;
    # load balancer 0.0225 * 730 = 16.425; 1 LCU (assumed) * 0.008 * 730 = 5.84; its addresses zones * 3.65;
    # logs 1 GB a month (assumed) kept 90 days = 3 GB * 0.023 = 0.069; 2 target tracking alarms * 0.10 = 0.20
    result = estimate(fleet.template, "us-east-1", prices)
    assert result.monthly == D("16.936") + D("1.60") + D("7.30") + D("16.425") + D("5.84") + zones * D("3.65") \
        + D("0.069") + D("0.20")
    # Stopped (scaled in): the load balancer, its addresses and LCUs, the logs and the alarms keep costing.
    assert result.stopped_monthly == D("16.425") + D("5.84") + zones * D("3.65") + D("0.069") + D("0.20")


def test_fleet_in_tokyo_hand_computed(fleet, prices):
    zones = load_balancer_zones(fleet.template)
    # 2 * 0.0152 * 730 = 22.192; 16 GB * 0.12 = 1.92; 7.30; 0.0243 * 730 = 17.739; 5.84; zones * 3.65;
    # 3 GB * 0.025 = 0.075; 0.20
    assert estimate(fleet.template, "ap-northeast-1", prices).monthly == D("22.192") + D("1.92") + D("7.30") \
        + D("17.739") + D("5.84") + zones * D("3.65") + D("0.075") + D("0.20")


def test_group_is_priced_at_its_minimum_and_its_maximum_is_said(fleet, prices):
    result = estimate(fleet.template, "us-east-1", prices)
    assert [line.quantity for line in lines(result, "t2.micro instances (group of 2 to 4, priced at its minimum)")] \
        == [2]
    # One more instance: 8.468 + 0.80 (root) + 3.65 (address) = 12.918 a month; two more to the maximum of 4.
    assert "WebServerFleetGroupASG is priced at its minimum of 2 instances (MinSize); scaled out to its maximum of 4 " \
           "(MaxSize) it costs $25.84 a month more ($12.92 per instance)" in result.notes


def test_load_balancer_capacity_units_are_an_assumption_that_can_be_changed(fleet, prices):
    assumed = lines(estimate(fleet.template, "us-east-1", prices), "load balancer capacity units")
    assert [(line.quantity, line.monthly) for line in assumed] == [(D(1), D("5.840"))]
    assert "1 LCU an hour on average, assumed" in assumed[0].item
    quarter = cost.estimate_template(fleet.template, region="us-east-1", prices=prices,
                                     assumptions=prices.assumptions(lcu=D("0.25")))
    assert [line.monthly for line in lines(quarter, "load balancer capacity units")] == [D("1.46000")]


def test_access_logs_are_stored_as_long_as_the_bucket_keeps_them(fleet, fleet_loaded, prices):
    # 1 GB a month (assumed): kept 90 days (default access_log_days) is 3 GB, kept 30 days (fleet_loaded) is 1 GB.
    for synthesized, stored in ((fleet, D(3)), (fleet_loaded, D(1))):
        (logs,) = lines(estimate(synthesized.template, "us-east-1", prices), "access logs in S3 Standard")
        assert logs.quantity == stored
        assert "1 GB written a month, assumed" in logs.item


def test_auto_delete_lambda_is_free_at_this_use_and_says_so(fleet, prices):
    (function,) = lines(estimate(fleet.template, "us-east-1", prices), "Lambda function of Custom::S3AutoDeleteObjects")
    assert (function.monthly, function.quantity) == (0, 0)
    assert "free at this use" in function.item


def test_every_resource_of_the_fleet_is_priced_or_free(fleet, prices):
    assert estimate(fleet.template, "us-east-1", prices).notes == [
        "WebServerFleetGroupASG is priced at its minimum of 2 instances (MinSize); scaled out to its maximum of 4 "
        "(MaxSize) it costs $25.84 a month more ($12.92 per instance)"]


def balancer(**props):
    return {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
        "Type": "application", "Subnets": ["subnet-1", "subnet-2"], **props}}


def test_internal_load_balancer_has_no_public_addresses(prices):
    result = estimate({"Resources": {"Lb": balancer(Scheme="internal")}}, "us-east-1", prices)
    assert [line.unit for line in result.lines] == ["load balancer", "LCU"]


def test_retained_log_bucket_keeps_costing_after_destroy(prices):
    bucket = {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {
        "LifecycleConfiguration": {"Rules": [{"ExpirationInDays": 60, "Status": "Enabled"}]}}}
    logging = balancer(LoadBalancerAttributes=[{"Key": "access_logs.s3.bucket", "Value": {"Ref": "Logs"}}])
    result = estimate({"Resources": {"Lb": logging, "Logs": bucket}}, "us-east-1", prices)
    # 2 GB (60 days of 1 GB a month) at 0.023
    assert result.after_destroy_monthly == D("0.046")


def test_a_bucket_that_is_not_a_log_bucket_is_named_not_priced(prices):
    result = estimate({"Resources": {"Data": {"Type": "AWS::S3::Bucket", "Properties": {}}}}, "us-east-1", prices)
    assert result.notes == ["not priced: Data (an S3 bucket: its storage depends on what you put in it)"]


def test_region_option_says_which_region_the_stack_is_for(default):
    run = run_cost("--cdk-out", default.template_path.parent, "--region", "ap-northeast-1")
    assert run.returncode == 0, run.stderr
    assert "Priced in ap-northeast-1 as asked; the stack itself is synthesized for us-east-1" in run.stdout
    assert "Priced in" not in run_cost("--cdk-out", default.template_path.parent).stdout


def test_negative_lcu_is_refused(default):
    run = run_cost("--cdk-out", default.template_path.parent, "--lcu", "-1")
    assert (run.returncode, run.stderr.strip()) == (2, "error: --lcu must be 0 or more (got -1)")
