"""AWS Backup from CloudFormation: BackupVault, BackupPlan, BackupSelection; the selection API.

moto 5.2.5 has backup vaults and plans in its API but no CloudFormation type for
any of the three (the stack's backups are skipped), no backup *selection* at all
(CreateBackupSelection, GetBackupSelection, ListBackupSelections,
DeleteBackupSelection), no UpdateBackupPlan, and DeleteBackupPlan deletes a plan
that still has selections.

As AWS does it (AWS Backup API reference; aws-resource-backup-backupvault.md,
-backupplan.md, -backupselection.md):

* BackupVault: Ref is the vault's name, Fn::GetAtt BackupVaultName and
  BackupVaultArn; BackupVaultName and EncryptionKeyArn replace it, tags change
  in place; without EncryptionKeyArn, AWS Backup's own key encrypts it;
* BackupPlan: Ref is the plan's ID, Fn::GetAtt BackupPlanId, BackupPlanArn and
  VersionId; a new plan document is an UpdateBackupPlan (a new VersionId),
  BackupPlanTags change in place; each rule's TargetBackupVault must exist;
* BackupSelection: every property replaces it; Ref is the selection's ID, Fn::GetAtt
  SelectionId and BackupPlanId;
* DeleteBackupPlan fails while the plan has selections ("InvalidRequestException");
  CloudFormation deletes the selection first; a deleted plan's name can be used
  again (moto refuses it: the stack could not be deployed again after a destroy);
* a vault with recovery points cannot be deleted: DeleteBackupVault refuses
  (moto counts none, so a retained vault is what stays: the construct keeps it).
"""

from __future__ import annotations

import json
from typing import Any

from moto.backup.exceptions import InvalidParameterValueException, InvalidRequestException, ResourceNotFoundException
from moto.backup.models import BackupBackend, Plan, Vault, backup_backends
from moto.backup.responses import BackupResponse
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._props import changed, replacement_name, tag_changes

_moto_delete_backup_plan = BackupBackend.delete_backup_plan
_moto_create_backup_plan = BackupBackend.create_backup_plan


class BackupSelection:
    """One selection of a backup plan (moto has none)."""

    def __init__(self, plan: Plan, selection: dict[str, Any], creator_request_id: str | None):
        self.selection_id = str(mock_random.uuid4())
        self.backup_plan_id = plan.backup_plan_id
        self.selection = selection
        self.creator_request_id = creator_request_id
        self.creation_date = unix_time()

    def to_dict(self) -> dict[str, Any]:
        return {"SelectionId": self.selection_id, "BackupPlanId": self.backup_plan_id,
                "CreationDate": self.creation_date}

    def to_get_dict(self) -> dict[str, Any]:
        return {**self.to_dict(), "BackupSelection": self.selection, "CreatorRequestId": self.creator_request_id}

    def to_list_dict(self) -> dict[str, Any]:
        return {**self.to_dict(), "SelectionName": self.selection["SelectionName"],
                "IamRoleArn": self.selection["IamRoleArn"]}


def _check_vaults(backend: BackupBackend, backup_plan: dict[str, Any]) -> None:
    for rule in backup_plan.get("Rules") or backup_plan.get("BackupPlanRule") or []:
        vault = rule.get("TargetBackupVaultName") or rule.get("TargetBackupVault")
        if vault not in backend.vaults:
            raise InvalidParameterValueException(msg=f"Backup vault {vault} does not exist")


