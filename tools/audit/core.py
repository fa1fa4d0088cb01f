"""The audit: every service's lookups (one module per AWS service in this package), in the order the report lists
them, with one client per service and region (made once per process against an emulator on this machine)."""

from __future__ import annotations

from typing import Any, Optional

from constants import APP_TAG_KEY, APP_TAG_VALUE
from cost_model.prices import CostError, Prices, RegionPrices
from tools.audit import (
    acm,
    autoscaling,
    backup,
    budgets,
    capacity,
    cloudformation,
    ec2,
    edge,
    elbv2,
    kms,
    logs,
    route53,
    s3,
    scheduler,
    sns,
)
from tools.audit.common import tag_filters
from tools.audit.report import AuditReport
from tools.audit.session import LOCAL_CLIENTS, is_local, session_for


def audit(
    region: str,
    tag_key: str = APP_TAG_KEY,
    tag_value: str = APP_TAG_VALUE,
    *,
    stack_name: str | None = None,
    endpoint_url: str | None = None,
    session: Any = None,
    owned_addresses: tuple[str, ...] = (),
) -> AuditReport:
    """Find what is left for the tag (and stack name) in ``region``; ``owned_addresses``: Elastic IP allocation ids that
    are yours (elastic_ip_allocation_id), listed as such, never as left behind."""
    # Against an emulator on this machine (fixed fake credentials) clients are made once per process and reused:
    # each new session loads every service's model again (30-40 ms a client), and tests and make demo audit often.
    cache = LOCAL_CLIENTS if session is None and is_local(endpoint_url) else {}
    signer: list[Any] = [session]

    def client(service: str, where: str = region) -> Any:
        key = (endpoint_url, service, where)
        if key not in cache:
            signer[0] = signer[0] or session_for(endpoint_url, region)
            cache[key] = signer[0].client(service, region_name=where, endpoint_url=endpoint_url)
        return cache[key]

    ec2_client = client("ec2")
    filter_sets = tag_filters(tag_key, tag_value, stack_name)
    try:
        prices: Optional[RegionPrices] = Prices.load().region(region)
    except CostError:
        prices = None  # a region the price file does not know: leftovers listed without their cost
    report = AuditReport(region)
    account = client("sts").get_caller_identity()["Account"]  # AWS Budgets needs it; snapshots are filtered on it
    report.findings += cloudformation.stacks(client("cloudformation"), tag_key, tag_value, stack_name)
    report.findings += ec2.instances(ec2_client, filter_sets)
    known = {f.resource_id for f in report.findings if f.kind == "instance"}
    report.findings += autoscaling.auto_scaling(client("autoscaling"), tag_key, tag_value, stack_name, known)
    report.findings += elbv2.load_balancing(client("elbv2"), tag_key, tag_value, stack_name)
    report.findings += ec2.launch_templates(ec2_client, filter_sets)
    report.findings += [f for f in ec2.addresses(ec2_client, filter_sets) if f.resource_id not in owned_addresses]
    report.findings += capacity.owned_addresses(ec2_client, list(owned_addresses), prices)
    report.findings += capacity.reservations(ec2_client, filter_sets, region, prices)
    report.findings += ec2.volumes(ec2_client, filter_sets)
    report.findings += ec2.key_pairs(ec2_client, client("ssm"), filter_sets)
    report.findings += s3.buckets(client("s3"), region, prices, tag_key, tag_value, stack_name)
    report.findings += ec2.snapshots(ec2_client, filter_sets, region, prices, account)
    report.findings += backup.backup_vaults(client("backup"), region, prices, tag_key, tag_value, stack_name)
    report.findings += kms.kms_keys(client("kms"), region, prices, tag_key, tag_value, stack_name,
                                    lambda: kms.encrypted_data(ec2_client, client("backup"), account))
    report.findings += logs.log_groups(client("logs"), region, prices, stack_name)
    report.findings += scheduler.schedules(client("scheduler"), region, stack_name)
    report.findings += budgets.account_budgets(client("budgets"), account, tag_key, tag_value, stack_name)
    report.findings += sns.topics(client("sns"), region, tag_key, tag_value, stack_name)
    report.findings += acm.certificates(client("acm"), region, prices, tag_key, tag_value, stack_name)
    report.findings += route53.records(client("route53"), client("acm"), route53.AccountTargets(client, region), region)
    report.findings += edge.leftovers(client, ec2_client, filter_sets, region, prices, tag_key, tag_value, stack_name)
    return report
