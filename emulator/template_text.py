"""Reading a template body: as JSON when it is JSON, as YAML otherwise, as CloudFormation does.

CloudFormation takes a template "in JSON or YAML format" (CloudFormation User Guide, "Template
formats"). moto 5.2.5 reads every body with PyYAML's pure-Python loader first and tries JSON only
when YAML fails (``Stack.parse_template``, ``ChangeSet._parse_template``). Every template the CDK
writes is JSON, and the YAML loader takes about 0.1 s of CPU for the default stack's 34 KB, against
0.4 ms for ``json.loads``. It runs four or five times per deployment (change set, stack, diff), and
was the largest single cost of the emulator's CPU in ``make test``.

Reading JSON as JSON is also the stricter reading: YAML 1.1 reads some JSON differently (``1e3``
is the string ``"1e3"`` to it, the number 1000 to JSON), and CloudFormation follows JSON's reading
for a JSON body. A body that is not JSON (a YAML template) still goes to moto's own YAML reading,
short-form tags (``!Ref``) included.

Not a gap fill: plain moto accepts and reads the same templates, only slower; so the server
applies this beside the fills, and ``--plain`` (moto as shipped) leaves it out.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudformation.models import ChangeSet, Stack

#: moto's own reading, kept for bodies that are not JSON.
_read_yaml = Stack.parse_template


def parse(template: str) -> Any:
    """The template body as CloudFormation reads it: JSON if it parses as JSON, else YAML."""
    if template.lstrip().startswith("{"):
        try:
            return json.loads(template)
        except ValueError:
            pass  # Not JSON after all (YAML flow style starts with "{" too): YAML's turn.
    return _read_yaml(template)


def _change_set_parse_template(self: ChangeSet) -> None:
    self.template_dict = parse(self.template)


def apply() -> None:
    """Install :func:`parse` in place of moto's YAML-first reading, in this process."""
    Stack.parse_template = staticmethod(parse)
    ChangeSet._parse_template = _change_set_parse_template
