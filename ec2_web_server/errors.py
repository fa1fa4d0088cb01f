"""The one error type raised for a bad setting, by the construct and by the settings parser alike."""

from __future__ import annotations

from typing import Any


class SettingError(ValueError):
    """A setting (or construct property) AWS would reject, or this stack cannot honour.

    The message is one line that names the setting, the value given and what is allowed, e.g.
    ``volumes[1].iops: got 50; io1 takes 100 to 64000 IOPS``. ``app.py`` prints exactly that line.
    """

    def __init__(self, setting: str, value: Any, allowed: str) -> None:
        self.setting = setting
        self.value = value
        self.allowed = allowed
        super().__init__(f"{setting}: got {_show(value)}; {allowed}")


def _show(value: Any) -> str:
    # repr() keeps strings quoted (so "ten" reads as text, 10 as a number) on one line.
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
