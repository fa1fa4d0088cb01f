"""Typed errors the fills raise, shaped like moto's ``exceptions.py`` modules.

One class per AWS error code, subclassing the service's base error from moto,
so that a fill offered upstream can move its errors into moto's
``moto/<service>/exceptions.py`` as they are.
"""

from __future__ import annotations

from moto.cloudformation.exceptions import CloudFormationError
from moto.ec2.exceptions import EC2ClientError

# --- CloudFormation -----------------------------------------------------------


class ChangeSetNotFoundException(CloudFormationError):
    code = "ChangeSetNotFound"
    status_code = 404

    def __init__(self, name: str):
        super().__init__(f"ChangeSet [{name}] does not exist")


# --- EC2 ----------------------------------------------------------------------


class InvalidPlacementGroupUnknownError(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.Unknown", f"The Placement Group '{name}' is unknown.")


class InvalidPlacementGroupDuplicateError(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.Duplicate", f"The Placement Group '{name}' already exists.")


class InvalidPlacementGroupInUseError(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.InUse", f"Placement group '{name}' is in use.")
