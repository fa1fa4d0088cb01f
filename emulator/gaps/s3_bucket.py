"""AWS::S3::Bucket: lifecycle, public access block and ownership controls; no delete of a bucket with objects.

moto 5.2.5 reads only BucketName, BucketEncryption and Tags: a bucket's
``LifecycleConfiguration`` (the access logs' expiry), its
``PublicAccessBlockConfiguration`` and ``OwnershipControls`` are dropped. It
"deletes" a bucket that still holds objects by doing nothing: the stack says
DELETE_COMPLETE and the bucket stays. S3 refuses that (``BucketNotEmpty``, "The
bucket you tried to delete is not empty"), so CloudFormation's delete fails
(DELETE_FAILED) unless something empties the bucket first: that is what the
CDK's ``auto_delete_objects`` custom resource is for (filled by
``s3_auto_delete_objects``). moto's update also fails for a bucket without a
BucketName (it reads ``properties["BucketName"]`` to retag).

CloudFormation tags the bucket with the stack's tags and its
aws:cloudformation:* tags. Updates follow the reference
(aws-properties-s3-bucket.md): a new BucketName replaces the bucket; the
configurations and Tags change in place. A removed configuration is deleted
from the bucket.
"""

from __future__ import annotations

from typing import Any

from moto.s3.cloud_formation import cfn_to_api_encryption
from moto.s3.exceptions import BucketNotEmpty
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from emulator import cfn_engine
from emulator.gaps._install import install
from emulator.gaps._props import changed, replacement_name, tag_dict


def lifecycle_rules(configuration: dict[str, Any]) -> list[dict[str, Any]]:
    """A LifecycleConfiguration's rules in the S3 API's shape (what moto's ``set_lifecycle`` reads)."""
    rules = []
    for index, rule in enumerate(configuration.get("Rules") or []):
        api: dict[str, Any] = {"ID": rule.get("Id") or f"rule-{index}", "Status": rule["Status"]}
        prefix = rule.get("Prefix")
        api["Filter"] = {"Prefix": prefix or ""}
        if rule.get("ExpirationInDays") is not None:
            api["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
        elif rule.get("ExpirationDate"):
            api["Expiration"] = {"Date": rule["ExpirationDate"]}
        elif rule.get("ExpiredObjectDeleteMarker") is not None:
            api["Expiration"] = {"ExpiredObjectDeleteMarker": rule["ExpiredObjectDeleteMarker"]}
        if rule.get("NoncurrentVersionExpirationInDays") is not None:
            api["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(rule["NoncurrentVersionExpirationInDays"])}
        if rule.get("AbortIncompleteMultipartUpload"):
            api["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
            }
        transitions = rule.get("Transitions") or []
        if transitions:
            api["Transition"] = [
                {"Days": t.get("TransitionInDays"), "Date": t.get("TransitionDate"), "StorageClass": t["StorageClass"]}
                for t in transitions
            ]
        rules.append(api)
    return rules


def _configure(bucket: FakeBucket, properties: dict[str, Any], old: dict[str, Any]) -> None:
    """Apply the configurations that differ from ``old`` (all of them for a new bucket)."""
    backend = s3_backends[bucket.account_id][get_partition(bucket.region_name)]
    name = bucket.name
    differences = changed(old, properties)
    if "BucketEncryption" in differences:
        if properties.get("BucketEncryption"):
            backend.put_bucket_encryption(name, cfn_to_api_encryption(properties["BucketEncryption"]))
        else:
            backend.delete_bucket_encryption(name)
    if "LifecycleConfiguration" in differences:
        if properties.get("LifecycleConfiguration"):
            backend.put_bucket_lifecycle_configuration(name, lifecycle_rules(properties["LifecycleConfiguration"]))
        else:
            backend.delete_bucket_lifecycle(name)
    if "PublicAccessBlockConfiguration" in differences:
        configuration = properties.get("PublicAccessBlockConfiguration")
        if configuration:
            backend.put_public_access_block(name, configuration)
        else:
            bucket.public_access_block = None
    if "OwnershipControls" in differences:
        rules = (properties.get("OwnershipControls") or {}).get("Rules") or []
        if rules:
            backend.put_bucket_ownership_controls(name, rules[0]["ObjectOwnership"])
        else:
            backend.delete_bucket_ownership_controls(name)


class FakeBucketFill:
    """What moto's FakeBucket gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeBucket:
        properties = cloudformation_json.get("Properties") or {}
        backend = s3_backends[account_id][get_partition(region_name)]
        bucket = backend.create_bucket(resource_name, region_name)
        _configure(bucket, properties, {})
        tags = tag_dict(properties.get("Tags"))
        operation = cfn_engine.current()
        if operation is not None:
            tags = {**operation.stack_tags(), **tags}
        if tags:
            backend.put_bucket_tagging(bucket.name, tags)
        return bucket

    @classmethod
    def emulator_update(
        cls, bucket: FakeBucket, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> FakeBucket:
        if "BucketName" in changed(old, new):
            name = replacement_name(old.get("BucketName"), new.get("BucketName"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        _configure(bucket, new, old)
        if "Tags" in changed(old, new):
            # The stack's tags and the aws:cloudformation:* ones stay, as at creation (CreateStack's Tags:
            # "CloudFormation also propagates these tags to the resources created in the stack").
            backend = s3_backends[account_id][get_partition(region)]
            operation = cfn_engine.current()
            stack_tags = operation.stack_tags() if operation is not None else {}
            backend.put_bucket_tagging(bucket.name, {**stack_tags, **tag_dict(new.get("Tags"))})
        return bucket

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[account_id][get_partition(region_name)]
        if self.keys:
            raise BucketNotEmpty(self.name)
        backend.delete_bucket(self.name)


def apply() -> None:
    install(FakeBucket, FakeBucketFill)
