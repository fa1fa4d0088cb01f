"""AWS::KMS::Key: tags, the key policy as JSON, updates in place, and deletion scheduled (not immediate).

moto 5.2.5 reads the template's ``Tags`` as KMS API tags (``TagKey``/``TagValue``)
and fails on CloudFormation's ``Key``/``Value`` (``'TagKey'``): a stack with a
tagged key cannot be created. It keeps ``KeyPolicy`` as the template's object
(GetKeyPolicy returns no JSON), ignores ``PendingWindowInDays``, ``KeyUsage``
and ``KeySpec``, cannot update a key, and deletes it outright when the stack
goes.

As AWS does it (aws-resource-kms-key.md):

* the policy is a JSON document; KeySpec, KeyUsage and MultiRegion replace the
  key; Description, Enabled, EnableKeyRotation, KeyPolicy, Tags and
  PendingWindowInDays change in place;
* "When you remove a KMS key from a CloudFormation stack, AWS KMS schedules the
  KMS key for deletion and starts the mandatory waiting period" of
  PendingWindowInDays (7-30, default 30): the key stays, ``PendingDeletion``,
  disabled, until the window ends; an out-of-range window is refused;
* Ref is the key ID; Fn::GetAtt gives Arn and KeyId.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.kms.exceptions import ValidationException
from moto.kms.models import Key, kms_backends

from emulator.gaps._install import install
from emulator.gaps._props import as_bool, as_int, changed, retag_by_arn, tag_dict

_REPLACING = {"KeySpec", "KeyUsage", "MultiRegion", "Origin"}
_DEFAULT_WINDOW = 30


def _window(properties: dict[str, Any]) -> int:
    days = as_int(properties.get("PendingWindowInDays"))
    if days is None:
        return _DEFAULT_WINDOW
    if not 7 <= days <= 30:
        raise ValidationException(f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
                                  "satisfy constraint: Member must have value between 7 and 30")
    return days


def _policy(properties: dict[str, Any]) -> str | None:
    policy = properties.get("KeyPolicy")
    return policy if policy is None or isinstance(policy, str) else json.dumps(policy)


class KeyFill:
    """What moto's Key gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Key:
        properties = cloudformation_json.get("Properties") or {}
        window = _window(properties)
        backend = kms_backends[account_id][region_name]
        key = backend.create_key(
            policy=_policy(properties), key_usage=properties.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=properties.get("KeySpec", "SYMMETRIC_DEFAULT"), description=properties.get("Description", ""),
            tags=[{"TagKey": k, "TagValue": v} for k, v in tag_dict(properties.get("Tags")).items()],
            multi_region=as_bool(properties.get("MultiRegion")),
        )
        key.key_rotation_status = as_bool(properties.get("EnableKeyRotation"))
        if not as_bool(properties.get("Enabled"), default=True):
            backend.disable_key(key.id)
        key.emulator_pending_window = window
        return key

    @classmethod
    def emulator_update(cls, key: Key, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str) -> Key:
        differences = changed(old, new)
        if differences & _REPLACING:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        backend = kms_backends[account_id][region]
        key.emulator_pending_window = _window(new)
        if "KeyPolicy" in differences:
            backend.put_key_policy(key.id, _policy(new) or "")
        if "Description" in differences:
            backend.update_key_description(key.id, new.get("Description", ""))
        if "EnableKeyRotation" in differences:
            key.key_rotation_status = as_bool(new.get("EnableKeyRotation"))
        if "Enabled" in differences:
            (backend.enable_key if as_bool(new.get("Enabled"), default=True) else backend.disable_key)(key.id)
        if "Tags" in differences:
            retag_by_arn(backend, key.id, old.get("Tags"), new.get("Tags"))
        return key

    def delete(self, account_id: str, region_name: str) -> None:
        backend = kms_backends[self.account_id][self.region]
        if self.key_state != "PendingDeletion":
            backend.schedule_key_deletion(self.id, getattr(self, "emulator_pending_window", _DEFAULT_WINDOW))

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "KeyId")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.arn
        if attribute_name == "KeyId":
            return self.id
        raise UnformattedGetAttTemplateException()


def apply() -> None:
    install(Key, KeyFill)
