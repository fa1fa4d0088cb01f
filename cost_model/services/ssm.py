"""AWS Systems Manager: standard parameters cost nothing; nor do a maintenance window, its targets and a Run Command
task on EC2 instances (patch_schedule's AWS-RunPatchBaseline), shown as free lines that say why."""

from __future__ import annotations

from typing import Any

from cost_model.builder import Builder
from cost_model.templates import properties, render_value

FREE = frozenset({"AWS::SSM::Parameter"})
# AWS Systems Manager pricing: Maintenance Windows, Run Command and Patch Manager have no charge on Amazon EC2
# instances (the advanced-instances tier for on-premises nodes and Automation are charged; neither is used here).
WHY_FREE = "free (AWS Systems Manager charges nothing for Maintenance Windows, Run Command and Patch Manager on EC2)"


def free_line(b: Builder, name: str, item: str, unit: str, retained: bool) -> None:
    b.line(name, f"{item}: {WHY_FREE}", 1, unit, b.region.usd("ssm_maintenance_window_month"), "month",
           stopped=True, after_destroy=retained)


def window(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    props = properties(resource)
    when = render_value(props.get("Schedule", "?"))
    if props.get("ScheduleTimezone"):
        when += f" {render_value(props['ScheduleTimezone'])}"
    free_line(b, name, f"SSM maintenance window ({when})", "window", retained)


def target(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    kind = render_value(properties(resource).get("ResourceType", "INSTANCE"))
    free_line(b, name, f"SSM maintenance window targets ({kind})", "target", retained)


def task(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """A Run Command task (AWS-RunPatchBaseline) is free on EC2; an Automation, Lambda or Step Functions task is
    charged by what it runs, which the template does not say: named, not priced."""
    props = properties(resource)
    kind = render_value(props.get("TaskType", "?"))
    if kind != "RUN_COMMAND":
        b.notes.append(f"not priced: {name} (a maintenance window task of type {kind}: charged by the service it runs)")
        return
    free_line(b, name, f"SSM maintenance window Run Command task {render_value(props.get('TaskArn', '?'))}", "task",
              retained)


PRICED = {"AWS::SSM::MaintenanceWindow": window, "AWS::SSM::MaintenanceWindowTarget": target,
          "AWS::SSM::MaintenanceWindowTask": task}
