"""How CloudFormation walks a stack operation, on top of moto's own models.

moto creates resources lazily as references are met, updates by template text
only (a replaced security group never reaches the instance that refers to it),
deletes in arbitrary order and never rolls back. This module is the part of
CloudFormation's behaviour our gap fills need:

* resources are processed in dependency order (Ref, Fn::GetAtt, Fn::Sub,
  DependsOn);
* on update a resource is touched when its *resolved* properties change, so a
  replaced dependency reaches every resource that refers to it;
* an update is in place or a replacement; a replaced resource's old copy and
  removed resources are deleted only in the clean-up phase, after the new
  ones exist, honouring DeletionPolicy / UpdateReplacePolicy;
* resources created through a change set get the stack's tags, as in
  CreateStack;
* a failure rolls back and ends in ROLLBACK_COMPLETE /
  UPDATE_ROLLBACK_COMPLETE (or DELETE_FAILED), with a resource event saying
  why; the API call itself still succeeds, as AWS's is asynchronous.

Resource classes take part through optional hooks (see :class:`Hooks`):
``emulator_update`` for in-place updates, ``emulator_snapshot`` for
``DeletionPolicy: Snapshot``. While a resource is created, updated or deleted,
:func:`current` gives its :class:`Operation`: the stack, the logical ID, the
resource's template entry (with its UpdatePolicy, CreationPolicy, ...), the
tags CloudFormation gives what it creates, and a way to add a resource event
with a reason, as CloudFormation reports the progress of a rolling update.
"""

from __future__ import annotations

import contextlib
import copy
import ipaddress
import logging
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import CloudFormationError, UnformattedGetAttTemplateException, ValidationError
from moto.cloudformation.models import Event, Stack
from moto.ec2.models import ec2_backends
from moto.ec2.models.core import TaggedEC2Resource

from emulator import operations, schemas

logger = logging.getLogger("emulator")

_SUB_REFERENCE = re.compile(r"\$\{(?!!)([^}]+)\}")

#: Types CloudFormation knows that create nothing the emulator could model, so
#: they are not stack resources here (every other type without a model fails,
#: see :func:`_apply`). AWS::CDK::Metadata: "Metadata resource automatically
#: added by the AWS CDK to track construct library versions used in the
#: application" (its resource schema in cfn-lint); it only records analytics.
NOT_MODELLED_NO_OP = frozenset({"AWS::CDK::Metadata"})


