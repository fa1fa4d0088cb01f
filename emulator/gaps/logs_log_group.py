"""AWS::Logs::LogGroup: updated in place, its retention checked, its ARN as CloudFormation gives it.

moto 5.2.5 cannot update a log group: the engine's fall-back (create the new
copy, delete the old one later) fails at once, as the new copy has the same
LogGroupName (``ResourceAlreadyExistsException``): **a changed retention fails
the stack update**. It accepts any RetentionInDays, and its ``Fn::GetAtt Arn``
lacks the ``:*`` suffix CloudFormation gives.

As AWS does it (aws-resource-logs-loggroup.md): LogGroupName replaces the
group; RetentionInDays, KmsKeyId, DataProtectionPolicy and Tags change in place
(PutRetentionPolicy / DeleteRetentionPolicy, TagResource); RetentionInDays is
one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
1827, 2192, 2557, 2922, 3288, 3653 (``InvalidParameterException`` otherwise);
``Fn::GetAtt Arn`` is ``arn:aws:logs:<region>:<account>:log-group:<name>:*``.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.logs.exceptions import InvalidParameterException
from moto.logs.models import LogGroup, logs_backends

from emulator.gaps._install import install
from emulator.gaps._props import as_int, changed, replacement_name, retag_by_arn, tag_dict

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                  3288, 3653)


def _retention(properties: dict[str, Any]) -> int | None:
    days = as_int(properties.get("RetentionInDays"))
    if days is not None and days not in RETENTION_DAYS:
        raise InvalidParameterException(
            constraint=f"Member must satisfy enum value set: {list(RETENTION_DAYS)}",
            parameter="retentionInDays", value=str(days))
    return days


class LogGroupFill:
    """What moto's LogGroup gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> LogGroup:
        properties = cloudformation_json.get("Properties") or {}
        retention = _retention(properties)
        backend = logs_backends[account_id][region_name]
        extra = {"RetentionInDays": retention} if retention is not None else {}
        if properties.get("KmsKeyId"):
            extra["kmsKeyId"] = properties["KmsKeyId"]
        return backend.create_log_group(properties.get("LogGroupName") or resource_name,
                                        tag_dict(properties.get("Tags")), **extra)

    @classmethod
    def emulator_update(
        cls, group: LogGroup, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> LogGroup:
        differences = changed(old, new)
        if "LogGroupName" in differences:
            name = replacement_name(old.get("LogGroupName"), new.get("LogGroupName"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        backend = logs_backends[account_id][region]
        if "RetentionInDays" in differences:
            days = _retention(new)
            if days is None:
                backend.delete_retention_policy(group.name)
            else:
                backend.put_retention_policy(group.name, days)
        if "KmsKeyId" in differences:
            group.kms_key_id = new.get("KmsKeyId")
        if "Tags" in differences:
            retag_by_arn(backend, group.arn, old.get("Tags"), new.get("Tags"))
        return group

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return f"{self.arn}:*"
        raise UnformattedGetAttTemplateException()


def apply() -> None:
    install(LogGroup, LogGroupFill)
