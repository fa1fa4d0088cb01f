"""The README's "use the construct in your own app" example, as the tests run it."""

from __future__ import annotations

import re

from tests.conftest import ROOT

HEADINGS = {"README.md": "## Use the construct in your own app", "README.ja.md": "## 自分のアプリでコンストラクトを使う"}


def example_app(readme: str = "README.md") -> str:
    """The first ```python block under the section's heading."""
    text = (ROOT / readme).read_text()
    section = text[text.index(HEADINGS[readme]):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)
