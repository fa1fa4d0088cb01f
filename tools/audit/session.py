"""Credentials and regions for the audit: fake credentials for an emulator on this machine only, the usual chain
otherwise."""

from __future__ import annotations

import ipaddress
import os
from typing import Any, Optional
from urllib.parse import urlparse

from constants import EXAMPLE_REGION

# What a local emulator accepts (moto takes any); sent only to endpoints on this machine.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Clients for an emulator on this machine, made once per process (core.audit).
LOCAL_CLIENTS: dict[tuple[Optional[str], str, str], Any] = {}


def is_local(endpoint_url: Optional[str]) -> bool:
    """True for an endpoint on this machine: ``localhost`` (or a name under it) or a loopback address."""
    host = urlparse(endpoint_url or "").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_for(endpoint_url: Optional[str], region: Optional[str] = None) -> Any:
    """A boto3 session: fake credentials for an emulator on this machine, the usual credential chain otherwise."""
    import boto3

    if is_local(endpoint_url):
        return boto3.session.Session(region_name=region, **FAKE_CREDENTIALS)
    return boto3.session.Session(region_name=region)


def default_region(endpoint_url: Optional[str]) -> str:
    """The example environment's region against a local emulator; else the configured one (AWS_REGION, the AWS
    config file), else the example environment's."""
    if is_local(endpoint_url):
        return EXAMPLE_REGION
    import boto3

    # botocore reads AWS_DEFAULT_REGION and the config file; AWS_REGION (what the CDK CLI and the README use) first.
    return os.environ.get("AWS_REGION") or boto3.session.Session().region_name or EXAMPLE_REGION
