"""Cron expressions, read once: the construct's check of a schedule and cost_model/cron.py's simulation of it
both parse here, so an expression is accepted by one only if the other can read it.

Two dialects, each with its own rules:

- AWS cron, six fields (minutes hours day-of-month month day-of-week year), as EventBridge Scheduler and AWS
  Backup take them (EventBridge's cron expressions reference): day-of-week 1-7 is SUN-SAT; one of day-of-month
  and day-of-week must be ``?``; ``L`` (the last day of the month, or of the week; ``5L`` the month's last
  Thursday), ``15W`` (the weekday nearest the 15th), ``LW`` and ``3#2`` (the month's second Tuesday). Each field
  takes only the wildcards the reference lists for it (day-of-week no ``/``, only the day fields ``?``), and
  month and day names in capitals.
- Unix cron, five fields (minute hour day-of-month month day-of-week), as an Auto Scaling scheduled action's
  ``Recurrence`` takes it: day-of-week 0-7 with 0 and 7 both Sunday; when neither day field is ``*`` a day
  matching either fires (as cron has always done).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Optional

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
_AWS_DAYS = {name: number for number, name in enumerate(DAY_NAMES, start=1)}  # AWS: 1 is Sunday
_UNIX_DAYS = {name: number for number, name in enumerate(DAY_NAMES)}  # unix: 0 (and 7) is Sunday


@dataclass(frozen=True)
class Field:
    """One field of the AWS dialect: its values, its names, and the wildcards the reference lists for it."""

    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    wildcards: str = ",-*/"

    @property
    def takes(self) -> str:
        return f"{self.low}-{self.high}" + (f" or {self.names[0]}-{self.names[-1]}" if self.names else "")


#: The AWS dialect's six fields, in order, as EventBridge's cron expressions reference gives them.
AWS_FIELDS = (
    Field("minutes", 0, 59),
    Field("hours", 0, 23),
    Field("day-of-month", 1, 31, wildcards=",-*?/LW"),
    Field("month", 1, 12, MONTH_NAMES),
    Field("day-of-week", 1, 7, DAY_NAMES, wildcards=",-*?L#"),
    Field("year", 1970, 2199),
)


class CronError(ValueError):
    """An expression this module cannot read. ``field`` and ``part`` say where, when it is one field's item;
    ``detail`` is what is wrong with it, or None when the item is simply not one of the field's values
    (``takes`` then says what they are)."""

    def __init__(self, message: str, *, field: Optional[str] = None, part: Optional[str] = None,
                 takes: Optional[str] = None, detail: Optional[str] = None) -> None:
        super().__init__(message)
        self.field, self.part, self.takes, self.detail = field, part, takes, detail


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


@dataclass(frozen=True)
class _Reader:
    """How one field's items are read: its range, its names, and whether names may be in any case."""

    field: str
    low: int
    high: int
    names: Optional[dict[str, int]] = None
    any_case: bool = True

    @property
    def takes(self) -> str:
        names = list(self.names or ())
        return f"{self.low}-{self.high}" + (f" or {names[0]}-{names[-1]}" if names else "")

    def error(self, part: str, message: str, detail: Optional[str] = None) -> CronError:
        return CronError(f"{self.field}: {message}", field=self.field, part=part, takes=self.takes, detail=detail)

    def number(self, text: str, part: str) -> int:
        name = text.upper() if self.any_case else text
        if self.names and name in self.names:
            return self.names[name]
        if not text.isdigit():
            raise self.error(part, f"{text!r} is not a number{' or a name' if self.names else ''}")
        value = int(text)
        if not self.low <= value <= self.high:
            raise self.error(part, f"{value} is outside {self.low}-{self.high}")
        return value

    def values(self, text: str) -> frozenset[int]:
        """``*``, ``?``, ``5``, ``1-5``, ``*/15``, ``10-50/10``, ``FRI-MON`` (wrapping), and lists of them."""
        found: set[int] = set()
        for item in text.split(","):
            base, slash, step_text = item.partition("/")
            step = int(step_text) if step_text.isdigit() else 0
            if slash and step < 1:
                raise self.error(item, f"step {step_text!r} must be 1 or more",
                                 detail="a step (after /) must be a whole number of 1 or more")
            if base in ("*", "?"):
                first, last = self.low, self.high
            elif "-" in base:
                first_text, _, last_text = base.partition("-")
                first, last = self.number(first_text, item), self.number(last_text, item)
            else:
                first = self.number(base, item)
                last = self.high if slash else first
            span = list(range(first, last + 1)) if first <= last else \
                list(range(first, self.high + 1)) + list(range(self.low, last + 1))
            found.update(span[::step or 1])
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


def _aws_reader(field: Field) -> _Reader:
    names = {name: number for number, name in enumerate(field.names, start=field.low)} if field.names else None
    return _Reader(field.name, field.low, field.high, names, any_case=False)