class Hooks(Protocol):
    """Optional hooks a resource class may define for the engine."""

    @classmethod
    def emulator_update(
        cls, resource: Any, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> Any:
        """Apply new resolved properties; return the same object if updated in
        place, a new one if replaced (the engine deletes the old one later)."""

    def emulator_snapshot(self) -> None:
        """Take the snapshot ``DeletionPolicy: Snapshot`` asks for."""


class OperationFailed(Exception):
    """A resource failed; carries its logical ID for the stack event."""

    def __init__(self, logical_id: str, resource_type: str, reason: str):
        super().__init__(f"{logical_id}: {reason}")
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.reason = reason


@dataclass
class Operation:
    """The resource an operation is working on now (see :func:`current`)."""

    stack: Stack
    logical_id: str
    resource_type: str
    action: str  # CREATE, UPDATE or DELETE
    body: dict[str, Any]  # the resource's template entry (the new one on update)
    rollback: bool = False  # putting the resource back after a failed update

    def report(self, reason: str, physical_id: str = "") -> None:
        """A resource event ``<ACTION>_IN_PROGRESS`` with ``reason``, as CloudFormation reports progress."""
        add_event(self.stack, self.logical_id, self.resource_type, f"{self.action}_IN_PROGRESS", physical_id, reason)

    def stack_tags(self) -> dict[str, str]:
        """The stack's tags and the aws:cloudformation:* tags CloudFormation gives what it creates."""
        return {
            **dict(self.stack.tags or {}),
            "aws:cloudformation:stack-name": self.stack.name,
            "aws:cloudformation:stack-id": self.stack.stack_id,
            "aws:cloudformation:logical-id": self.logical_id,
        }


_current: ContextVar[Operation | None] = ContextVar("emulator_operation", default=None)


def current() -> Operation | None:
    """The resource operation under way in this thread (None outside a stack operation)."""
    return _current.get()


@contextlib.contextmanager
def _operating(
    stack: Stack, logical_id: str, body: dict[str, Any], action: str, rollback: bool = False
) -> Iterator[Operation]:
    operation = Operation(stack, logical_id, _resource_type(body), action, body, rollback)
    token = _current.set(operation)
    try:
        yield operation
    finally:
        _current.reset(token)


# --- dependency order -------------------------------------------------------


def named(node: Any) -> list[str]:
    """What a template fragment's Ref, Fn::GetAtt and Fn::Sub name: ``Name`` (a Ref, resource or parameter) or
    ``Name.Attribute`` (an attribute; a ``${Name}`` of an Fn::Sub that has a variable of that name is the
    variable, not a reference; ``${!Literal}`` is text)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.append(value)
            elif key == "Fn::GetAtt":
                parts = value if isinstance(value, list) else str(value).split(".", 1)
                found.append(".".join(str(p) for p in parts[:2] if isinstance(p, str)) or str(parts[0]))
                found.extend(named(parts[1:]))
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                variables = value[1] if isinstance(value, list) and len(value) > 1 else {}
                own = set(variables) if isinstance(variables, dict) else set()
                if isinstance(text, str):
                    found.extend(m for m in _SUB_REFERENCE.findall(text) if m.split(".")[0] not in own)
                found.extend(named(variables))
            else:
                found.extend(named(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(named(item))
    return found


def references(node: Any) -> set[str]:
    """Names a template fragment refers to (resources and parameters alike)."""
    return {n.split(".")[0] for n in named(node)}


def dependencies(resources: dict[str, Any]) -> dict[str, set[str]]:
    """Each resource's direct dependencies among ``resources``."""
    result: dict[str, set[str]] = {}
    for name, body in resources.items():
        depends_on = body.get("DependsOn", [])
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        found = references({k: v for k, v in body.items() if k != "DependsOn"})
        result[name] = {d for d in found | set(depends_on) if d in resources and d != name}
    return result


def creation_order(resources: dict[str, Any]) -> list[str]:
    """Resources with dependencies first; template order breaks ties."""
    pending = dependencies(resources)
    order: list[str] = []
    while pending:
        ready = [n for n, deps in pending.items() if not deps - set(order)]
        if not ready:  # template_validation refuses a cycle before any operation
            raise ValueError(f"circular dependency between resources: {sorted(pending)}")
        for name in ready:
            order.append(name)
            del pending[name]
    return order


# --- resource helpers -------------------------------------------------------

_moto_getitem = parsing.ResourceMap.__getitem__


def _getitem(resource_map: parsing.ResourceMap, key: str) -> Any:
    """moto's lazy lookup, except that it never creates a resource as a side
    effect (of an output, a resource listing, ...) outside an operation."""
    if getattr(resource_map, "_emulator_sealed", False) and key not in resource_map._parsed_resources:
        raise KeyError(key)
    return _moto_getitem(resource_map, key)


_moto_clean_json = parsing.clean_json


def fn_cidr(ip_block: str, count: Any, cidr_bits: Any) -> list[str]:
    """``Fn::Cidr: [ipBlock, count, cidrBits]``: ``count`` consecutive blocks of ``cidrBits`` host bits from the start
    of ``ipBlock`` (CloudFormation's intrinsic function reference, Fn::Cidr); more than the block holds is a template
    error. moto 5.2.5 does not know the function."""
    network = ipaddress.ip_network(str(ip_block), strict=False)
    prefix = network.max_prefixlen - int(cidr_bits)
    if prefix < network.prefixlen or int(count) > 2 ** (prefix - network.prefixlen):
        raise ValidationError(message=f"Template error: Fn::Cidr cannot make {count} blocks of {cidr_bits} bits "
                                      f"from {ip_block}")
    blocks = network.subnets(new_prefix=prefix)
    return [str(next(blocks)) for _ in range(int(count))]


def _clean_json(resource_json: Any, resources_map: parsing.ResourceMap) -> Any:
    """moto's resolution of intrinsic functions, plus ``Fn::Cidr`` (:func:`fn_cidr`), with ``Fn::GetAtt`` as the
    type's schema says (its readOnlyProperties, never a writeOnly one: :func:`schemas.get_att_allowed`): another
    attribute is refused with CloudFormation's error, and one that moto's model does not answer (it refuses it, or
    logs a warning and gives nothing) is answered from the resource (:func:`schemas.fallback_attribute`).

    The one resolver: moto's own recurses through ``parsing.clean_json``, so every function it meets nested comes
    back here."""
    if isinstance(resource_json, dict) and "Fn::Cidr" in resource_json:
        ip_block, count, bits = (_clean_json(part, resources_map) for part in resource_json["Fn::Cidr"])
        return fn_cidr(ip_block, count, bits)
    if not (isinstance(resource_json, dict) and "Fn::GetAtt" in resource_json):
        return _moto_clean_json(resource_json, resources_map)
    target = resource_json["Fn::GetAtt"]
    name, attribute = target[:2] if isinstance(target, list) else str(target).split(".", 1)
    body = resources_map._resource_json_map.get(name)
    resource_type = _resource_type(body) if isinstance(body, dict) else ""
    if resource_type and not schemas.get_att_allowed(resource_type, attribute):
        raise ValidationError(message=UnformattedGetAttTemplateException.description.format(name, attribute))
    try:
        value = _moto_clean_json({"Fn::GetAtt": [name, attribute]}, resources_map)
    except (ValidationError, NotImplementedError, AttributeError) as error:
        # The resource is there but moto's model refuses the attribute (or has no get_cfn_attribute at all).
        resource = resources_map.get(name) if resource_type else None
        if resource is None:
            raise  # an undefined resource: moto's "Template error: instance of Fn::GetAtt references ..."
        value = schemas.fallback_attribute(resource_type, attribute, resource)
        if value is None:
            raise ValidationError(message=f"Emulator: attribute {attribute} of {resource_type} (Fn::GetAtt "
                                  f"{name}.{attribute}) is not modelled") from error
        return value
    resource = resources_map.get(name) if value is None and resource_type else None
    if resource is not None:  # moto logged "not implemented" and gave nothing
        value = schemas.fallback_attribute(resource_type, attribute, resource)
    return value


def _identified(resource: Any) -> str:
    """A physical ID from the type's primaryIdentifier, for a moto model that has none (its Ref and the stack's
    resource listings read ``physical_resource_id``); AttributeError when the model does not keep it either."""
    found = schemas.identifier(resource.cloudformation_type(), resource)
    if found is None:
        raise AttributeError("physical_resource_id")
    return found


def install() -> None:
    """Make moto's ResourceMap honour the seal, its ``Fn::GetAtt`` follow the schemas, and its models without a
    physical ID take the one their primaryIdentifier gives (called by the fills)."""
    parsing.ResourceMap.__getitem__ = _getitem  # type: ignore[method-assign]
    parsing.clean_json = _clean_json
    for model in parsing.get_model_list():
        if not hasattr(model, "physical_resource_id"):
            model.physical_resource_id = property(_identified)


def seal(resource_map: parsing.ResourceMap, sealed: bool = True) -> None:
    resource_map._emulator_sealed = sealed  # type: ignore[attr-defined]


def _is_resource(value: Any) -> bool:
    return value is not None and not isinstance(value, (str, int, float, bool, list, dict))


def live_resources(resource_map: parsing.ResourceMap) -> dict[str, Any]:
    """Resources that exist now, by logical ID (never creates any)."""
    templated = resource_map._resource_json_map
    return {
        name: value
        for name, value in resource_map._parsed_resources.items()
        if name in templated and _is_resource(value)
    }


def resolve(resource_map: parsing.ResourceMap, body: dict[str, Any]) -> dict[str, Any]:
    """A resource's properties with every intrinsic function resolved."""
    return parsing.clean_json(copy.deepcopy(body.get("Properties", {})), resource_map) or {}


def _resource_type(body: dict[str, Any]) -> str:
    return str(body.get("Type", ""))


def _physical_id(resource: Any) -> str:
    return str(getattr(resource, "physical_resource_id", "") or "")


def add_event(
    stack: Stack,
    logical_id: str,
    resource_type: str,
    status: str,
    physical_id: str = "",
    reason: str | None = None,
) -> None:
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )
    operations.checkpoint()  # a client polling the stack sees each step, as on AWS


