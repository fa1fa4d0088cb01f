"""What CloudFormation validates in a template before anything changes: known types, no circles, no type changes.

moto 5.2.5 takes any ``Type``: a type it has no model for is skipped with a
warning in the server log (``resource_class_from_type``: "No Moto
CloudFormation support for ..."), so a stack "deploys" without it, and a
misspelt type (``AWS::EC2::Instanse``) goes unnoticed.

AWS refuses a template naming a resource type it does not know, before
anything is created: the call (CreateStack, UpdateStack, CreateChangeSet)
fails with ``ValidationError`` "Template format error: Unrecognized resource
types: [<type>, ...]" (the wording users report, which the CDK CLI prints
as the API error; it is not in the documentation). The types AWS knows are
the region's resource provider index cfn-lint ships (cfnlint/data/schemas/
providers/<region>.json, us-east-1's when the region has none), plus custom
resources named ``Custom::<name>`` (aws-resource-cloudformation-
customresource.md: a custom resource's type is
``AWS::CloudFormation::CustomResource`` or ``Custom::String``). The emulator
has no registry of private or third-party types, so any other name is
unknown, as in an account that registered none.

AWS also refuses a template whose resources depend on each other in a
circle, through Ref, Fn::GetAtt, Fn::Sub or DependsOn (AWS Infrastructure &
Automation blog, "Handling circular dependency errors in AWS CloudFormation":
"two resources are dependent on each other or ... a resource is dependent on
itself"; the DependsOn attribute reference lists the same three sources of a
dependency besides DependsOn itself): the call fails with
``ValidationError`` "Circular dependency between resources: [<logical IDs>]"
(the CDK CLI prints it as the CreateChangeSet error, e.g. aws/aws-cdk#29501,
aws/aws-cdk#18673). moto orders nothing and creates the resources anyway (it
resolves a reference by creating its target). Listed here: every resource on
a circle (a strongly connected component of the dependency graph, or a
resource depending on itself), in template order; which of the resources
that merely depend on a circle AWS adds to the list is not documented.

On update, a resource must keep its type: moto updates or replaces a
resource whose ``Type`` changed under the same logical ID (an
``AWS::SNS::Topic`` becomes an ``AWS::SQS::Queue``). AWS refuses it: "Update
of resource type is not permitted. The new template modifies resource type of
the following resources: [<logical IDs>]" (its wording as users report it,
aws/aws-sam-cli#6786, panther-labs/panther#1895: the reason of a change set
that is FAILED, ExecutionStatus UNAVAILABLE). UpdateStack, which makes no
change set, fails with ``ValidationError`` and that message (assumed: the
same validation, answered on the call).

An ``Fn::GetAtt`` (or a ``${Resource.Attribute}`` of ``Fn::Sub``) must name an attribute its resource's type
returns: the type's readOnlyProperties, as its registry schema lists them (``schemas.get_att_allowed``; never a
writeOnlyProperty). AWS refuses any other before anything changes, with ``ValidationError`` "Template error:
resource <logical ID> does not support attribute type <attribute> in Fn::GetAtt" (moto's own wording of that
error, ``UnformattedGetAttTemplateException``, which cfn-lint's E1010 also reports); moto 5.2.5 only refuses an
attribute its model does not answer, when it resolves it, and for a model without ``get_cfn_attribute`` (e.g.
``AWS::SSM::Parameter``) gives nothing, silently.

A type AWS knows but the emulator does not model is not refused here (AWS
accepts the template): the engine fails that resource when it would create it
(``cfn_engine``), so the operation rolls back, saying the emulator does not
model the type.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError

from emulator import cfn_engine, schemas
from emulator.gaps import _checks
from emulator.gaps._checks import Submission
from emulator.schemas import known_types


def _resources(template: dict[str, Any]) -> dict[str, Any]:
    resources = template.get("Resources") if isinstance(template, dict) else None
    return resources if isinstance(resources, dict) else {}


def check_resource_types(template: dict[str, Any], region: str) -> None:
    """Raise ValidationError naming the resource types CloudFormation does not know."""
    known = known_types(region)
    unknown: list[str] = []
    for body in _resources(template).values():
        resource_type = str(body.get("Type", "")) if isinstance(body, dict) else ""
        if resource_type.startswith("Custom::") or resource_type in known or resource_type in unknown:
            continue
        unknown.append(resource_type)
    if unknown:
        raise ValidationError(message=f"Template format error: Unrecognized resource types: [{', '.join(unknown)}]")


def _graph(resources: dict[str, Any]) -> dict[str, list[str]]:
    """Each resource's dependencies among ``resources``, itself included if it refers to itself."""
    graph: dict[str, list[str]] = {}
    for name, body in resources.items():
        if not isinstance(body, dict):
            graph[name] = []
            continue
        depends_on = body.get("DependsOn", [])
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        found = cfn_engine.references({k: v for k, v in body.items() if k != "DependsOn"})
        graph[name] = [d for d in resources if d in found or d in depends_on]
    return graph


def circular(resources: dict[str, Any]) -> list[str]:
    """The resources on a dependency circle, in template order (Tarjan's strongly connected components)."""
    graph = _graph(resources)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    on_circle: set[str] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                on_circle.update(component)

    for node in graph:
        if node not in index:
            visit(node)
    return [name for name in resources if name in on_circle]


def check_dependencies(template: dict[str, Any]) -> None:
    """Raise ValidationError naming the resources that depend on each other in a circle."""
    found = circular(_resources(template))
    if found:
        raise ValidationError(message=f"Circular dependency between resources: [{', '.join(found)}]")


def check_get_atts(template: dict[str, Any]) -> None:
    """Raise ValidationError for the first Fn::GetAtt of an attribute its resource's type does not return."""
    resources = _resources(template)
    outputs = template.get("Outputs") if isinstance(template.get("Outputs"), dict) else {}
    for name, attribute in (n.split(".", 1) for n in cfn_engine.named([resources, outputs]) if "." in n):
        body = resources.get(name)
        resource_type = str(body.get("Type", "")) if isinstance(body, dict) else ""
        if resource_type and not schemas.get_att_allowed(resource_type, attribute):
            raise ValidationError(
                message=f"Template error: resource {name} does not support attribute type {attribute} in Fn::GetAtt")


def check_template(template: dict[str, Any], region: str) -> None:
    """Everything this fill checks, in the order CloudFormation reports it."""
    check_resource_types(template, region)
    check_dependencies(template)
    check_get_atts(template)


def retyped(old_template: dict[str, Any], new_template: dict[str, Any]) -> list[str]:
    """Logical IDs whose Type differs between the two templates, in the new template's order."""
    old = _resources(old_template)
    return [
        name
        for name, body in _resources(new_template).items()
        if name in old and isinstance(body, dict) and isinstance(old[name], dict)
        and body.get("Type") != old[name].get("Type")
    ]


def _retyped_message(names: list[str]) -> str:
    return (
        "Update of resource type is not permitted. The new template modifies resource type of the "
        f"following resources: [{', '.join(names)}]"
    )


def _check(submission: Submission) -> None:
    check_template(submission.template, submission.backend.region_name)
    names = retyped(submission.deployed, submission.template) if submission.deployed is not None else []
    if names:
        raise _checks.ChangeSetFailed(_retyped_message(names))


def apply() -> None:
    _checks.add(_check)
