"""When cron expressions fire, and how much of the time a stop/start schedule leaves servers running.

    stop = parse_aws("cron(0 20 ? * MON-FRI *)")        # EventBridge Scheduler, AWS Backup
    start = parse_aws("cron(0 8 ? * MON-FRI *)")
    share = running_share(stops=[(stop, "Asia/Tokyo")], starts=[(start, "Asia/Tokyo")])
    share.fraction                                        # 60/168: 12 hours on each of 5 weekdays

    parse_unix("0 20 * * MON-FRI")                       # an Auto Scaling scheduled action's Recurrence

Two dialects, each with its own rules:

- AWS cron, six fields (minutes hours day-of-month month day-of-week year), as EventBridge Scheduler and AWS
  Backup take them: day-of-week 1-7 is SUN-SAT; one of day-of-month and day-of-week must be ``?``; ``L`` (the
  last day of the month, or of the week; ``5L`` the month's last Thursday), ``15W`` (the weekday nearest the
  15th), ``LW`` and ``3#2`` (the month's second Tuesday). This is the subset ec2_web_server/options.py accepts.
- Unix cron, five fields (minute hour day-of-month month day-of-week), as an Auto Scaling scheduled action's
  ``Recurrence`` takes it: day-of-week 0-7 with 0 and 7 both Sunday; when neither day field is ``*`` a day
  matching either fires (as cron has always done).

Time: each expression fires in its own IANA time zone (``zoneinfo``). A running share is measured over one
reference week (Monday 4 January 2027) when every expression repeats weekly, else over the whole year 2027,
in real elapsed time (so a daylight saving change counts as it happens): the same answer as simulating that
period minute by minute, computed from the minutes at which the expressions fire. Before the period starts,
the servers are in the state the period ends in (the schedule has been running for a while).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REFERENCE_WEEK = date(2027, 1, 4)  # a Monday, far from any daylight saving change in either hemisphere
REFERENCE_YEAR = 2027
_MONTHS = {name: number for number, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


class CronError(ValueError):
    """An expression this module cannot read; the message says which part."""


@dataclass(frozen=True)
class Cron:
    """One parsed expression: the minutes and hours it fires at, on the days ``day`` accepts."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day: Callable[[date], bool]
    weekly: bool  # the same days every week (no day-of-month, month or year restriction, no L or #)

    def times(self) -> list[tuple[int, int]]:
        return sorted((hour, minute) for hour in self.hours for minute in self.minutes)


# --------------------------------------------------------------------------------------------------
# Fields


def _number(text: str, names: Optional[dict[str, int]], field: str) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise CronError(f"{field}: {text!r} is not a number{' or a name' if names else ''}")
    return int(text)


def _values(text: str, low: int, high: int, field: str, names: Optional[dict[str, int]] = None) -> frozenset[int]:
    """``*``, ``?``, ``5``, ``1-5``, ``*/15``, ``10-50/10``, ``FRI-MON`` (wrapping), and lists of them."""
    found: set[int] = set()
    for item in text.split(","):
        base, slash, step_text = item.partition("/")
        step = _number(step_text, None, field) if slash else 1
        if step < 1:
            raise CronError(f"{field}: step {step_text!r} must be 1 or more")
        if base in ("*", "?"):
            first, last = low, high
        elif "-" in base:
            first_text, _, last_text = base.partition("-")
            first, last = _number(first_text, names, field), _number(last_text, names, field)
        else:
            first = _number(base, names, field)
            last = high if slash else first
        for value in (first, last):
            if not low <= value <= high:
                raise CronError(f"{field}: {value} is outside {low}-{high}")
        span = list(range(first, last + 1)) if first <= last else \
            list(range(first, high + 1)) + list(range(low, last + 1))
        found.update(span[::step])
    return frozenset(found)


def _weekday(day: date) -> int:
    """0 for Sunday ... 6 for Saturday (both dialects count from Sunday)."""
    return (day.weekday() + 1) % 7


def _nearest_weekday(year: int, month: int, target: int) -> int:
    """The day of the month that ``nW`` means: the weekday nearest the ``target``th, in the same month."""
    last = calendar.monthrange(year, month)[1]
    target = min(target, last)
    weekday = date(year, month, target).weekday()  # Monday 0
    if weekday == 5:  # Saturday: Friday before, unless that is last month
        return target - 1 if target > 1 else target + 2
    if weekday == 6:  # Sunday: Monday after, unless that is next month
        return target + 1 if target < last else target - 2
    return target


