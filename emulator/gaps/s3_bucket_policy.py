"""AWS::S3::BucketPolicy, and a bucket that blocks public policies refusing one.

moto 5.2.5 has no such CloudFormation type: the resource is skipped, so a bucket
that the template makes TLS-only (the ``aws:SecureTransport`` deny) and opens to
the load balancer's log delivery has no policy at all.

In AWS, CloudFormation puts the PolicyDocument on the bucket (PutBucketPolicy);
a new Bucket replaces the resource, a new PolicyDocument is put in place
(aws-properties-s3-policy.md); deleting it deletes the bucket's policy.

S3 refuses a public policy (``AccessDenied``) on a bucket whose public access
block sets BlockPublicPolicy ("PUT Bucket policy calls fail if the specified
bucket policy allows public access", S3 user guide, "Blocking public access to
your Amazon S3 storage"); moto accepts any policy. Here a policy is public when
it has an Allow statement for every principal (``"*"`` or ``{"AWS": "*"}``)
without a Condition: S3's own test also accepts conditions that pin fixed values
only, which this does not check.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.models import S3Backend, s3_backends
from moto.utilities.utils import get_partition

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps.exceptions import S3AccessDeniedError

_moto_put_bucket_policy = S3Backend.put_bucket_policy


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


def is_public(policy: dict[str, Any]) -> bool:
    """An Allow for every principal with no condition (S3's notion of a public policy, in its simplest form)."""
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    return any(
        s.get("Effect") == "Allow" and _everyone(s.get("Principal")) and not s.get("Condition") for s in statements
    )


class S3BackendFill:
    """What moto's S3Backend gains (installed by :func:`apply`)."""

    def put_bucket_policy(self, bucket_name: str, policy: bytes) -> None:
        bucket = self.get_bucket(bucket_name)
        block = bucket.public_access_block
        if block is not None and block.block_public_policy and is_public(json.loads(policy)):
            raise S3AccessDeniedError()
        _moto_put_bucket_policy(self, bucket_name, policy)


class BucketPolicy(FillModel, CloudFormationModel):
    """A bucket's policy, owned by the stack."""

    def __init__(self, name: str, bucket_name: str, account_id: str, region_name: str):
        self.name = name
        self.bucket_name = bucket_name
        self.account_id = account_id
        self.region_name = region_name

    TYPE = "AWS::S3::BucketPolicy"

    @staticmethod
    def _backend(account_id: str, region_name: str) -> S3Backend:
        return s3_backends[account_id][get_partition(region_name)]

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> BucketPolicy:
        properties = cloudformation_json["Properties"]
        document = properties["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        cls._backend(account_id, region_name).put_bucket_policy(properties["Bucket"], text.encode())
        return cls(resource_name, properties["Bucket"], account_id, region_name)

    @classmethod
    def emulator_update(
        cls, policy: BucketPolicy, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> BucketPolicy:
        if new["Bucket"] != old["Bucket"]:
            return cls.create_from_cloudformation_json(policy.name, {"Properties": new}, account_id, region)
        cls.create_from_cloudformation_json(policy.name, {"Properties": new}, account_id, region)
        return policy

    def delete(self, account_id: str, region_name: str) -> None:
        backend = self._backend(self.account_id, self.region_name)
        if self.bucket_name in backend.buckets:
            backend.delete_bucket_policy(self.bucket_name)


def apply() -> None:
    install(S3Backend, S3BackendFill)
    register_cloudformation_model(BucketPolicy)
