"""The fill registry: every fill module is applied, and the README's gaps table names real fills and tests.

Imports ``emulator.gaps`` (and so moto) in this process, but never applies a fill here.
"""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import emulator.gaps as gaps

HERE = Path(__file__).resolve().parent
README = Path(gaps.__file__).resolve().parents[1] / "README.md"
#: Not a fill module, but named in the table: the engine the stack fills drive.
ENGINE = "cfn_engine"
#: Modules of the package that are not fills (besides the _-prefixed helpers): the fills' typed errors.
NOT_FILLS = {"exceptions"}


def _short_name(fill: gaps.Fill) -> str:
    return fill.__name__.rsplit(".", 1)[-1]  # type: ignore[attr-defined]


def _gap_rows() -> list[list[str]]:
    """The "moto gaps" table's rows as cells: gap, AWS, fill, test."""
    rows = []
    for line in README.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] != "Gap (what moto does)":
            rows.append(cells)
    return rows


def test_every_fill_module_is_registered_once() -> None:
    modules = {m.name for m in pkgutil.iter_modules(gaps.__path__) if not m.name.startswith("_")}
    registered = [_short_name(fill) for fill in gaps.FILLS]
    assert len(registered) == len(set(registered))
    assert set(registered) == modules - NOT_FILLS
    assert all(callable(fill.apply) for fill in gaps.FILLS)


def test_gaps_table_names_every_fill_and_only_fills() -> None:
    rows = _gap_rows()
    assert len(rows) >= len(gaps.FILLS)
    named = {name for row in rows for name in re.findall(r"`(\w+)`", row[2])}
    assert named - {ENGINE} == {_short_name(fill) for fill in gaps.FILLS}


def test_gaps_table_names_existing_tests() -> None:
    for row in _gap_rows():
        file_name, test_name = re.fullmatch(r"`(test_\w+\.py)::(test_\w+)`", row[3]).groups()  # type: ignore[union-attr]
        source = (HERE / file_name).read_text()
        assert f"def {test_name}(" in source, row[3]