class BackupBackendFill:
    """What moto's BackupBackend gains (installed by :func:`apply`)."""

    @property
    def selections(self) -> dict[str, BackupSelection]:
        # Made on first use in the backend's own attributes, so moto's reset forgets it with the rest.
        return self.__dict__.setdefault("_emulator_selections", {})

    def create_backup_plan(self, backup_plan: dict[str, Any], backup_plan_tags: dict[str, str],
                           creator_request_id: str) -> Plan:
        _check_vaults(self, backup_plan)
        # Only a plan in use holds its name ("If you call CreateBackupPlan with a plan that is already in use, an
        # AlreadyExistsException is returned", CreateBackupPlan); moto also counts deleted ones, which it keeps.
        deleted = {i: p for i, p in self.plans.items() if p.deletion_date is not None}
        for plan_id in deleted:
            del self.plans[plan_id]
        try:
            return _moto_create_backup_plan(self, backup_plan, backup_plan_tags, creator_request_id)
        finally:
            self.plans.update(deleted)

    def update_backup_plan(self, backup_plan_id: str, backup_plan: dict[str, Any]) -> Plan:
        plan = self.get_backup_plan(backup_plan_id, None)
        _check_vaults(self, backup_plan)
        plan.backup_plan = backup_plan
        plan.version_id = str(mock_random.uuid4())
        return plan

    def delete_backup_plan(self, backup_plan_id: str) -> tuple[str, str, float, str]:
        if any(s.backup_plan_id == backup_plan_id for s in self.selections.values()):
            raise InvalidRequestException(msg="Backup plan cannot be deleted while it has backup selections; delete "
                                              "them first")
        return _moto_delete_backup_plan(self, backup_plan_id)

    def create_backup_selection(self, backup_plan_id: str, backup_selection: dict[str, Any],
                                creator_request_id: str | None = None) -> BackupSelection:
        plan = self.get_backup_plan(backup_plan_id, None)
        if plan.deletion_date is not None:
            raise ResourceNotFoundException(msg=f"Backup plan {backup_plan_id} does not exist")
        for required in ("SelectionName", "IamRoleArn"):
            if not backup_selection.get(required):
                raise InvalidParameterValueException(msg=f"{required} is required")
        selection = BackupSelection(plan, backup_selection, creator_request_id)
        self.selections[selection.selection_id] = selection
        return selection

    def get_backup_selection(self, backup_plan_id: str, selection_id: str) -> BackupSelection:
        selection = self.selections.get(selection_id)
        if selection is None or selection.backup_plan_id != backup_plan_id:
            raise ResourceNotFoundException(msg=f"Backup selection {selection_id} does not exist")
        return selection

    def list_backup_selections(self, backup_plan_id: str) -> list[BackupSelection]:
        self.get_backup_plan(backup_plan_id, None)
        return [s for s in self.selections.values() if s.backup_plan_id == backup_plan_id]

    def delete_backup_selection(self, backup_plan_id: str, selection_id: str) -> None:
        self.get_backup_selection(backup_plan_id, selection_id)
        del self.selections[selection_id]


class BackupSelections:
    """AWS Backup's selection API and UpdateBackupPlan (installed on moto's BackupResponse by :func:`apply`)."""

    def _plan_id(self) -> str:
        return self.path.split("/plans/")[1].split("/")[0]

    def create_backup_selection(self) -> str:
        params = json.loads(self.body)
        selection = self.backup_backend.create_backup_selection(
            self._plan_id(), params["BackupSelection"], params.get("CreatorRequestId"))
        return json.dumps(selection.to_dict())

    def get_backup_selection(self) -> str:
        selection_id = self.path.rstrip("/").split("/")[-1]
        return json.dumps(self.backup_backend.get_backup_selection(self._plan_id(), selection_id).to_get_dict())

    def list_backup_selections(self) -> str:
        selections = self.backup_backend.list_backup_selections(self._plan_id())
        return json.dumps({"BackupSelectionsList": [s.to_list_dict() for s in selections]})

    def delete_backup_selection(self) -> str:
        self.backup_backend.delete_backup_selection(self._plan_id(), self.path.rstrip("/").split("/")[-1])
        return "{}"

    def update_backup_plan(self) -> str:
        params = json.loads(self.body)
        plan = self.backup_backend.update_backup_plan(self._plan_id(), params["BackupPlan"])
        return json.dumps(plan.to_dict())


def _plan_document(properties: dict[str, Any]) -> dict[str, Any]:
    """The template's BackupPlan in the API's shape (BackupPlanRule -> Rules, TargetBackupVault -> ...Name)."""
    document = dict(properties["BackupPlan"])
    rules = []
    for rule in document.pop("BackupPlanRule", []):
        rule = dict(rule)
        rule["TargetBackupVaultName"] = rule.pop("TargetBackupVault")
        rules.append(rule)
    document["Rules"] = rules
    return document


