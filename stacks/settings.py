"""The stack's settings: CDK context (``cdk.json`` defaults, ``-c key=value`` overrides) parsed into one
typed, frozen, validated object before any construct is built.

Values given with ``-c`` arrive as strings ("true", "3", '[{"size": 20}]'); values from ``cdk.json``
arrive typed. Both are accepted. Every problem raises :class:`SettingError`, whose one-line message
names the setting, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Optional

from cdk_constructs import DataVolume, RootVolume, SettingError, WebServerOptions
from cdk_constructs.ebs import AMAZON_LINUX_ROOT_GIB

AMAZON_LINUX_2 = "amazon-linux-2"
AMAZON_LINUX_2023 = "amazon-linux-2023"
NAMED_IMAGES = (AMAZON_LINUX_2, AMAZON_LINUX_2023)
_AMI_ID = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")
_VPC_ID = re.compile(r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")
_KEY_NAME = re.compile(r"^[\x20-\x7e]{1,255}$")
MAX_USER_TAGS = 45  # AWS allows 50 per resource; the stack and CloudFormation add a few of their own
# Tags the stack sets itself: Name per server, "app" so that `make audit` finds every resource.
APP_TAG = ("app", "ec2-web-server")
RESERVED_TAG_KEYS = ("Name", APP_TAG[0])


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything a deployment can choose. Defaults are the walk-through's, made safe."""

    #: The web server's own options (instance type, volumes, SSH CIDR...): see WebServerOptions.
    server: WebServerOptions = field(default_factory=WebServerOptions)
    #: amazon-linux-2 (the walk-through's), amazon-linux-2023, or an AMI id ami-...
    machine_image: str = AMAZON_LINUX_2
    #: A VPC to look up; None: the account's default VPC.
    vpc_id: Optional[str] = None
    #: An existing key pair's name; None: create a new key pair (private key in SSM Parameter Store).
    key_pair_name: Optional[str] = None
    #: Extra tags for every resource, as sorted (key, value) pairs.
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def is_amazon_linux(self) -> bool:
        return self.machine_image in NAMED_IMAGES

    @classmethod
    def from_context(cls, get: Callable[[str], Any], keys: Optional[list[str]] = None) -> Settings:
        """Parse settings with ``get(key)`` (e.g. ``app.node.try_get_context``).

        ``keys``, if given, are all the context keys present: a plain key that is a near miss of a
        setting's name (``instnace_type``) is reported instead of silently ignored.
        """
        if keys:
            _reject_misspelt_keys(keys)
        raw = {name: get(name) for name in SETTING_NAMES}
        raw = {k: (None if v == "" else v) for k, v in raw.items()}  # `-c key=` means "unset"
        server: dict[str, Any] = {}
        for name in ("instance_type", "shutdown_behavior", "placement_group", "private_ip", "ssh_cidr"):
            if raw[name] is not None:
                server[name] = _string(raw[name], name)
        for name in ("allow_ssh_from_anywhere", "elastic_ip", "instance_store", "termination_protection",
                     "detailed_monitoring"):
            if raw[name] is not None:
                server[name] = _boolean(raw[name], name)
        if raw["instance_count"] is not None:
            server["instance_count"] = _integer(raw["instance_count"], "instance_count")
        if raw["root_volume"] is not None:
            server["root_volume"] = RootVolume.from_dict(_json(raw["root_volume"], "root_volume"), "root_volume")
        if raw["volumes"] is not None:
            items = _json(raw["volumes"], "volumes")
            if not isinstance(items, list):
                raise SettingError("volumes", items, 'must be a JSON list of volumes, e.g. [{"size": 20, "type": "gp3"}]')
            server["volumes"] = tuple(DataVolume.from_dict(item, f"volumes[{i}]") for i, item in enumerate(items))
        if raw["iam_policies"] is not None:
            policies = _json(raw["iam_policies"], "iam_policies")
            if not isinstance(policies, list):
                raise SettingError("iam_policies", policies, "must be a JSON list of managed policy ARNs")
            server["iam_policies"] = tuple(policies)
        options = WebServerOptions(**server)  # validates every field, by name

        machine_image = _string(raw["machine_image"], "machine_image") if raw["machine_image"] else AMAZON_LINUX_2
        if machine_image not in NAMED_IMAGES and not _AMI_ID.match(machine_image):
            raise SettingError("machine_image", machine_image,
                               f"must be {AMAZON_LINUX_2}, {AMAZON_LINUX_2023} or an AMI id such as ami-0123456789abcdef0")
        if machine_image in NAMED_IMAGES and options.root_volume.size is not None:
            options.root_volume.validate("root_volume", options.type_info, min_size=AMAZON_LINUX_ROOT_GIB)
        vpc_id = _string(raw["vpc_id"], "vpc_id") if raw["vpc_id"] is not None else None
        if vpc_id is not None and not _VPC_ID.match(vpc_id):
            raise SettingError("vpc_id", vpc_id, "must be a VPC id such as vpc-0123456789abcdef0")
        key_pair_name = _string(raw["key_pair_name"], "key_pair_name") if raw["key_pair_name"] is not None else None
        if key_pair_name is not None and not _KEY_NAME.match(key_pair_name):
            raise SettingError("key_pair_name", key_pair_name,
                               "must be an existing key pair's name (1-255 ASCII characters)")
        tags = _tags(raw["tags"]) if raw["tags"] is not None else ()
        return cls(server=options, machine_image=machine_image, vpc_id=vpc_id, key_pair_name=key_pair_name, tags=tags)