def _aws_day_of_month(text: str) -> Callable[[date], bool]:
    reader = _aws_reader(AWS_FIELDS[2])
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
            target = reader.number(item[:-1], item)
            tests.append(lambda d, t=target: d.day == _nearest_weekday(d.year, d.month, t))
        else:
            days = reader.values(item)
            tests.append(lambda d, s=days: d.day in s)
    return lambda d: any(test(d) for test in tests)


def _aws_day_of_week(text: str) -> Callable[[date], bool]:
    """AWS counts 1 (SUN) to 7 (SAT)."""
    reader = _aws_reader(AWS_FIELDS[4])
    if "#" in text and "," in text:  # "3#1,6#3 is not valid" (the reference: # allows one expression only)
        raise reader.error(text, f"{text!r}: # allows one expression in the field, not a list",
                           detail="# allows one expression in the field, not a list")
    tests: list[Callable[[date], bool]] = []
    for item in text.split(","):
        if item == "L":  # the last day of the week
            tests.append(lambda d: _weekday(d) == 6)
        elif item.endswith("L"):  # the month's last such day
            weekday = reader.number(item[:-1], item) - 1
            tests.append(lambda d, w=weekday: _weekday(d) == w and
                         d.day + 7 > calendar.monthrange(d.year, d.month)[1])
        elif "#" in item:
            day_text, _, nth_text = item.partition("#")
            weekday = reader.number(day_text, item) - 1
            nth = int(nth_text) if nth_text.isdigit() else 0
            if not 1 <= nth <= 5:
                raise reader.error(item, f"#{nth_text} must be 1 to 5",
                                   detail="# takes one day and its week of the month, 1 to 5 (e.g. 6#3)")
            tests.append(lambda d, w=weekday, n=nth: _weekday(d) == w and (d.day - 1) // 7 + 1 == n)
        else:
            weekdays = {value - 1 for value in reader.values(item)}
            tests.append(lambda d, s=weekdays: _weekday(d) in s)
    return lambda d: any(test(d) for test in tests)


# --------------------------------------------------------------------------------------------------
# The two dialects


def parse_aws(expression: str) -> Cron:
    """``cron(minutes hours day-of-month month day-of-week year)`` as EventBridge Scheduler and AWS Backup read it."""
    text = expression.strip()
    if not (text.startswith("cron(") and text.endswith(")")):
        raise CronError(f"{expression!r} is not cron(...)")
    fields = text[len("cron("):-1].split(" ")
    if len(fields) != 6 or "" in fields:
        raise CronError(f"{expression!r} has {len(text[len('cron('):-1].split())} fields, not 6 single-spaced")
    for field, value in zip(AWS_FIELDS, fields, strict=True):
        stray = sorted({c for c in value if not (c.isascii() and c.isalnum()) and c not in field.wildcards})
        if stray:
            raise CronError(f"{field.name}: {value!r} has {''.join(stray)!r}, which this field does not take",
                            field=field.name, part=value, takes=field.takes)
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if "?" not in (day_of_month, day_of_week):
        raise CronError(f"{expression!r} needs ? in day-of-month or in day-of-week",
                        detail="needs ? in day-of-month or in day-of-week (AWS cron takes one of them)")
    months = _aws_reader(AWS_FIELDS[3]).values(month)
    years = _aws_reader(AWS_FIELDS[5]).values(year)
    # The other day field is ?, which says nothing.
    by_date = _aws_day_of_week(day_of_week) if day_of_month == "?" else _aws_day_of_month(day_of_month)
    weekly = day_of_month in ("?", "*") and month == "*" and year == "*" and not any(c in day_of_week for c in "L#")
    return Cron(text=text, minutes=_aws_reader(AWS_FIELDS[0]).values(minutes),
                hours=_aws_reader(AWS_FIELDS[1]).values(hours),
                day=lambda d: d.month in months and d.year in years and by_date(d), weekly=weekly)


def parse_unix(expression: str) -> Cron:
    """``minute hour day-of-month month day-of-week`` as an Auto Scaling scheduled action's Recurrence reads it."""
    fields = expression.split()
    if len(fields) != 5:
        raise CronError(f"{expression!r} has {len(fields)} fields, not 5")
    minutes, hours, day_of_month, month, day_of_week = fields
    days_of_month = _Reader("day-of-month", 1, 31).values(day_of_month)
    weekdays = {value % 7 for value in _Reader("day-of-week", 0, 7, _UNIX_DAYS).values(day_of_week)}
    months = _Reader("month", 1, 12, _MONTHS).values(month)
    any_day_of_month, any_day_of_week = day_of_month.startswith("*"), day_of_week.startswith("*")

    def day(d: date) -> bool:
        if d.month not in months:
            return False
        by_month, by_week = d.day in days_of_month, _weekday(d) in weekdays
        if any_day_of_month or any_day_of_week:
            return by_month and by_week
        return by_month or by_week  # both restricted: either one

    return Cron(text=expression.strip(), minutes=_Reader("minutes", 0, 59).values(minutes),
                hours=_Reader("hours", 0, 23).values(hours), day=day, weekly=day_of_month == "*" and month == "*")
