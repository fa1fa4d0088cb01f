"""Cloud Control API ListResources for AWS::EC2::PrefixList: the lookup behind ``ec2.PrefixList.from_lookup``.

moto 5.2.5 has no Cloud Control API at all: the CDK CLI's ``cc-api-provider`` context provider (toolkit-lib,
``context-providers/cc-api-provider.ts``), which ``PrefixList.fromLookup`` uses, gets moto's HTML "not found" page and
fails the synth ("Encountered CC API error while listing AWS::EC2::PrefixList resources"). So ``cloudfront=true``,
whose load balancer admits CloudFront's origin-facing prefix list, could not be recorded into cdk.context.json.

As AWS does it (Cloud Control API Reference, ListResources; the AWS::EC2::PrefixList resource schema): a JSON 1.0
request (``X-Amz-Target: CloudApiService.ListResources``) with ``TypeName``; the answer's ``ResourceDescriptions``
each carry the ``Identifier`` (the schema's primaryIdentifier, PrefixListId) and ``Properties``, the resource's model
as a JSON string (PrefixListId, PrefixListName, AddressFamily, MaxEntries, OwnerId, Arn, Version). The managed prefix
lists are EC2's (DescribeManagedPrefixLists), AWS-managed ones included. Any other type is refused as Cloud Control
refuses a type it cannot list here (``UnsupportedActionException``); MaxResults outside 1-100 is a
``ValidationException``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

TARGET = "CloudApiService.ListResources"
_REGION = re.compile(r"Credential=[^/]+/[^/]+/([a-z0-9-]+)/cloudcontrolapi/")


def _error(start_response: Callable[..., Any], code: str, message: str) -> list[bytes]:
    start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.0")])
    return [json.dumps({"__type": code, "Message": message}).encode()]


def prefix_lists(account_id: str, region: str) -> list[dict[str, Any]]:
    """Every managed prefix list EC2 describes in the region, as Cloud Control's resource descriptions."""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[account_id][region]
    descriptions = []
    for prefix_list in backend.describe_managed_prefix_lists():
        model = {"PrefixListId": prefix_list.id, "PrefixListName": prefix_list.prefix_list_name,
                 "AddressFamily": prefix_list.address_family, "MaxEntries": prefix_list.max_entries,
                 "OwnerId": prefix_list.owner_id, "Arn": prefix_list.prefix_list_arn,
                 "Version": prefix_list.version}
        descriptions.append({"Identifier": prefix_list.id, "Properties": json.dumps(model)})
    return descriptions


def handles(environ: dict[str, Any]) -> bool:
    return environ.get("HTTP_X_AMZ_TARGET") == TARGET


def list_resources(environ: dict[str, Any], start_response: Callable[..., Any], account_id: str) -> list[bytes]:
    """The WSGI answer to a ListResources request (served by emulator/server.py before moto's app)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    region = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
    if body.get("TypeName") != "AWS::EC2::PrefixList":
        return _error(start_response, "UnsupportedActionException",
                      f"Resource type {body.get('TypeName')} does not support LIST action (emulator: only "
                      "AWS::EC2::PrefixList is listed)")
    max_results = body.get("MaxResults")
    if max_results is not None and not 1 <= int(max_results) <= 100:
        return _error(start_response, "ValidationException", "MaxResults must be between 1 and 100")
    descriptions = prefix_lists(account_id, region.group(1) if region else "us-east-1")
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
    return [json.dumps({"TypeName": body["TypeName"], "ResourceDescriptions": descriptions}).encode()]
