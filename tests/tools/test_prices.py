"""cost_model/prices.json: every figure has a dated source, and names only things that exist."""

import json
import re

import botocore.session
import pytest

REQUIRED = ("instance_hour", "ebs_gb_month", "gp3_iops_month", "gp3_throughput_mibps_month", "io1_iops_month",
            "io2_iops_month", "snapshot_gb_month", "public_ipv4_hour", "cloudwatch_metric_month",
            "cloudwatch_alarm_month", "alb_hour", "alb_lcu_hour", "s3_standard_gb_month", "lambda_request",
            "kms_key_month", "sns_email_notification", "logs_ingestion_gb", "logs_storage_gb_month",
            "backup_ebs_gb_month", "scheduler_invocation", "budget_day", "route53_hosted_zone_month",
            "route53_standard_queries_million", "route53_alias_queries_elb_million", "acm_public_certificate_month")
# Route 53 is a global service and ACM's public certificates are free everywhere: one figure for every region.
GLOBAL = ("route53_hosted_zone_month", "route53_standard_queries_million", "route53_alias_queries_elb_million",
          "acm_public_certificate_month")
# Figures priced within a free allowance, which each must state.
FREE_ALLOWANCE = ("sns_email_notification", "scheduler_invocation", "kms_request")


@pytest.fixture(scope="module")
def raw(prices):
    return prices.raw


def test_both_walk_through_regions_are_priced(prices):
    assert {"us-east-1", "ap-northeast-1"} <= set(prices.regions)


@pytest.mark.parametrize("region", ["us-east-1", "ap-northeast-1"])
def test_every_figure_group_names_a_dated_source(raw, region):
    for key in REQUIRED:
        source = raw["sources"][raw["regions"][region][key]["source"]]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["checked"]), key
        assert len(source["where"]) > 40, key


def test_every_priced_instance_type_exists(raw):
    known = set(botocore.session.get_session().get_service_model("ec2").shape_for("InstanceType").enum)
    for region in raw["regions"].values():
        assert set(region["instance_hour"]["prices"]) <= known


def test_every_volume_type_the_app_accepts_is_priced(raw):
    from ec2_web_server.ebs import EBS_LIMITS

    for region in raw["regions"].values():
        assert set(EBS_LIMITS) <= set(region["ebs_gb_month"]["prices"])


def test_io2_tiers_end_open(raw):
    for region in raw["regions"].values():
        tiers = region["io2_iops_month"]["tiers"]
        assert [tier["up_to"] for tier in tiers] == [32000, 64000, None]


def test_route53_query_tiers_end_open_at_a_billion(raw):
    for region in raw["regions"].values():
        tiers = region["route53_standard_queries_million"]["tiers"]
        assert [tier["up_to"] for tier in tiers] == [1000, None]  # millions of queries a month


def test_global_figures_are_the_same_in_every_region(raw):
    for key in GLOBAL:
        assert len({json.dumps(region[key], default=str, sort_keys=True) for region in raw["regions"].values()}) == 1, key


def test_every_assumption_says_why(raw, prices):
    for name, assumption in raw["assumptions"].items():
        assert assumption["value"] > 0, name
        assert len(assumption["why"]) > 40, name
    assert prices.assumptions().lcu == raw["assumptions"]["alb_lcu_average"]["value"]
    assert prices.assumptions().log_gb_month == raw["assumptions"]["log_gb_per_instance_month"]["value"]
    assert prices.assumptions().dns_queries_month == raw["assumptions"]["dns_queries_per_month"]["value"]
    assert prices.assumptions().kms_requests_month == raw["assumptions"]["kms_requests_per_month"]["value"]


def test_free_allowances_are_stated(raw):
    for region in raw["regions"].values():
        for key in FREE_ALLOWANCE:
            assert region[key]["free_per_month"] > 0, key