def tag_new_resource(stack: Stack, logical_id: str, resource: Any) -> None:
    """Stack tags plus aws:cloudformation:* tags, as CloudFormation adds them.

    EC2 resources here; a resource of another service that CloudFormation tags
    does it itself, in its ``create_from_cloudformation_json``, from
    :meth:`Operation.stack_tags` (an Auto Scaling group must have them before
    it launches its instances).
    """
    if not isinstance(resource, TaggedEC2Resource):
        return
    tags = dict(stack.tags or {})
    tags.update(
        {
            "aws:cloudformation:stack-name": stack.name,
            "aws:cloudformation:stack-id": stack.stack_id,
            "aws:cloudformation:logical-id": logical_id,
        }
    )
    backend = ec2_backends[stack.account_id][stack.region_name]
    backend.create_tags([resource.id], tags)


def delete_resource(
    resource_map: parsing.ResourceMap, resource: Any, body: dict[str, Any], policy_key: str,
    stack: Stack | None = None, logical_id: str = "",
) -> str:
    """Delete one resource as its policy says; return what was done."""
    if stack is not None:
        with _operating(stack, logical_id, body, "DELETE"):
            return delete_resource(resource_map, resource, body, policy_key)
    policy = body.get(policy_key, "Delete")
    if policy == "Retain":
        release = getattr(resource, "emulator_retain", None)
        if release is not None:
            release()
        return "retained"
    if policy == "Snapshot":
        snapshot = getattr(resource, "emulator_snapshot", None)
        if snapshot is not None:
            snapshot()
    resource_map._delete_resource(resource, body)
    return "deleted"


