"""Typed errors the fills raise, shaped like moto's ``exceptions.py`` modules.

One class per AWS error code, subclassing the service's base error from moto,
so that a fill offered upstream can move its errors into moto's
``moto/<service>/exceptions.py`` as they are.
"""

from __future__ import annotations

from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudfront.exceptions import CloudFrontException
from moto.core.exceptions import AWSError, JsonRESTError
from moto.ec2.exceptions import EC2ClientError
from moto.elbv2.exceptions import ELBClientError
from moto.s3.exceptions import S3ClientError

# --- CloudFormation -----------------------------------------------------------


class ChangeSetNotFoundException(CloudFormationError):
    code = "ChangeSetNotFound"
    status_code = 404

    def __init__(self, name: str):
        super().__init__(f"ChangeSet [{name}] does not exist")


class InvalidChangeSetStatusException(CloudFormationError):
    code = "InvalidChangeSetStatus"

    def __init__(self, change_set_id: str, execution_status: str):
        # As AWS words it (e.g. aws/amazon-chime-sdk-js#1089: "... cannot be executed in its current execution
        # status of [OBSOLETE]").
        super().__init__(f"ChangeSet [{change_set_id}] cannot be executed in its current execution status of "
                         f"[{execution_status}]")


class NotUpdatableError(CloudFormationError):
    """A resource update CloudFormation does not support ("Update requires: Updates are not supported").

    Raised by a resource's update hook; the stack event shows the message alone,
    as CloudFormation's own (not a service's) reason.
    """

    code = "NotUpdatable"

    def __init__(self, message: str):
        super().__init__(message)


class SchemaValidationError(CloudFormationError):
    """Properties that break the resource type's schema (see emulator/schemas.py)."""

    def __init__(self, message: str):
        super().__init__(message)


class CustomNamedResourceReplacementError(CloudFormationError):
    """An update that would replace a resource whose custom name stays the same.

    "You can't perform an update that causes a custom-named resource to be
    replaced. If you must replace the resource, specify a new name."
    (aws-properties-name.md); the reason is AWS's, as its knowledge center
    quotes it (knowledge-center/cloudformation-custom-name).
    """

    code = "NotUpdatable"

    def __init__(self, name: str):
        super().__init__(
            "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
            f"Rename {name} and update the stack again."
        )


# --- EC2 ----------------------------------------------------------------------


class VolumeAlreadyAttachedError(EC2ClientError):
    """AttachVolume of a volume that is in use (moto's VolumeInUseError has DeleteVolume's wording)."""

    def __init__(self, volume_id: str):
        super().__init__("VolumeInUse", f"{volume_id} is already attached to an instance")


class VolumeModificationRateExceededError(EC2ClientError):
    """ModifyVolume of a volume whose last modification has not completed, or that was modified four times in
    24 hours. The code is EC2's (seen in sodafoundation/strato#1094); the message is this emulator's."""

    def __init__(self, volume_id: str, why: str):
        super().__init__("VolumeModificationRateExceeded", f"Volume {volume_id} cannot be modified now: {why}")


class InvalidVolumeZoneMismatchError(EC2ClientError):
    def __init__(self, volume_id: str, instance_id: str):
        super().__init__(
            "InvalidVolume.ZoneMismatch",
            f"The volume '{volume_id}' is not in the same availability zone as instance '{instance_id}'",
        )


class InvalidPlacementGroupUnknownError(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.Unknown", f"The Placement Group '{name}' is unknown.")


class InvalidPlacementGroupDuplicateError(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.Duplicate", f"The Placement Group '{name}' already exists.")


class InvalidPlacementGroupInUseError(EC2ClientError):
    def __init__(self, name: str):
        super().__init__("InvalidPlacementGroup.InUse", f"Placement group '{name}' is in use.")


# --- S3 -----------------------------------------------------------------------


class S3AccessDeniedError(S3ClientError):
    """S3's ``AccessDenied``, e.g. a public bucket policy on a bucket that blocks public policies."""

    code = "AccessDenied"

    def __init__(self, message: str = "Access Denied"):
        super().__init__(message)


# --- Elastic Load Balancing ---------------------------------------------------


class ELBOperationNotPermittedError(ELBClientError):
    code = "OperationNotPermitted"


class ELBCertificateNotFoundError(ELBClientError):
    code = "CertificateNotFound"


class ELBSSLPolicyNotFoundError(ELBClientError):
    code = "SSLPolicyNotFound"

    def __init__(self, name: str):
        super().__init__(f"SSL policy '{name}' not found")


# --- CloudTrail ---------------------------------------------------------------


class InvalidMaxResultsException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")


class CertificateNotValidatedError(CloudFormationError):
    """A certificate the emulator cannot see validated (in AWS the stack would wait, up to 72 hours)."""

    code = "NotStabilized"

    def __init__(self, message: str):
        super().__init__(message)


# --- ACM ----------------------------------------------------------------------


class ACMResourceInUseError(AWSError):
    TYPE = "ResourceInUseException"


# --- AWS Budgets --------------------------------------------------------------


class BudgetsInvalidParameterException(JsonRESTError):
    def __init__(self, message: str):
        super().__init__("InvalidParameterException", message)


# --- AWS WAF ------------------------------------------------------------------


class WAFInvalidParameterException(JsonRESTError):
    """AWS WAF's error for a request with an invalid parameter (WAFv2 API Reference, Common errors)."""

    def __init__(self, message: str):
        super().__init__("WAFInvalidParameterException", message)


# --- Amazon CloudFront --------------------------------------------------------


class DistributionNotDisabled(CloudFrontException):
    """DeleteDistribution on a distribution that is still enabled (CloudFront API Reference, DeleteDistribution)."""

    def __init__(self) -> None:
        super().__init__("DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.")


class InvalidViewerCertificate(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidViewerCertificate", message)
