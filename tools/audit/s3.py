"""Amazon S3 in the audit: buckets with the tag (the load balancer's access logs), with what they hold."""

from __future__ import annotations

from typing import Any

from tools.audit.common import belongs
from tools.audit.report import Finding

# Objects counted per bucket before the audit stops counting (a leftover is a leftover either way).
_MAX_OBJECTS_COUNTED = 10_000


def buckets(s3: Any, region: str, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """S3 buckets in ``region`` with the tag (the load balancer's access logs), with what they hold."""
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
        findings.append(Finding("bucket", name, f"{count}{more} object(s), {size:,} bytes"))
    return findings