# --- operations -------------------------------------------------------------


@dataclass
class _Journal:
    """What an operation did, so that it can be undone on failure."""

    created: list[str] = field(default_factory=list)
    in_place: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    replaced: list[tuple[str, Any, dict[str, Any]]] = field(default_factory=list)


def _update_one(
    stack: Stack,
    name: str,
    old_resource: Any,
    old_body: dict[str, Any],
    new_body: dict[str, Any],
    old_props: dict[str, Any],
    new_props: dict[str, Any],
) -> Any:
    resource_map = stack.resource_map
    resource_type = _resource_type(new_body)
    cls = parsing.resource_class_from_type(resource_type)
    hook = getattr(cls, "emulator_update", None)
    if hook is not None and _resource_type(old_body) == resource_type:
        # A fill decides itself (its API-level rules, e.g. a volume's ModifyVolume or an instance's attributes).
        return hook(old_resource, old_props, new_props, stack.account_id, stack.region_name)
    create_only = schemas.create_only_changes(resource_type, old_props, new_props)
    if not create_only and cls is not None and not hasattr(cls.update_from_cloudformation_json, "__isabstractmethod__"):
        # moto's own update (it deletes the old copy itself).
        updated = parsing.parse_and_update_resource(
            name, new_body, resource_map, stack.account_id, stack.region_name
        )
        if updated is not None:
            updated._emulator_replaced_by_moto = True
        return updated
    # A createOnly property changed (the type's schema), or moto cannot update the type at all: replace, the
    # new copy first, the old one deleted at clean-up.
    _refuse_custom_name_replacement(cls, old_props, new_props)
    old_copy = resource_map._parsed_resources.pop(name, None)
    try:
        created = resource_map[name]
    except Exception:
        resource_map._parsed_resources[name] = old_copy  # the stack keeps the old copy, as on rollback
        raise
    tag_new_resource(stack, name, created)
    return created


