"""CloudTrail LookupEvents: the event history the CDK CLI reads after a failed deploy.

moto 5.2.5 does not implement LookupEvents (HTTP 500, "The lookup_events action
has not been implemented"). The pinned CDK CLI (package.json), when a deployment
fails, looks up CloudTrail's event history for control-plane errors
that explain it (toolkit-lib, ``diagnosing/cloudtrail-investigation.ts``); the
SDK retries a 500 with back-off, so every failed ``cdk deploy`` against moto
waits about 30 seconds more before it says why it failed.

In AWS, LookupEvents answers the account's management events of the last 90
days (CloudTrail API reference, LookupEvents), filtered by LookupAttributes and
StartTime/EndTime, newest first, at most MaxResults (50) a page. moto records no
management events, so the history here is empty: the call answers
``{"Events": []}`` for any valid request. A MaxResults outside 1-50 is refused
(``InvalidMaxResultsException``), as CloudTrail does.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudtrail.models import CloudTrailBackend
from moto.cloudtrail.responses import CloudTrailResponse

from emulator.gaps._install import install
from emulator.gaps.exceptions import InvalidMaxResultsException


class CloudTrailBackendFill:
    """What moto's CloudTrailBackend gains (installed by :func:`apply`)."""

    def lookup_events(self, max_results: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        if max_results is not None and not 1 <= int(max_results) <= 50:
            raise InvalidMaxResultsException()
        return []  # moto records no management events


class CloudTrailResponseFill:
    """What moto's CloudTrailResponse gains (installed by :func:`apply`)."""

    def lookup_events(self) -> str:
        events = self.cloudtrail_backend.lookup_events(
            max_results=self._get_param("MaxResults"),
            lookup_attributes=self._get_param("LookupAttributes"),
            start_time=self._get_param("StartTime"),
            end_time=self._get_param("EndTime"),
        )
        return json.dumps({"Events": events})


def apply() -> None:
    install(CloudTrailBackend, CloudTrailBackendFill)
    install(CloudTrailResponse, CloudTrailResponseFill)
