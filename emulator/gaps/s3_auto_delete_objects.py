"""Custom::S3AutoDeleteObjects: the CDK's provider that empties a bucket before CloudFormation deletes it.

A bucket with ``auto_delete_objects=True`` gets this custom resource, backed by a
Lambda function of the CDK's (Node.js). moto runs custom resources by invoking
their Lambda function, which needs Docker; without it the invocation fails in
the background, the resource still reports CREATE_COMPLETE, and on delete
nothing empties the bucket: in AWS the bucket's delete would then fail
(``BucketNotEmpty``, see ``s3_bucket``).

This fill does what the CDK's handler does (aws/aws-cdk,
packages/@aws-cdk/custom-resource-handlers/lib/aws-s3/auto-delete-objects-handler/index.ts;
documented on ``BucketProps.autoDeleteObjects``: "all objects in the bucket are
deleted when the bucket is removed from the stack or when the stack is
deleted"), in the emulator itself:

* Create: nothing (the physical ID is the request's ID, as the CDK's entry point
  answers when the handler returns none);
* Update: the physical ID becomes the new BucketName; a changed one makes
  CloudFormation delete the old resource, which empties the old bucket;
* Delete: if the bucket is tagged ``aws-cdk:auto-delete-objects=true``, first a
  statement denying s3:PutObject to everyone is added to its policy (a failure
  there is not fatal), then every object version and delete marker is deleted;
  a bucket that no longer exists is fine.

Every run writes the function's log, as Lambda does: to the group its
``LoggingConfig.LogGroup`` names, else to ``/aws/lambda/<function name>``, which
Lambda creates when it does not exist
("Lambda automatically ... sends logs to a log group named /aws/lambda/<function
name>", Lambda developer guide, "Sending Lambda function logs to CloudWatch
Logs"), never expiring and outside the stack: so, as on AWS, a stack that does
not declare that group leaves one behind at every destroy (aws/aws-cdk#26553).

As for any custom resource, the ServiceToken must name a Lambda function that
exists, or CloudFormation fails the resource. Other custom resource types are
left to moto (invoked, never waited for).
"""

from __future__ import annotations

import json
from typing import Any

from moto.awslambda.utils import get_backend as get_lambda_backend
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.logs.models import logs_backends
from moto.moto_api._internal import mock_random
from moto.s3.exceptions import MissingBucket
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from emulator import cfn_engine
from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel

AUTO_DELETE_OBJECTS_TAG = "aws-cdk:auto-delete-objects"
_moto_resource_class_from_type = parsing.resource_class_from_type


def resource_class_from_type(resource_type: str) -> Any:
    """moto's lookup, except that a custom resource type the emulator runs itself resolves to its model."""
    if resource_type.startswith("Custom::") and resource_type in parsing.get_model_map():
        return parsing.get_model_map()[resource_type]
    return _moto_resource_class_from_type(resource_type)


class S3AutoDeleteObjects(FillModel, CloudFormationModel):
    """The custom resource; ``delete`` is the handler's Delete event."""

    def __init__(self, physical_id: str, bucket_name: str, account_id: str, region_name: str):
        self.physical_id = physical_id
        self.bucket_name = bucket_name
        self.account_id = account_id
        self.region_name = region_name

    TYPE = "Custom::S3AutoDeleteObjects"
    ID = "physical_id"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> S3AutoDeleteObjects:
        properties = cloudformation_json["Properties"]
        # As CloudFormation: the provider must exist (moto raises its UnknownFunctionException).
        _run_handler(properties["ServiceToken"], account_id, region_name)
        resource = cls(str(mock_random.uuid4()), properties.get("BucketName", ""), account_id, region_name)
        resource.service_token = properties["ServiceToken"]
        return resource

    @classmethod
    def emulator_update(
        cls, resource: S3AutoDeleteObjects, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> S3AutoDeleteObjects:
        _run_handler(new["ServiceToken"], account_id, region)
        new_bucket = new.get("BucketName") or resource.bucket_name
        if new_bucket != resource.bucket_name:
            # A new physical ID: CloudFormation deletes the old resource (emptying the old bucket) at clean-up.
            resource = cls(new_bucket, new_bucket, account_id, region)
        resource.service_token = new["ServiceToken"]
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        token = getattr(self, "service_token", None)
        if token:
            _run_handler(token, self.account_id, self.region_name)
        if not self.bucket_name:
            raise ValueError("No BucketName was provided.")
        backend = s3_backends[self.account_id][get_partition(self.region_name)]
        try:
            tags = {t["Key"]: t["Value"] for t in backend.get_bucket_tagging(self.bucket_name)["Tags"]}
        except MissingBucket:
            return  # "Bucket does not exist": all is well
        if tags.get(AUTO_DELETE_OBJECTS_TAG) != "true":
            return  # auto_delete_objects was turned off: the objects stay
        self._deny_writes(backend)
        versions, _, markers, _, _ = backend.list_object_versions(self.bucket_name, max_keys=None)
        objects = [{"Key": v.name, "VersionId": v.version_id} for v in versions]
        objects += [{"Key": m.name, "VersionId": m.version_id} for m in markers]
        if objects:
            backend.delete_objects(self.bucket_name, objects)

    def _deny_writes(self, backend: Any) -> None:
        try:
            current = backend.get_bucket_policy(self.bucket_name)
            policy = json.loads(current) if current else {"Version": "2012-10-17", "Statement": []}
            policy["Statement"].append({
                "Principal": "*", "Effect": "Deny", "Action": ["s3:PutObject"],
                "Resource": [f"arn:aws:s3:::{self.bucket_name}/*"],
            })
            backend.put_bucket_policy(self.bucket_name, json.dumps(policy).encode())
        except Exception:  # noqa: S110 - the handler logs this and carries on
            pass


def _log_group(function: Any) -> str:
    """The function's LoggingConfig.LogGroup as its stack declares it (moto drops it), else /aws/lambda/<name>."""
    operation = cfn_engine.current()
    resource_map = operation.stack.resource_map if operation is not None else None
    for name, live in (cfn_engine.live_resources(resource_map).items() if resource_map is not None else ()):
        if live is function:
            body = resource_map._resource_json_map.get(name, {})
            configured = (cfn_engine.resolve(resource_map, body).get("LoggingConfig") or {}).get("LogGroup")
            if configured:
                return str(configured)
    return f"/aws/lambda/{function.function_name}"


def _run_handler(service_token: str, account_id: str, region_name: str) -> None:
    """The provider's function runs: it must exist, and its log goes to its log group, made if missing."""
    function = get_lambda_backend(account_id, region_name).get_function(service_token)
    group = _log_group(function)
    backend = logs_backends[account_id][region_name]
    if group not in backend.groups:
        backend.create_log_group(group, {})


def apply() -> None:
    parsing.resource_class_from_type = resource_class_from_type  # type: ignore[assignment]
    register_cloudformation_model(S3AutoDeleteObjects)