def _aws_day_of_month(text: str) -> Callable[[date], bool]:
    tests: list[Callable[[date], bool]] = []
    for item in text.split(","):
        if item == "L":
            tests.append(lambda d: d.day == calendar.monthrange(d.year, d.month)[1])
        elif item == "LW":
            def last_weekday(d: date) -> bool:
                last = calendar.monthrange(d.year, d.month)[1]
                return d.day == _nearest_weekday(d.year, d.month, last)
            tests.append(last_weekday)
        elif item.endswith("W"):
            target = _number(item[:-1], None, "day-of-month")
            if not 1 <= target <= 31:
                raise CronError(f"day-of-month: {target} is outside 1-31")
            tests.append(lambda d, t=target: d.day == _nearest_weekday(d.year, d.month, t))
        else:
            days = _values(item, 1, 31, "day-of-month")
            tests.append(lambda d, s=days: d.day in s)
    return lambda d: any(test(d) for test in tests)


def _aws_day_of_week(text: str) -> Callable[[date], bool]:
    """AWS counts 1 (SUN) to 7 (SAT)."""
    names = {name: number for number, name in enumerate(_DAYS, start=1)}
    tests: list[Callable[[date], bool]] = []
    for item in text.split(","):
        if item == "L":  # the last day of the week
            tests.append(lambda d: _weekday(d) == 6)
        elif item.endswith("L"):  # the month's last such day
            weekday = _number(item[:-1], names, "day-of-week") - 1
            tests.append(lambda d, w=weekday: _weekday(d) == w and
                         d.day + 7 > calendar.monthrange(d.year, d.month)[1])
        elif "#" in item:
            day_text, _, nth_text = item.partition("#")
            weekday, nth = _number(day_text, names, "day-of-week") - 1, _number(nth_text, None, "day-of-week")
            if not 1 <= nth <= 5:
                raise CronError(f"day-of-week: #{nth} must be 1 to 5")
            tests.append(lambda d, w=weekday, n=nth: _weekday(d) == w and (d.day - 1) // 7 + 1 == n)
        else:
            weekdays = {value - 1 for value in _values(item, 1, 7, "day-of-week", names)}
            tests.append(lambda d, s=weekdays: _weekday(d) in s)
    return lambda d: any(test(d) for test in tests)


# --------------------------------------------------------------------------------------------------
# The two dialects


def parse_aws(expression: str) -> Cron:
    """``cron(minutes hours day-of-month month day-of-week year)`` as EventBridge Scheduler and AWS Backup read it."""
    text = expression.strip()
    if not (text.startswith("cron(") and text.endswith(")")):
        raise CronError(f"{expression!r} is not cron(...)")
    fields = text[len("cron("):-1].split()
    if len(fields) != 6:
        raise CronError(f"{expression!r} has {len(fields)} fields, not 6")
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if "?" not in (day_of_month, day_of_week):
        raise CronError(f"{expression!r} needs ? in day-of-month or in day-of-week")
    months = _values(month, 1, 12, "month", _MONTHS)
    years = _values(year, 1970, 2199, "year")
    by_date = _aws_day_of_week(day_of_week) if day_of_month == "?" else _aws_day_of_month(day_of_month)
    weekly = day_of_month in ("?", "*") and month == "*" and year == "*" and not any(c in day_of_week for c in "L#")
    return Cron(text=text, minutes=_values(minutes, 0, 59, "minutes"), hours=_values(hours, 0, 23, "hours"),
                day=lambda d: d.month in months and d.year in years and by_date(d), weekly=weekly)


def parse_unix(expression: str) -> Cron:
    """``minute hour day-of-month month day-of-week`` as an Auto Scaling scheduled action's Recurrence reads it."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronError(f"{expression!r} has {len(fields)} fields, not 5")
    minutes, hours, day_of_month, month, day_of_week = fields
    names = {name: number for number, name in enumerate(_DAYS)}
    days_of_month = _values(day_of_month, 1, 31, "day-of-month")
    weekdays = {value % 7 for value in _values(day_of_week, 0, 7, "day-of-week", names)}
    months = _values(month, 1, 12, "month", _MONTHS)
    any_day_of_month, any_day_of_week = day_of_month.startswith("*"), day_of_week.startswith("*")

    def day(d: date) -> bool:
        if d.month not in months:
            return False
        by_month, by_week = d.day in days_of_month, _weekday(d) in weekdays
        if any_day_of_month or any_day_of_week:
            return by_month and by_week
        return by_month or by_week  # both restricted: either one

    return Cron(text=expression.strip(), minutes=_values(minutes, 0, 59, "minutes"),
                hours=_values(hours, 0, 23, "hours"), day=day, weekly=day_of_month == "*" and month == "*")


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