class BackupVault(CloudFormationModel):
    def __init__(self, vault: Vault, account_id: str, region_name: str):
        self.vault = vault
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.vault.backup_vault_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "BackupVaultName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Backup::BackupVault"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("BackupVaultName", "BackupVaultArn")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "BackupVaultName":
            return self.vault.backup_vault_name
        if attribute_name == "BackupVaultArn":
            return self.vault.backup_vault_arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> BackupVault:
        properties = cloudformation_json["Properties"]
        backend = backup_backends[account_id][region_name]
        key = properties.get("EncryptionKeyArn") or \
            f"arn:aws:kms:{region_name}:{account_id}:alias/aws/backup"  # AWS Backup's own key
        vault = backend.create_backup_vault(properties.get("BackupVaultName") or resource_name,
                                            properties.get("BackupVaultTags") or {}, key, None)
        return cls(vault, account_id, region_name)

    @classmethod
    def emulator_update(cls, resource: BackupVault, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> BackupVault:
        differences = changed(old, new)
        if differences & {"BackupVaultName", "EncryptionKeyArn"}:
            name = replacement_name(old.get("BackupVaultName"), new.get("BackupVaultName"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        backend = backup_backends[account_id][region]
        if "BackupVaultTags" in differences:
            removed, tags = tag_changes(old.get("BackupVaultTags") or {}, new.get("BackupVaultTags") or {})
            if removed:
                backend.untag_resource(resource.vault.backup_vault_arn, removed)
            backend.tag_resource(resource.vault.backup_vault_arn, tags)
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        if self.vault.num_of_recovery_points:
            raise InvalidRequestException(msg="Backup vault cannot be deleted because it contains recovery points")
        backup_backends[self.account_id][self.region_name].delete_backup_vault(self.vault.backup_vault_name)


class BackupPlan(CloudFormationModel):
    def __init__(self, plan: Plan, account_id: str, region_name: str):
        self.plan = plan
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.plan.backup_plan_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Backup::BackupPlan"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("BackupPlanId", "BackupPlanArn", "VersionId")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "BackupPlanId":
            return self.plan.backup_plan_id
        if attribute_name == "BackupPlanArn":
            return self.plan.backup_plan_arn
        if attribute_name == "VersionId":
            return self.plan.version_id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> BackupPlan:
        properties = cloudformation_json["Properties"]
        plan = backup_backends[account_id][region_name].create_backup_plan(
            _plan_document(properties), properties.get("BackupPlanTags") or {}, None)
        return cls(plan, account_id, region_name)

    @classmethod
    def emulator_update(cls, resource: BackupPlan, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> BackupPlan:
        backend = backup_backends[account_id][region]
        differences = changed(old, new)
        if "BackupPlan" in differences:
            backend.update_backup_plan(resource.plan.backup_plan_id, _plan_document(new))
        if "BackupPlanTags" in differences:
            removed, tags = tag_changes(old.get("BackupPlanTags") or {}, new.get("BackupPlanTags") or {})
            if removed:
                backend.untag_resource(resource.plan.backup_plan_arn, removed)
            backend.tag_resource(resource.plan.backup_plan_arn, tags)
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backends[self.account_id][self.region_name].delete_backup_plan(self.plan.backup_plan_id)


class BackupSelectionResource(CloudFormationModel):
    def __init__(self, selection: BackupSelection, account_id: str, region_name: str):
        self.selection = selection
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.selection.selection_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Backup::BackupSelection"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("SelectionId", "BackupPlanId")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "SelectionId":
            return self.selection.selection_id
        if attribute_name == "BackupPlanId":
            return self.selection.backup_plan_id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> BackupSelectionResource:
        properties = cloudformation_json["Properties"]
        selection = backup_backends[account_id][region_name].create_backup_selection(
            properties["BackupPlanId"], dict(properties["BackupSelection"]))
        return cls(selection, account_id, region_name)

    @classmethod
    def emulator_update(cls, resource: BackupSelectionResource, old: dict[str, Any], new: dict[str, Any],
                        account_id: str, region: str) -> BackupSelectionResource:
        return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)

    def delete(self, account_id: str, region_name: str) -> None:
        backup_backends[self.account_id][self.region_name].delete_backup_selection(
            self.selection.backup_plan_id, self.selection.selection_id)


def apply() -> None:
    install(BackupBackend, BackupBackendFill)
    install(BackupResponse, BackupSelections)
    for model in (BackupVault, BackupPlan, BackupSelectionResource):
        register_cloudformation_model(model)