def _refuse_custom_name_replacement(cls: Any, old: dict[str, Any], new: dict[str, Any]) -> None:
    """A replacement that would keep a custom name is refused: "You can't perform an update that causes a
    custom-named resource to be replaced. If you must replace the resource, specify a new name."
    (aws-properties-name.md). The name property is the one moto's model names its resources by."""
    from emulator.gaps.exceptions import CustomNamedResourceReplacementError

    name_property = cls.cloudformation_name_type() if cls is not None else ""
    if name_property and new.get(name_property) and new.get(name_property) == old.get(name_property):
        raise CustomNamedResourceReplacementError(str(new[name_property]))


def _apply(stack: Stack, new_template: dict[str, Any], journal: _Journal) -> list[tuple[str, Any, dict]]:
    """Create and update in dependency order; return what clean-up must delete."""
    resource_map = stack.resource_map
    old_bodies = dict(resource_map._resource_json_map)
    live = live_resources(resource_map)
    old_props = {name: resolve(resource_map, old_bodies[name]) for name in live}

    resource_map._template = new_template
    resource_map._resource_json_map = new_template.get("Resources", {})
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()

    new_bodies = resource_map._resource_json_map
    kept: set[str] = set()
    for name in creation_order(new_bodies):
        body = new_bodies[name]
        condition = body.get("Condition")
        if condition and not resource_map.lazy_condition_map[condition]:
            continue
        resource_type = _resource_type(body)
        try:
            if name not in live:
                add_event(stack, name, resource_type, "CREATE_IN_PROGRESS")
                if resource_type not in NOT_MODELLED_NO_OP:
                    schemas.check(name, resource_type, resolve(resource_map, body))
                with _operating(stack, name, body, "CREATE"):
                    created = resource_map[name]
                if created is None:
                    if resource_type in NOT_MODELLED_NO_OP:
                        continue
                    # moto skips a type it has no model for; AWS would create it.
                    raise OperationFailed(name, resource_type, _not_modelled(resource_type))
                journal.created.append(name)
                tag_new_resource(stack, name, created)
                add_event(stack, name, resource_type, "CREATE_COMPLETE", _physical_id(created))
                continue
            kept.add(name)
            new_props = resolve(resource_map, body)
            same_type = resource_type == _resource_type(old_bodies[name])
            if same_type and new_props == old_props[name]:
                continue
            old_resource = live[name]
            add_event(stack, name, resource_type, "UPDATE_IN_PROGRESS", _physical_id(old_resource))
            schemas.check(name, resource_type, new_props)
            with _operating(stack, name, body, "UPDATE"):
                updated = _update_one(
                    stack, name, old_resource, old_bodies[name], body, old_props[name], new_props
                )
            if updated is None:
                continue
            updated.logical_resource_id = name
            updated.cf_resource_type = resource_type
            resource_map._parsed_resources[name] = updated
            if updated is old_resource:
                journal.in_place.append((name, old_props[name], new_props))
            elif not getattr(updated, "_emulator_replaced_by_moto", False):
                journal.replaced.append((name, old_resource, old_bodies[name]))
            add_event(stack, name, resource_type, "UPDATE_COMPLETE", _physical_id(updated))
        except OperationFailed:
            raise
        except Exception as error:  # any moto error fails this resource
            raise OperationFailed(name, resource_type, _reason(error)) from error

    removed = [(n, live[n], old_bodies[n]) for n in reversed(creation_order(old_bodies)) if n in live and n not in kept]
    return removed


def _not_modelled(resource_type: str) -> str:
    return (
        f"Emulator: resource type {resource_type} is not modelled (neither moto nor a fill in "
        "emulator/gaps emulates it), so it cannot be created here"
    )


