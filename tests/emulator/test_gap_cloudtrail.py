"""CloudTrail LookupEvents, which the CDK CLI calls after a failed deployment."""

from __future__ import annotations

import datetime

import pytest

from emulator import Emulator


def test_lookup_events_answers_the_empty_history(target: Emulator) -> None:
    cloudtrail = target.client("cloudtrail")
    now = datetime.datetime.now(datetime.UTC)
    found = cloudtrail.lookup_events(StartTime=now - datetime.timedelta(minutes=5), EndTime=now, MaxResults=50)
    assert found["Events"] == []
    with pytest.raises(cloudtrail.exceptions.ClientError, match="InvalidMaxResults"):
        cloudtrail.lookup_events(MaxResults=51)