# Settings read from context, besides the WebServerOptions fields the parser maps by name.
SETTING_NAMES: tuple[str, ...] = tuple(
    [f.name for f in fields(WebServerOptions)]
    + ["machine_image", "vpc_id", "key_pair_name", "tags"]
)


def _reject_misspelt_keys(keys: list[str]) -> None:
    for key in keys:
        if key in SETTING_NAMES or ":" in key or key.startswith("@"):
            continue
        close = difflib.get_close_matches(key.replace("-", "_"), SETTING_NAMES, n=1, cutoff=0.75)
        if close:
            raise SettingError(key, "(unknown setting)", f"not a setting; did you mean {close[0]}?")


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise SettingError(name, value, "must be text")
    return value.strip()


def _boolean(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise SettingError(name, value, "must be true or false")


def _integer(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    raise SettingError(name, value, "must be a whole number")


def _json(value: Any, name: str) -> Any:
    if not isinstance(value, str):
        return value  # from cdk.json: already parsed
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise SettingError(name, value, f"is not valid JSON ({error.msg} at character {error.pos})") from None


def _iam_tag_char(char: str) -> bool:
    """IAM's tag pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]: letters, separators, numbers and a few marks."""
    return unicodedata.category(char)[0] in "LZN" or char in "_.:/=+-@"


def _tags(value: Any) -> tuple[tuple[str, str], ...]:
    tags = _json(value, "tags")
    if not isinstance(tags, dict):
        raise SettingError("tags", tags, 'must be a JSON object such as {"team": "web", "env": "dev"}')
    if len(tags) > MAX_USER_TAGS:
        raise SettingError("tags", f"{len(tags)} tags",
                           f"at most {MAX_USER_TAGS} (AWS allows 50 per resource, the stack uses the rest)")
    for key, val in tags.items():
        setting = f"tags.{key}"
        if not 1 <= len(key) <= 128:
            raise SettingError("tags", key, "tag keys must be 1 to 128 characters")
        if key.lower().startswith("aws:"):
            raise SettingError("tags", key, "tag keys starting with aws: are reserved for AWS")
        if key in RESERVED_TAG_KEYS:
            raise SettingError("tags", key, f"{key} is set by the stack itself; choose another key")
        if not isinstance(val, str):
            raise SettingError(setting, val, "tag values must be text")
        if len(val) > 256:
            raise SettingError(setting, val, "tag values must be at most 256 characters")
        # The tags also go on the IAM role, and IAM accepts fewer characters than EC2 does.
        for text, what in ((key, "tags"), (val, setting)):
            bad = sorted({c for c in text if not _iam_tag_char(c)})
            if bad:
                raise SettingError(what, text, f"tags may only use letters, digits, spaces and _.:/=+-@ "
                                               f"(IAM's rule), not {''.join(bad)!r}")
    return tuple(sorted(tags.items()))