def _reason(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error)
    if isinstance(error, CloudFormationError):
        return message  # CloudFormation's own reason, not a service error: no error code shown
    code = getattr(error, "code", None) or getattr(error, "error_type", None) or type(error).__name__
    return f"{message} (Error Code: {code})"


def _clean_up(stack: Stack, removed: list[tuple[str, Any, dict]], journal: _Journal) -> None:
    """Delete replaced old copies and removed resources (never fails the stack)."""
    resource_map = stack.resource_map
    for name, old_resource, body in reversed(journal.replaced):
        _delete_quietly(stack, resource_map, name, old_resource, body, "UpdateReplacePolicy")
    for name, resource, body in removed:
        _delete_quietly(stack, resource_map, name, resource, body, "DeletionPolicy")
        resource_map._parsed_resources.pop(name, None)


def _delete_quietly(
    stack: Stack, resource_map: parsing.ResourceMap, name: str, resource: Any, body: dict, policy_key: str
) -> None:
    resource_type = _resource_type(body)
    add_event(stack, name, resource_type, "DELETE_IN_PROGRESS", _physical_id(resource))
    try:
        done = delete_resource(resource_map, resource, body, policy_key, stack, name)
    except Exception as error:
        # AWS also carries on when clean-up fails; it only reports it.
        add_event(stack, name, resource_type, "DELETE_FAILED", _physical_id(resource), _reason(error))
        return
    status = "DELETE_SKIPPED" if done == "retained" else "DELETE_COMPLETE"
    add_event(stack, name, resource_type, status, _physical_id(resource))


def _undo(stack: Stack, journal: _Journal, old_template: dict[str, Any], old_inputs: dict[str, Any]) -> bool:
    """Put the stack back as it was before a failed operation; False if a resource could not be put back."""
    resource_map = stack.resource_map
    new_bodies = resource_map._resource_json_map
    for name in reversed(journal.created):
        resource = resource_map._parsed_resources.pop(name, None)
        if _is_resource(resource):
            # What a failed operation created goes, whatever its DeletionPolicy.
            body = {**new_bodies[name], "DeletionPolicy": "Delete"}
            _delete_quietly(stack, resource_map, name, resource, body, "DeletionPolicy")
    for name, old_resource, old_body in journal.replaced:
        new_resource = resource_map._parsed_resources.get(name)
        if _is_resource(new_resource) and new_resource is not old_resource:
            body = {**old_body, "DeletionPolicy": "Delete"}
            _delete_quietly(stack, resource_map, name, new_resource, body, "DeletionPolicy")
        resource_map._parsed_resources[name] = old_resource
    ok = True
    for name, old_props, new_props in reversed(journal.in_place):
        resource = resource_map._parsed_resources.get(name)
        hook = getattr(type(resource), "emulator_update", None)
        if hook is not None:
            body = new_bodies.get(name, {})
            add_event(stack, name, _resource_type(body), "UPDATE_IN_PROGRESS", _physical_id(resource))
            try:
                with _operating(stack, name, body, "UPDATE", rollback=True):
                    hook(resource, new_props, old_props, stack.account_id, stack.region_name)
            except Exception as error:
                # The resource cannot be put back: the rollback fails (UPDATE_ROLLBACK_FAILED), as in AWS.
                ok = False
                add_event(stack, name, _resource_type(body), "UPDATE_FAILED", _physical_id(resource), _reason(error))
                continue
            add_event(stack, name, _resource_type(body), "UPDATE_COMPLETE", _physical_id(resource))
    resource_map._template = old_template
    resource_map._resource_json_map = old_template.get("Resources", {})
    resource_map.input_parameters = old_inputs
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()
    return ok


