"""When cron expressions fire, and how much of the time a stop/start schedule leaves servers running.

    stop = parse_aws("cron(0 20 ? * MON-FRI *)")        # EventBridge Scheduler, AWS Backup
    start = parse_aws("cron(0 8 ? * MON-FRI *)")
    share = running_share(stops=[(stop, "Asia/Tokyo")], starts=[(start, "Asia/Tokyo")])
    share.fraction                                        # 60/168: 12 hours on each of 5 weekdays

    parse_unix("0 20 * * MON-FRI")                       # an Auto Scaling scheduled action's Recurrence

The expressions are parsed by ec2_web_server/cron.py (the parser the construct checks a schedule with, so
what the construct accepts is what this module reads), in two dialects: AWS cron, six fields, as EventBridge
Scheduler and AWS Backup take them; unix cron, five fields, as an Auto Scaling scheduled action's
``Recurrence`` takes it. ``parse_aws``, ``parse_unix``, ``Cron`` and ``CronError`` are that module's.

Time: each expression fires in its own IANA time zone (``zoneinfo``). A running share is measured over one
reference week (Monday 4 January 2027) when every expression repeats weekly, else over the whole year 2027,
in real elapsed time (so a daylight saving change counts as it happens): the same answer as simulating that
period minute by minute, computed from the minutes at which the expressions fire. Before the period starts,
the servers are in the state the period ends in (the schedule has been running for a while).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ec2_web_server.cron import Cron, CronError, parse_aws, parse_unix

__all__ = ["REFERENCE_WEEK", "REFERENCE_YEAR", "Cron", "CronError", "Period", "RunningShare", "fire_times",
           "fires_per_day", "parse_aws", "parse_unix", "running_share", "zone"]

REFERENCE_WEEK = date(2027, 1, 4)  # a Monday, far from any daylight saving change in either hemisphere
REFERENCE_YEAR = 2027


# --------------------------------------------------------------------------------------------------
# Simulation


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"{name!r} is not an IANA time zone") from None


@dataclass(frozen=True)
class Period:
    """The stretch of time simulated: one reference week or the reference year, in real (UTC) seconds."""

    weekly: bool
    first: date
    days: int

    @classmethod
    def for_expressions(cls, crons: Iterable[Cron]) -> Period:
        if all(cron.weekly for cron in crons):
            return cls(weekly=True, first=REFERENCE_WEEK, days=7)
        first = date(REFERENCE_YEAR, 1, 1)
        return cls(weekly=False, first=first, days=(date(REFERENCE_YEAR + 1, 1, 1) - first).days)

    def bounds(self, tz: ZoneInfo) -> tuple[int, int]:
        start = datetime.combine(self.first, datetime.min.time(), tz)
        end = datetime.combine(self.first + timedelta(days=self.days), datetime.min.time(), tz)
        return int(start.timestamp()), int(end.timestamp())

    @property
    def name(self) -> str:
        return "week" if self.weekly else f"year {self.first.year}"


def fire_times(cron: Cron, tz_name: str, period: Period) -> list[int]:
    """Every moment (UTC seconds) ``cron`` fires in ``period`` (and a day either side: another expression's time
    zone may put the period's edges elsewhere), read in time zone ``tz_name``."""
    tz = zone(tz_name)
    found = []
    for offset in range(-1, period.days + 1):
        day = period.first + timedelta(days=offset)
        if cron.day(day):
            found += [int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).timestamp())
                      for hour, minute in cron.times()]
    return found


@dataclass(frozen=True)
class RunningShare:
    """How much of ``period`` the servers run under a schedule."""

    period: Period
    running_seconds: int
    period_seconds: int
    stops: int  # times the stop expressions fire in the period
    starts: int

    @property
    def fraction(self) -> Decimal:
        return Decimal(self.running_seconds) / Decimal(self.period_seconds) if self.period_seconds else Decimal(1)

    def describe(self) -> str:
        """``60 of 168 hours a week (35.71%)``."""
        percent = f"{(self.fraction * 100).quantize(Decimal('0.01'))}%"
        if self.period.weekly:
            hours = Decimal(self.running_seconds) / 3600
            total = Decimal(self.period_seconds) / 3600
            return f"{_plain(hours)} of {_plain(total)} hours a week ({percent})"
        return f"{percent} of the {self.period.name}"

    def per_month(self, fired: int, hours_per_month: Decimal) -> Decimal:
        """How many times something that fired ``fired`` times in the period fires in a month of that many hours."""
        return Decimal(fired) * hours_per_month * 3600 / Decimal(self.period_seconds)


def _plain(number: Decimal) -> str:
    rounded = number.quantize(Decimal("0.01")).normalize()
    return format(rounded, "f")


def running_share(*, stops: Sequence[tuple[Cron, str]], starts: Sequence[tuple[Cron, str]]) -> RunningShare:
    """The share of real time the servers run when stopped at every ``stops`` time and started at every ``starts``
    time (each a parsed expression and its time zone). A stop and a start in the same minute: the start wins."""
    period = Period.for_expressions([cron for cron, _ in (*stops, *starts)])
    zone_name = (stops or starts)[0][1] if (stops or starts) else "UTC"
    begin, end = period.bounds(zone(zone_name))
    events = sorted([(moment, 0) for cron, tz in stops for moment in fire_times(cron, tz, period)] +
                    [(moment, 1) for cron, tz in starts for moment in fire_times(cron, tz, period)])
    events = [(moment, running) for moment, running in events if begin <= moment < end]
    stop_count = sum(1 for _, running in events if not running)
    if not events:
        return RunningShare(period, end - begin, end - begin, 0, 0)
    running = bool(events[-1][1])  # the state the period ends in, and so begins in
    elapsed, since = 0, begin
    for moment, starts_running in events:
        if running:
            elapsed += moment - since
        running, since = bool(starts_running), moment
    if running:
        elapsed += end - since
    return RunningShare(period, elapsed, end - begin, stop_count, len(events) - stop_count)


def fires_per_day(cron: Cron, tz_name: str = "UTC") -> Decimal:
    """How often ``cron`` fires a day on average (over its reference period)."""
    period = Period.for_expressions([cron])
    begin, end = period.bounds(zone(tz_name))
    fired = [moment for moment in fire_times(cron, tz_name, period) if begin <= moment < end]
    return Decimal(len(fired)) * 86400 / Decimal(end - begin)
