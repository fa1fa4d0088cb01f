"""Fills for moto's CloudFormation gaps, one module each (see ../README.md).

Every fill module has an ``apply()`` that patches moto in this process.
:data:`FILLS` lists the modules themselves, imported here, in the order they
are applied, so a reader (or a tool) can follow each one and a missing module
fails at import rather than when the server starts. Importing this package
patches nothing; the server calls :func:`apply_all` before it serves.

A new fill: one module here with an ``apply()``, one entry in :data:`FILLS`,
one row in the README's "moto gaps" table with the test that fails on plain
moto (tests/emulator/test_fills.py checks that the three agree). Modules
whose names start with ``_``, and ``exceptions``, are helpers, not fills.
"""

from __future__ import annotations

from typing import Protocol

from emulator.gaps import (
    acm_certificate,
    autoscaling_group,
    autoscaling_scaling_policy,
    autoscaling_scheduled_action,
    backup,
    budgets_budget,
    change_set_lifecycle,
    cloudformation_wait_condition,
    cloudfront_distribution,
    cloudtrail_lookup_events,
    cloudwatch_alarm,
    ec2_capacity_reservation,
    ec2_dualstack,
    ec2_eip,
    ec2_eip_association,
    ec2_instance,
    ec2_key_pair,
    ec2_launch_template,
    ec2_placement_group,
    ec2_security_group,
    ec2_security_group_egress,
    ec2_security_group_ingress,
    ec2_volume,
    ec2_volume_attachment,
    elbv2_listener,
    elbv2_load_balancer,
    elbv2_target_group,
    kms_key,
    logs_log_group,
    route53_record_set,
    s3_auto_delete_objects,
    s3_bucket,
    s3_bucket_policy,
    s3_policy_evaluation,
    scheduler_schedule,
    sns_subscription,
    sns_topic,
    sns_topic_policy,
    ssm_maintenance_window,
    ssm_parameter_reuse,
    stack_lifecycle,
    stack_operations,
    stack_termination_protection,
    template_rules,
    template_validation,
    update_stack_parameters,
    wafv2,
)


class Fill(Protocol):
    """What a fill module provides."""

    def apply(self) -> None:
        """Patch moto in this process (called once, by :func:`apply_all`)."""


#: The fills in the order they are applied: a later one may wrap what an
#: earlier one installed (change_set_lifecycle and stack_termination_protection
#: wrap stack_operations' execute_change_set and delete_stack; stack_lifecycle
#: wraps that delete_stack; template_rules wraps update_stack_parameters'
#: update_stack and stack_lifecycle's create_change_set, so rules are checked
#: before anything else happens; template_validation wraps those in turn, as
#: CloudFormation refuses a malformed template before it evaluates Rules;
#: ec2_launch_template wraps ec2_instance's run_instances).
FILLS: tuple[Fill, ...] = (
    stack_operations,
    change_set_lifecycle,
    stack_termination_protection,
    stack_lifecycle,
    update_stack_parameters,
    template_validation,
    template_rules,
    ssm_parameter_reuse,
    ec2_security_group,
    ec2_placement_group,
    ec2_capacity_reservation,
    ec2_instance,
    ec2_volume,
    ec2_volume_attachment,
    ec2_eip,
    ec2_eip_association,
    ec2_key_pair,
    ec2_security_group_egress,
    ec2_launch_template,
    s3_bucket,
    s3_bucket_policy,
    s3_policy_evaluation,
    s3_auto_delete_objects,
    elbv2_load_balancer,
    elbv2_target_group,
    elbv2_listener,
    autoscaling_group,
    autoscaling_scaling_policy,
    autoscaling_scheduled_action,
    cloudtrail_lookup_events,
    acm_certificate,
    route53_record_set,
    cloudformation_wait_condition,
    kms_key,
    sns_topic,
    sns_topic_policy,
    sns_subscription,
    cloudwatch_alarm,
    logs_log_group,
    backup,
    scheduler_schedule,
    budgets_budget,
    ssm_maintenance_window,
    wafv2,
    cloudfront_distribution,
    ec2_dualstack,
    ec2_security_group_ingress,
)

_applied: set[Fill] = set()


def apply_all(fills: tuple[Fill, ...] = FILLS) -> None:
    """Apply ``fills`` (all by default) in order, each at most once per process."""
    for fill in fills:
        if fill in _applied:
            continue
        fill.apply()
        _applied.add(fill)