def run(stack: Stack, new_template: dict[str, Any], parameters: dict[str, Any] | None, operation: str) -> bool:
    """Create (operation "CREATE") or update ("UPDATE") the stack to ``new_template``.

    Never raises for a resource failure: the stack ends in a failed/rolled-back
    status with events saying why, and False is returned.
    """
    resource_map = stack.resource_map
    old_template = resource_map._template
    old_inputs = dict(resource_map.input_parameters or {})
    if parameters is not None:
        resource_map.input_parameters = parameters
    journal = _Journal()
    stack.status = f"{operation}_IN_PROGRESS"
    seal(resource_map, False)
    try:
        return _run(stack, new_template, operation, journal, old_template, old_inputs)
    finally:
        seal(resource_map)


def _run(
    stack: Stack,
    new_template: dict[str, Any],
    operation: str,
    journal: _Journal,
    old_template: dict[str, Any],
    old_inputs: dict[str, Any],
) -> bool:
    try:
        removed = _apply(stack, new_template, journal)
    except OperationFailed as failure:
        add_event(stack, failure.logical_id, failure.resource_type, f"{operation}_FAILED", reason=failure.reason)
        rollback = "ROLLBACK" if operation == "CREATE" else "UPDATE_ROLLBACK"
        if operation == "CREATE" and stack.disable_rollback:
            stack.status = "CREATE_FAILED"
            stack._add_stack_event("CREATE_FAILED", resource_status_reason=failure.reason)
            return False
        stack.status = f"{rollback}_IN_PROGRESS"
        stack._add_stack_event(
            f"{rollback}_IN_PROGRESS",
            resource_status_reason=f"The following resource(s) failed to {operation.lower()}: [{failure.logical_id}].",
        )
        undone = _undo(stack, journal, old_template if operation == "UPDATE" else {"Resources": {}}, old_inputs)
        if operation == "CREATE":
            _undo_template(stack, new_template)
        if not undone:
            stack.status = f"{rollback}_FAILED"
            stack._add_stack_event(
                f"{rollback}_FAILED", resource_status_reason="The following resource(s) failed to update: ["
                + ", ".join(n for n, _, _ in journal.in_place if _failed_on_rollback(stack, n)) + "].")
            return False
        stack.status = f"{rollback}_COMPLETE"
        stack._add_stack_event(f"{rollback}_COMPLETE")
        return False
    if operation == "UPDATE":
        stack.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
        stack._add_stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    _clean_up(stack, removed, journal)
    return True


def _failed_on_rollback(stack: Stack, name: str) -> bool:
    last = next((e for e in reversed(stack.events) if e.logical_resource_id == name), None)
    return last is not None and last.resource_status == "UPDATE_FAILED"


def _undo_template(stack: Stack, template: dict[str, Any]) -> None:
    # A rolled-back create keeps its template (GetTemplate still answers) but
    # has no resources.
    stack.resource_map._template = template
    stack.resource_map._resource_json_map = template.get("Resources", {})


def delete_all(stack: Stack) -> bool:
    """Delete every resource, dependents first; False (DELETE_FAILED) if one fails."""
    resource_map = stack.resource_map
    seal(resource_map)
    bodies = resource_map._resource_json_map
    live = live_resources(resource_map)
    failed: list[str] = []
    for name in reversed(creation_order(bodies)):
        if name not in live:
            continue
        if any(d in failed for d in _dependents(bodies, name)):
            continue  # AWS leaves a resource whose dependent could not go
        body = bodies[name]
        resource_type = _resource_type(body)
        add_event(stack, name, resource_type, "DELETE_IN_PROGRESS", _physical_id(live[name]))
        try:
            done = delete_resource(resource_map, live[name], body, "DeletionPolicy", stack, name)
        except Exception as error:
            failed.append(name)
            add_event(stack, name, resource_type, "DELETE_FAILED", _physical_id(live[name]), _reason(error))
            continue
        resource_map._parsed_resources.pop(name, None)
        status = "DELETE_SKIPPED" if done == "retained" else "DELETE_COMPLETE"
        add_event(stack, name, resource_type, status, _physical_id(live[name]))
    return not failed


def _dependents(bodies: dict[str, Any], name: str) -> Iterable[str]:
    return [n for n, deps in dependencies(bodies).items() if name in deps]
