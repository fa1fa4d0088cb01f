"""Amazon S3 in the audit: buckets with the tag (the load balancer's access logs), with what they hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import GIB, belongs, price
from tools.audit.report import Finding

# Objects counted per bucket before the audit stops counting (a leftover is a leftover either way).
_MAX_OBJECTS_COUNTED = 10_000
# The tag CDK puts on a bucket with autoDeleteObjects (aws-cdk-lib aws-s3, Bucket's AUTO_DELETE_OBJECTS_TAG), whose
# custom resource empties it on cdk destroy. The construct (ec2_web_server/load_balancer.py) sets autoDeleteObjects
# exactly when the bucket goes with the stack, so a bucket of ours without the tag was kept on purpose.
AUTO_DELETE_TAG = "aws-cdk:auto-delete-objects"


def buckets(s3: Any, region: str, prices: Optional[RegionPrices], tag_key: str, tag_value: str,
            stack_name: str | None) -> list[Finding]:
    """S3 buckets in ``region`` with the tag (the load balancer's access logs), with what they hold. A bucket without
    CDK's auto-delete tag was kept on purpose (keep_access_logs=true: RemovalPolicy RETAIN, no auto-delete): an
    intended leftover, with its storage's monthly cost and the command that deletes it; one with the tag is what
    ``cdk destroy`` empties and deletes, so it was left behind."""
    findings = []
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        try:
            location = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
            if location != region:
                continue
            tags = s3.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except s3.exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchTagSet", "NoSuchBucket", "AccessDenied"):
                continue  # untagged, gone meanwhile, or someone else's to read
            raise
        if not belongs(tags, tag_key, tag_value, stack_name):
            continue
        count, size = 0, 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for item in page.get("Contents", []):
                count, size = count + 1, size + item.get("Size", 0)
            if count >= _MAX_OBJECTS_COUNTED:
                break
        more = "+" if count >= _MAX_OBJECTS_COUNTED else ""
        held = f"{count}{more} object(s), {size:,} bytes"
        if any(tag.get("Key") == AUTO_DELETE_TAG for tag in tags):
            findings.append(Finding("bucket", name, held))
            continue
        findings.append(Finding(
            "bucket", name, f"{held} (kept on purpose: keep_access_logs=true retains it after cdk destroy; S3 Standard "
                            "storage, at least what it holds)",
            intended=True, monthly=price(prices, "s3_standard_gb_month", Decimal(size) / GIB),
            remove=(f"aws s3 rb s3://{name} --force --region {region}",)))
    return findings
