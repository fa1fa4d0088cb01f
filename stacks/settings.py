"""The app's settings: each declared once, in :data:`SETTINGS`, and parsed from CDK context by one layer.

A declaration gives the name, how a value is read (:class:`Kind`), the default, a one-line help in
English and Japanese, an example, and, where the app itself judges the value, its rule. That one
table drives:

- parsing: ``-c key=value`` arrives as text ("true", "3", '[{"size": 20}]'), ``cdk.json`` values
  arrive typed; both are read by the setting's kind;
- the misspelt-key check: a context key shaped like a setting that is none (``ami``, ``instnace_type``)
  is refused, with a suggestion when one is close;
- the settings tables in README.md and README.ja.md, and the defaults in cdk.json
  (``make docs`` writes them; tests/unit/test_docs.py fails when they drift).

Settings marked ``prop`` are handed to the ``WebServer`` construct under the same name, and the
construct applies AWS's rules to them (limits, combinations). Every problem raises
:class:`SettingError`, whose one-line message names the setting, the value and what is allowed.

Adding a setting: one declaration below, its rule (in the construct when it is a prop, else as
``rule=`` here), and its use (the construct's keyword prop, or the stack).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Optional

from constants import APP_TAG_KEY
from ec2_web_server import AutoScaling, Backup, DataVolume, Ingress, PatchSchedule, RootVolume, Schedule, SettingError
from ec2_web_server.capacity import SINGLE_TIER_SPOT
from ec2_web_server.encryption import check_key_arn
from ec2_web_server.options import check_key_pair_name, check_tags

AMAZON_LINUX_2 = "amazon-linux-2"
AMAZON_LINUX_2023 = "amazon-linux-2023"
NAMED_IMAGES = (AMAZON_LINUX_2, AMAZON_LINUX_2023)
# Tags the stack sets itself: Name per server, and the app tag that `make audit` finds resources by.
RESERVED_TAG_KEYS = ("Name", APP_TAG_KEY)
# Context keys shaped like a setting's name (any case); the CDK's own keys have ":" or "@", the CLI's have "-".
_SETTING_SHAPED = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_AMI_ID = re.compile(r"ami-([0-9a-f]{8}|[0-9a-f]{17})")
_VPC_ID = re.compile(r"vpc-([0-9a-f]{8}|[0-9a-f]{17})")
_SUBNET_ID = re.compile(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")


# --------------------------------------------------------------------------------------------------
# How values are read: one parser per kind of value.


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"duplicate key {repeated[0]!r}")
    return dict(pairs)


def _json(value: Any, name: str) -> Any:
    if not isinstance(value, str):
        return value  # from cdk.json: already parsed
    try:
        return json.loads(value, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as error:
        raise SettingError(name, value, f"is not valid JSON ({error.msg} at character {error.pos})") from None
    except ValueError as error:  # a duplicate key: JSON allows it, but only one value would count
        raise SettingError(name, value, f"is not valid here: {error}") from None


def _text(value: Any, name: str) -> str:
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
    # ASCII digits only: int() would also read other scripts' digits ("٣" is 3).
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        return int(value.strip())
    raise SettingError(name, value, "must be a whole number")


def _number(value: Any, name: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", value.strip()):
        number = float(value.strip())
        return int(number) if number.is_integer() else number
    raise SettingError(name, value, "must be a number, e.g. 50 or 49.5")


def _struct(cls: type, value: Any, name: str, example: str) -> Any:
    """A JSON object read into the construct's option class; unknown keys are refused by name."""
    if not isinstance(value, dict):
        raise SettingError(name, value, f"must be a JSON object such as {example}")
    allowed = [item.name for item in dataclasses.fields(cls)]
    for key in value:
        if key not in allowed:
            raise SettingError(f"{name}.{key}", value[key], f"unknown key; allowed keys: {', '.join(allowed)}")
    for item in dataclasses.fields(cls):
        required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
        if required and item.name not in value and getattr(cls, item.name, dataclasses.MISSING) is dataclasses.MISSING:
            raise SettingError(f"{name}.{item.name}", None, f"is required, e.g. {example}")
    return cls(**value)


@dataclass(frozen=True)
class Kind:
    """How a setting's value is read, and how the README names what it takes."""

    parse: Callable[[Any, str], Any]
    json: bool = False  # the README shows the example quoted for the shell

    def read(self, value: Any, name: str) -> Any:
        return self.parse(_json(value, name) if self.json else value, name)


TEXT = Kind(_text)
BOOL = Kind(_boolean)
INT = Kind(_integer)
NUMBER = Kind(_number)


def _root_volume(value: Any, name: str) -> RootVolume:
    return _struct(RootVolume, value, name, '{"type": "gp3", "size": 30}')


def _volumes(value: Any, name: str) -> tuple[DataVolume, ...]:
    if not isinstance(value, list):
        raise SettingError(name, value, 'must be a JSON list of volumes, e.g. [{"size": 20, "type": "gp3"}]')
    return tuple(_struct(DataVolume, item, f"{name}[{i}]", '{"size": 20, "type": "gp3"}')
                 for i, item in enumerate(value))


def _ingress(value: Any, name: str) -> tuple[Ingress, ...]:
    if not isinstance(value, list):
        raise SettingError(name, value, 'must be a JSON list of rules, e.g. [{"port": 443, "cidr": "0.0.0.0/0"}]')
    return tuple(_struct(Ingress, item, f"{name}[{i}]", '{"port": 443, "cidr": "0.0.0.0/0"}')
                 for i, item in enumerate(value))


def _text_list(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SettingError(name, value, "must be a JSON list of text values")
    return tuple(value)


def _tags(value: Any, name: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise SettingError(name, value, 'must be a JSON object such as {"team": "web", "env": "dev"}')
    check_tags(value, reserved=RESERVED_TAG_KEYS)
    return tuple(sorted(value.items()))


def _backup(value: Any, name: str) -> Backup:
    return _struct(Backup, value, name, '{"schedule": "daily", "retention_days": 7}')


def _schedule(value: Any, name: str) -> Schedule:
    return _struct(Schedule, value, name, '{"stop": "cron(0 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)"}')


def _patch_schedule(value: Any, name: str) -> PatchSchedule:
    return _struct(PatchSchedule, value, name, '{"cron": "cron(0 3 ? * SUN *)", "timezone": "Asia/Tokyo"}')


def _allocation_ids(value: Any, name: str) -> tuple[str, ...]:
    """One allocation id as text, or a JSON list of them (one per server)."""
    if isinstance(value, str) and value.strip().startswith("["):
        value = _json(value, name)
    if isinstance(value, str):
        return (value.strip(),)
    if not isinstance(value, list):
        raise SettingError(name, value, 'must be an allocation id, or a JSON list of them: \'["eipalloc-...", ...]\'')
    return tuple(value)


ALLOCATION_IDS = Kind(_allocation_ids)
ROOT_VOLUME = Kind(_root_volume, json=True)
PATCH_SCHEDULE = Kind(_patch_schedule, json=True)
BACKUP = Kind(_backup, json=True)
SCHEDULE = Kind(_schedule, json=True)
VOLUMES = Kind(_volumes, json=True)
INGRESS = Kind(_ingress, json=True)
TEXT_LIST = Kind(_text_list, json=True)
TAGS = Kind(_tags, json=True)


# --------------------------------------------------------------------------------------------------
# App-level rules (the construct's props carry their own).


def _machine_image_rule(value: str) -> None:
    if value not in NAMED_IMAGES and not _AMI_ID.fullmatch(value):
        raise SettingError("machine_image", value,
                           f"must be {AMAZON_LINUX_2}, {AMAZON_LINUX_2023} or an AMI id such as ami-0123456789abcdef0")


TIERS = ("single", "autoscaling")
#: Settings of the Auto Scaling tier: one per AutoScaling option, of the same name.
AUTO_SCALING_SETTINGS = tuple(field.name for field in dataclasses.fields(AutoScaling))


def _kms_key_rule(value: str) -> None:
    if value != "create":
        check_key_arn(value, region=None)  # the region is the construct's to judge, against the stack's


def _tier_rule(value: str) -> None:
    if value not in TIERS:
        raise SettingError("tier", value, f"must be {' or '.join(TIERS)}")


#: vpc_id's value for a VPC of the stack's own (ec2_web_server/network.py).
NEW_VPC = "new"


def _vpc_id_rule(value: str) -> None:
    if value != NEW_VPC and not _VPC_ID.fullmatch(value):
        raise SettingError("vpc_id", value, f"must be a VPC id such as vpc-0123456789abcdef0, or {NEW_VPC} for a VPC "
                                            "of the stack's own")


def _subnet_id_rule(value: str) -> None:
    if not _SUBNET_ID.fullmatch(value):
        raise SettingError("subnet_id", value, "must be a subnet id such as subnet-0123456789abcdef0")


# --------------------------------------------------------------------------------------------------
# The declarations


@dataclass(frozen=True)
class Setting:
    """One setting: everything the app, its checks and its docs know of it."""

    name: str
    kind: Kind
    default: Any
    #: What is allowed, one line, for the README's settings table (English, then Japanese).
    help: str
    help_ja: str
    #: A ``-c`` example, without the ``-c``.
    example: str
    #: How the README shows a default that is not a literal value ("the default VPC").
    default_doc: Optional[str] = None
    default_doc_ja: Optional[str] = None
    #: Handed to the WebServer construct as the keyword prop of the same name.
    prop: bool = True
    #: A rule the app applies itself (props are judged by the construct).
    rule: Optional[Callable[[Any], None]] = None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "tier", TEXT, "single",
        "`single`: hand-managed servers, each with its Elastic IP; `autoscaling`: an EC2 Auto Scaling group behind an "
        "Application Load Balancer, across Availability Zones",
        "`single`: 個別に管理するサーバー (それぞれに Elastic IP)。`autoscaling`: Application Load Balancer の後ろの "
        "EC2 Auto Scaling グループ (複数のアベイラビリティーゾーンにまたがる)",
        "tier=autoscaling", prop=False, rule=_tier_rule),
    Setting(
        "min_capacity", INT, None,
        "tier `autoscaling`: instances the group never goes below, also during a rolling update",
        "tier `autoscaling`: グループが下回らないインスタンス数 (ローリング更新中も)",
        "tier=autoscaling -c min_capacity=3", default_doc="`2`", default_doc_ja="`2`", prop=False),
    Setting(
        "max_capacity", INT, None,
        "tier `autoscaling`: instances the group never goes above; above `min_capacity`, so a rolling update can "
        "start new instances before it stops old ones (as many at a time as the difference)",
        "tier `autoscaling`: グループが超えないインスタンス数。`min_capacity` より大きくします (その差の台数ずつ、"
        "古いものを止める前に新しいものを起動してローリング更新するため)",
        "tier=autoscaling -c max_capacity=6", default_doc="`4`", default_doc_ja="`4`", prop=False),
    Setting(
        "desired_capacity", INT, None,
        "tier `autoscaling`: the group's size at deploy, from `min_capacity` to `max_capacity`; unset, Auto Scaling "
        "owns it, so a deploy never resets a scaled-out group",
        "tier `autoscaling`: デプロイ時のグループの大きさ (`min_capacity`〜`max_capacity`)。指定しなければ Auto Scaling "
        "に任せ、デプロイでスケールアウト中のグループが元に戻ることはありません",
        "tier=autoscaling -c desired_capacity=3", default_doc="unset", default_doc_ja="なし", prop=False),
    Setting(
        "cpu_target", NUMBER, None,
        "tier `autoscaling`: the average CPU percentage (above 0, at most 100; 49.5 is fine) that target tracking keeps "
        "the group at",
        "tier `autoscaling`: ターゲット追跡スケーリングで維持する平均 CPU 使用率 "
        "(0 より大きく 100 以下。49.5 のような小数も可)",
        "tier=autoscaling -c cpu_target=60", default_doc="`50`", default_doc_ja="`50`", prop=False),
    Setting(
        "requests_per_target", INT, None,
        "tier `autoscaling`: requests per instance per minute that target tracking also keeps the group at",
        "tier `autoscaling`: ターゲット追跡スケーリングで併せて維持する、1 インスタンス・1 分あたりのリクエスト数",
        "tier=autoscaling -c requests_per_target=1000", default_doc="none", default_doc_ja="なし", prop=False),
    Setting(
        "health_check_path", TEXT, None,
        "with a load balancer (tier `autoscaling`, or `https`): the path it asks every instance for; 200 means healthy",
        "ロードバランサーがあるとき (tier `autoscaling` または `https`): 各インスタンスのヘルスチェックで要求するパス。"
        "200 なら正常",
        "tier=autoscaling -c health_check_path=/health", default_doc="`/`", default_doc_ja="`/`"),
    Setting(
        "access_log_days", INT, None,
        "with a load balancer: days its access logs are kept in their encrypted, TLS-only bucket",
        "ロードバランサーがあるとき: アクセスログ (暗号化され TLS 必須のバケット) を保持する日数",
        "tier=autoscaling -c access_log_days=30", default_doc="`90`", default_doc_ja="`90`"),
    Setting(
        "keep_access_logs", BOOL, None,
        "with a load balancer: keep the access logs bucket after `cdk destroy` (by default it is emptied and deleted)",
        "ロードバランサーがあるとき: `cdk destroy` の後もアクセスログのバケットを残す (既定では空にして削除します)",
        "tier=autoscaling -c keep_access_logs=true", default_doc="`false`", default_doc_ja="`false`"),
    Setting(
        "zones", INT, None,
        "with a load balancer: how many Availability Zones it spans (the VPC's first ones), and the Auto Scaling "
        "group with it; each more costs the load balancer a public IPv4 address",
        "ロードバランサーがあるとき: ロードバランサーがまたがるアベイラビリティーゾーンの数 (VPC の先頭から)。"
        "Auto Scaling グループも同じゾーンに置きます。"
        "1 つ増やすごとにロードバランサーのパブリック IPv4 アドレスの料金が増えます",
        "tier=autoscaling -c zones=3", default_doc="`2`", default_doc_ja="`2`"),
    Setting(
        "waf", BOOL, False,
        "`true`/`false`, with a load balancer (tier `autoscaling`, or `https`; a web ACL cannot be associated with an "
        "EC2 instance): a regional AWS WAF web ACL on it, with AWS's managed rule groups (IP reputation list, core rule "
        "set, known bad inputs) and a rate limit per client address, logged to an `aws-waf-logs-` log group kept 30 "
        "days; about $9 a month plus $0.60 per million requests",
        "`true`/`false`。ロードバランサーがあるとき (tier `autoscaling` または `https`。Web ACL は EC2 インスタンスには"
        "関連付けられません): AWS WAF のリージョナルな Web ACL を付けます。AWS マネージドルールグループ "
        "(IP 評価リスト、コアルールセット、既知の不正な入力) とクライアントアドレスごとのレート制限を持ち、"
        "ログは 30 日保持の `aws-waf-logs-` ロググループへ。月約 9 ドルと 100 万リクエストあたり 0.60 ドル",
        "tier=autoscaling -c waf=true"),
    Setting(
        "waf_rate_limit", INT, None,
        "with `waf=true`: requests one client address may send in 5 minutes before WAF blocks it; 10 (AWS's minimum) "
        "to 2,000,000,000",
        "`waf=true` のとき: 1 つのクライアントアドレスが 5 分間に送れるリクエスト数。超えると WAF が遮断します。"
        "10 (AWS の最小値)〜2,000,000,000",
        "tier=autoscaling -c waf=true -c waf_rate_limit=500", default_doc="`2000`", default_doc_ja="`2000`"),
    Setting(
        "cloudfront", BOOL, False,
        "`true`/`false`, with a load balancer: a CloudFront distribution in front of it (viewers redirected to HTTPS, "
        "caching as the site's Cache-Control headers say); the load balancer then admits only CloudFront's "
        "origin-facing prefix list, looked up once into cdk.context.json. With `domain_name`: alias A/AAAA records "
        "to the distribution, and a certificate in us-east-1 (outside us-east-1, `cloudfront_certificate_arn`)",
        "`true`/`false`。ロードバランサーがあるとき: その前に CloudFront ディストリビューションを置きます (閲覧者は "
        "HTTPS へリダイレクト、キャッシュはサイトの Cache-Control ヘッダーに従う)。ロードバランサーは CloudFront の"
        "オリジン向けプレフィックスリスト (一度だけ参照して cdk.context.json に記録) からだけ受け付けます。"
        "`domain_name` があれば、ディストリビューションへの A/AAAA エイリアスレコードと us-east-1 の証明書 "
        "(us-east-1 以外では `cloudfront_certificate_arn`)",
        "tier=autoscaling -c cloudfront=true"),
    Setting(
        "cloudfront_certificate_arn", TEXT, None,
        "with `cloudfront=true` and `domain_name`: an ACM certificate in us-east-1 for the name (CloudFront takes no "
        "other region's); needed when the stack is outside us-east-1",
        "`cloudfront=true` と `domain_name` があるとき: その名前の us-east-1 の ACM 証明書 (CloudFront は他の"
        "リージョンの証明書を使えません)。スタックが us-east-1 以外のときは必須",
        "cloudfront_certificate_arn=arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab",
        default_doc="none (the site's certificate, in us-east-1)", default_doc_ja="なし (us-east-1 ではサイトの証明書)",
        prop=False),
    Setting(
        "ip_version", TEXT, "ipv4",
        "`ipv4`, `dualstack` (IPv6 too: a dualstack load balancer, AAAA records beside the A records, an IPv6 address "
        "on each instance, `::/0` beside every `0.0.0.0/0` rule) or `dualstack-without-public-ipv4` (the load "
        "balancer has no public IPv4, saving $0.005 an hour per zone, and answers the Internet on IPv6 only); "
        "dualstack needs `vpc_id=new` (the default VPC has no IPv6)",
        "`ipv4`、`dualstack` (IPv6 も: デュアルスタックのロードバランサー、A レコードに並ぶ AAAA レコード、各インスタンスの "
        "IPv6 アドレス、`0.0.0.0/0` のルールごとに `::/0`)、または `dualstack-without-public-ipv4` (ロードバランサーに"
        "パブリック IPv4 がなく、ゾーンあたり 1 時間 0.005 ドル安くなり、インターネットからは IPv6 だけで受け付けます)。"
        "dualstack には `vpc_id=new` が必要 (デフォルト VPC には IPv6 がありません)",
        "vpc_id=new -c ip_version=dualstack"),
    Setting(
        "instance_type", TEXT, "t2.micro",
        "any EC2 instance type the EC2 API knows (botocore's model); the AMI's architecture follows it (t4g → arm64)",
        "EC2 API が認識するインスタンスタイプ (botocore のモデル)。AMI のアーキテクチャはこれに合わせます (t4g なら arm64)",
        "instance_type=t3.small"),
    Setting(
        "instance_types", TEXT_LIST, None,
        "tier `autoscaling`: JSON list of more instance types the group may launch beside `instance_type` (always its "
        "first choice), each as `instance_type` takes, all of its architecture (one AMI runs them all); at most 40 "
        "in all",
        "tier `autoscaling`: `instance_type` のほかにグループが起動してよいインスタンスタイプの JSON リスト "
        "(`instance_type` が常に第一候補)。それぞれ `instance_type` と同じ規則で、すべて同じアーキテクチャ "
        "(1 つの AMI ですべてを起動するため)。合わせて 40 まで",
        'tier=autoscaling -c \'instance_types=["t3a.micro"]\'', default_doc="none", default_doc_ja="なし",
        prop=False),
    Setting(
        "spot_percent", INT, None,
        "tier `autoscaling`: 0-100, the percent of the instances above `on_demand_base` that are Spot "
        "(price-capacity-optimized, with Capacity Rebalancing); `make cost` prices both; refused on tier `single` "
        "(only EC2 can restart an interrupted Spot instance: the lone site would be down until then)",
        "tier `autoscaling`: 0〜100。`on_demand_base` を超える分のうちスポットインスタンスにする割合 "
        "(price-capacity-optimized、キャパシティの再調整あり)。`make cost` は両方の見積もりを示します。"
        "tier `single` では拒否します (中断されたスポットインスタンスを再開できるのは EC2 だけで、"
        "1 台だけのサイトはそれまで止まるため)",
        "tier=autoscaling -c spot_percent=70", default_doc="`0`", default_doc_ja="`0`", prop=False),
    Setting(
        "on_demand_base", INT, None,
        "tier `autoscaling`: the group's first instances that are always On-Demand, at most `max_capacity`",
        "tier `autoscaling`: 常にオンデマンドにする最初のインスタンス数 (`max_capacity` 以下)",
        "tier=autoscaling -c spot_percent=70 -c on_demand_base=1", default_doc="`0`", default_doc_ja="`0`",
        prop=False),
    Setting(
        "machine_image", TEXT, AMAZON_LINUX_2,
        "`amazon-linux-2`, `amazon-linux-2023`, or an AMI id `ami-...` (root device `/dev/xvda`, with yum or dnf and "
        "the aws-cfn-bootstrap package available, or the instance never signals and the deploy fails after 15 "
        "minutes). AL2's standard support ended on 2026-06-30: synth warns",
        "`amazon-linux-2`、`amazon-linux-2023`、または AMI ID `ami-...` (ルートデバイスが `/dev/xvda` で、yum か dnf と "
        "aws-cfn-bootstrap パッケージが使えること。そうでないとインスタンスが成功のシグナルを送れず、"
        "15 分後にデプロイが失敗します)。"
        "AL2 の標準サポートは 2026-06-30 に終了したため、合成時に警告します",
        "machine_image=amazon-linux-2023", prop=False, rule=_machine_image_rule),
    Setting(
        "vpc_id", TEXT, None,
        "a VPC id with a public subnet; the first public subnet is used, and must auto-assign public IPv4 "
        "addresses (synth warns). `new`: a VPC in the stack, 10.0.0.0/16, public subnets in 2 (3 with `zones=3` and a "
        "load balancer) "
        "Availability Zones and no NAT gateway (one would cost $0.045 an hour per zone)",
        "パブリックサブネットのある VPC の ID。最初のパブリックサブネットを使い、そのサブネットはパブリック IPv4 アドレスを"
        "自動で割り当てる設定であること (そうでなければ合成時に警告します)。`new`: スタック内に VPC を作ります "
        "(10.0.0.0/16、2 つ (ロードバランサーがあり `zones=3` なら 3 つ) のアベイラビリティーゾーンの"
        "パブリックサブネット、NAT ゲートウェイなし。"
        "NAT ゲートウェイはゾーンあたり 1 時間 0.045 ドル)",
        "vpc_id=vpc-0123456789abcdef0", default_doc="the default VPC", default_doc_ja="デフォルト VPC",
        prop=False, rule=_vpc_id_rule),
    Setting(
        "subnet_id", TEXT, None,
        "one public subnet of the VPC to put every server in; without it the servers are spread over the VPC's "
        "public subnets, and so over Availability Zones (Server1 in the first)",
        "サーバーをすべて入れる VPC のパブリックサブネット 1 つ。指定しなければ、サーバーは VPC のパブリックサブネット "
        "(つまりアベイラビリティーゾーン) に分散して置かれます (Server1 は最初のサブネット)",
        "subnet_id=subnet-0123456789abcdef0", default_doc="none (spread over the public subnets)",
        default_doc_ja="なし (パブリックサブネットに分散)", prop=False, rule=_subnet_id_rule),
    Setting(
        "ingress", INGRESS, None,
        'JSON list of `{"port", "to_port", "protocol", "cidr", "prefix_list", "security_group", "description"}`: '
        "who may reach which port (exactly one of `cidr`, `prefix_list` `pl-...`, `security_group` `sg-...`); "
        "port 22 is `ssh_cidr`'s",
        '`{"port", "to_port", "protocol", "cidr", "prefix_list", "security_group", "description"}` の JSON リスト。'
        "どのポートへの接続を誰に許可するか (`cidr`、`prefix_list` `pl-...`、`security_group` `sg-...` のどれか 1 つ)。"
        "22 番は `ssh_cidr` で指定します",
        'ingress=\'[{"port":443,"cidr":"0.0.0.0/0"},{"port":80,"cidr":"0.0.0.0/0"}]\'',
        default_doc="HTTP (80) from anywhere, IPv4 and IPv6", default_doc_ja="HTTP (80) をどこからでも (IPv4 と IPv6)"),
    Setting(
        "ssh_cidr", TEXT, None,
        "an IPv4/IPv6 CIDR, a bare address means /32 (/128); anything wider than /8 (IPv6: /16), `0.0.0.0/0` and "
        "`::/0` included, only with `allow_ssh_from_anywhere=true`",
        "IPv4/IPv6 の CIDR。アドレスだけなら /32 (/128)。/8 (IPv6 は /16) より広い範囲は、`0.0.0.0/0` と `::/0` も含めて "
        "`allow_ssh_from_anywhere=true` のときだけ許可",
        "ssh_cidr=203.0.113.7/32", default_doc="none (no SSH rule, synth warns)",
        default_doc_ja="なし (SSH ルールなし、合成時に警告)"),
    Setting(
        "allow_ssh_from_anywhere", BOOL, False,
        "`true`/`false`", "`true`/`false`", "allow_ssh_from_anywhere=true"),
    Setting(
        "key_pair_name", TEXT, None,
        "an existing key pair's name", "既存のキーペアの名前",
        "key_pair_name=my-key", default_doc="none (a new key pair)", default_doc_ja="なし (新規作成)",
        prop=False, rule=check_key_pair_name),
    Setting(
        "elastic_ip", BOOL, None,
        "`true`/`false`; AWS's default quota is 5 per region (synth warns above it); tier `single` only",
        "`true`/`false`。AWS の既定のクォータはリージョンあたり 5 個 (超えると合成時に警告)。tier `single` のときだけ",
        "elastic_ip=false", default_doc="`true` (tier `single`)", default_doc_ja="`true` (tier `single`)"),
    Setting(
        "elastic_ip_allocation_id", ALLOCATION_IDS, None,
        "an Elastic IP you already own (`eipalloc-...`; a JSON list, one per server, when `instance_count` > 1): "
        "associated instead of a new one, so the address outlives `cdk destroy` (and still costs its hourly "
        "public IPv4 price); tier `single` only",
        "すでに持っている Elastic IP (`eipalloc-...`。`instance_count` が 2 以上ならサーバーごとに 1 つの JSON リスト)。"
        "新しく割り当てる代わりにこれを関連付けるので、アドレスは `cdk destroy` の後も残ります "
        "(パブリック IPv4 の時間料金はかかり続けます)。tier `single` のときだけ",
        "elastic_ip_allocation_id=eipalloc-0123456789abcdef0", default_doc="none (a new Elastic IP)",
        default_doc_ja="なし (新しい Elastic IP)"),
    Setting(
        "capacity_reservation", TEXT, "open",
        "`open` (AWS's default: any matching open reservation of yours), `none`, an existing reservation's id "
        "`cr-...` (its type, zone and platform must match the servers': not checkable offline), or `create`: an "
        "On-Demand Capacity Reservation for the servers' type, zone and count, on the Linux/UNIX platform (a "
        "custom `machine_image` must be a Linux/UNIX AMI: RHEL or SUSE would not match it), charged whether used or "
        "not; tier `autoscaling` takes `open` only",
        "`open` (AWS の既定: 条件の合う自分のオープンな予約を使う)、`none`、既存の予約の ID `cr-...` "
        "(タイプ・ゾーン・プラットフォームがサーバーと一致すること。オフラインでは確認できません)、または `create`: "
        "サーバーのタイプ・ゾーン・台数のオンデマンドキャパシティ予約を Linux/UNIX プラットフォームで作ります (独自の "
        "`machine_image` は Linux/UNIX の AMI であること。RHEL や SUSE は一致しません。使っても使わなくても課金されます)。"
        "tier `autoscaling` は `open` のみ",
        "capacity_reservation=create"),
    Setting(
        "root_volume", ROOT_VOLUME, {"type": "gp2", "encrypted": True, "delete_on_termination": True},
        "JSON: `size`, `type`, `iops`, `encrypted`, `unencrypted_reason`, `delete_on_termination`; no `throughput` "
        "(CloudFormation's instance mapping cannot set it); size at least the AMI's root (8 GiB for Amazon Linux)",
        "JSON: `size`、`type`、`iops`、`encrypted`、`unencrypted_reason`、`delete_on_termination`。`throughput` は不可 "
        "(CloudFormation のインスタンスのブロックデバイスマッピングでは設定できません)。"
        "サイズは AMI のルート以上 (Amazon Linux は 8 GiB)",
        'root_volume=\'{"type":"gp3","size":30,"iops":6000}\''),
    Setting(
        "volumes", VOLUMES, [],
        'JSON list of `{"size", "name", "type", "iops", "throughput", "device", "encrypted", "unencrypted_reason", '
        '"on_destroy", "snapshot_id", "mount_point"}`; `name` (letters and digits) is each volume\'s identity, '
        "required once there is more than one; type `gp3` (default), `gp2`, `io1`, `io2`, `standard`; device default "
        "next free from `/dev/sdf`; `on_destroy` `snapshot` (default), `delete`, `retain`; `snapshot_id` restores a "
        "snapshot (`size` then defaults to the snapshot's); `mount_point` is where you mount it (not done for you): "
        "the CloudWatch agent reports its disk use and the disk alarm watches it",
        '`{"size", "name", "type", "iops", "throughput", "device", "encrypted", "unencrypted_reason", '
        '"on_destroy", "snapshot_id", "mount_point"}` の JSON リスト。'
        "`name` (英数字) は各ボリュームの識別名で、2 つ以上あるときは必須です。"
        "type は `gp3` (既定)、`gp2`、`io1`、`io2`、`standard`。device の既定は `/dev/sdf` から空いている順。"
        "`on_destroy` は `snapshot` (既定)、`delete`、`retain`。`snapshot_id` でスナップショットから復元します "
        "(`size` の既定はスナップショットの大きさ)。`mount_point` はマウント先 (マウントは利用者が行います): "
        "CloudWatch エージェントがディスク使用率を送り、ディスクのアラームが監視します",
        'volumes=\'[{"name":"data","size":50,"type":"gp2"},{"name":"logs","size":100,"type":"io1","iops":3000}]\''),
    Setting(
        "instance_store", BOOL, False,
        "`true` on types with NVMe instance store (e.g. m5d, c5d); wiped on stop and terminate",
        "NVMe インスタンスストアのあるタイプ (m5d、c5d など) で `true`。停止と終了で内容が消えます",
        "instance_type=m5d.large -c instance_store=true"),
    Setting(
        "instance_count", INT, None,
        "1 to 20 hand-managed servers, each with its own volumes, EIP and outputs; tier `single` only (beyond that, "
        "`tier=autoscaling`)",
        "個別に管理するサーバー 1〜20 台。サーバーごとにボリューム・Elastic IP・出力があります。tier `single` のときだけ "
        "(それ以上は `tier=autoscaling`)",
        "instance_count=2", default_doc="`1`", default_doc_ja="`1`"),
    Setting(
        "shutdown_behavior", TEXT, "stop",
        "`stop`, `terminate`", "`stop`、`terminate`", "shutdown_behavior=terminate"),
    Setting(
        "termination_protection", BOOL, False,
        "`true`/`false` (protects instances and the stack)", "`true`/`false` (インスタンスとスタックを保護)",
        "termination_protection=true"),
    Setting(
        "detailed_monitoring", BOOL, False,
        "`true`/`false`; one-minute metrics cost about $2.10 per instance-month",
        "`true`/`false`。1 分間隔のメトリクスは 1 インスタンス・月あたり約 2.10 ドル",
        "detailed_monitoring=true"),
    Setting(
        "placement_group", TEXT, None,
        "`cluster`, `spread`, `partition` (created), or an existing group's name; `cluster` is refused on types "
        "that cannot use it (t2); `spread` holds at most 7 instances per Availability Zone",
        "`cluster`、`spread`、`partition` (新規作成) か、既存のグループの名前。"
        "`cluster` を使えないタイプ (t2) では拒否します。"
        "`spread` はアベイラビリティーゾーンごとに最大 7 インスタンス",
        "placement_group=spread", default_doc="none", default_doc_ja="なし"),
    Setting(
        "private_ip", TEXT, None,
        "a private IPv4 inside the first public subnet, not one of AWS's 5 reserved addresses; only with "
        "`instance_count=1`",
        "最初のパブリックサブネット内のプライベート IPv4 で、AWS が予約する 5 つのアドレス以外 "
        "(`instance_count=1` のときだけ)",
        "private_ip=172.31.0.10", default_doc="none (DHCP)", default_doc_ja="なし (DHCP)"),
    Setting(
        "site_dir", TEXT, None,
        "a folder of your site's files (with an `index.html`), relative to where you run `cdk`; published as an "
        "asset and installed into Apache's web root. A change of its content replaces the instances, which "
        "boot with it",
        "サイトのファイル (`index.html` を含む) のフォルダー。`cdk` を実行する場所からの相対パス。アセットとして公開し、"
        "Apache の公開ディレクトリに入れます。中身を変えるとインスタンスが置き換わり、新しいものがそれで起動します",
        "site_dir=site", default_doc="a page naming the instance", default_doc_ja="インスタンス名を示すページ"),
    Setting(
        "user_data_commands", TEXT_LIST, [],
        "JSON list of shell commands run at first boot after Apache and the site are in place, before success is "
        "reported; a failing command fails the deploy",
        "初回起動時に Apache とサイトの準備の後、成功のシグナルを送る前に実行するシェルコマンドの JSON リスト。"
        "失敗するとデプロイも失敗します",
        'user_data_commands=\'["dnf -y install php"]\''),
    Setting(
        "domain_name", TEXT, None,
        "the site's name, e.g. `www.example.com` (no wildcard, no address), inside `hosted_zone`; the deploy "
        "completes only once the site answers on it",
        "サイトの名前 (例 `www.example.com`。ワイルドカードやアドレスは不可)。`hosted_zone` の中の名前であること。"
        "デプロイはサイトがこの名前で応答してから完了します",
        "domain_name=www.example.com -c hosted_zone=example.com", default_doc="none", default_doc_ja="なし",
        prop=False),
    Setting(
        "hosted_zone", TEXT, None,
        "the Route 53 public hosted zone of `domain_name` (looked up once, recorded in cdk.context.json): its "
        "record (an alias to the load balancer, or the servers' Elastic IPs) goes there, and a new certificate is "
        "validated there",
        "`domain_name` の Route 53 パブリックホストゾーン (一度だけ検索して cdk.context.json に記録)。レコード "
        "(ロードバランサーへのエイリアス、またはサーバーの Elastic IP) をここに作り、新しい証明書もここで検証します",
        "domain_name=www.example.com -c hosted_zone=example.com", default_doc="none", default_doc_ja="なし",
        prop=False),
    Setting(
        "certificate_arn", TEXT, None,
        "an existing ACM certificate for `domain_name`, in the stack's region, instead of a new one",
        "新しい証明書の代わりに使う、`domain_name` の既存の ACM 証明書 (スタックと同じリージョン)",
        "certificate_arn=arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab",
        default_doc="none (a new one, DNS-validated)", default_doc_ja="なし (新しく作り、DNS で検証)", prop=False),
    Setting(
        "https", BOOL, None,
        "`true`/`false`: HTTPS on 443 (TLS 1.3/1.2 policy `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`) with port 80 "
        "redirecting to it; on tier `single` a load balancer goes in front of the servers",
        "`true`/`false`: 443 番で HTTPS (TLS 1.3/1.2 のポリシー `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`)、80 番は "
        "HTTPS へリダイレクト。tier `single` ではサーバーの前にロードバランサーを置きます",
        "domain_name=www.example.com -c hosted_zone=example.com -c https=true",
        default_doc="on with tier `autoscaling` and a `hosted_zone`, or with a `certificate_arn`",
        default_doc_ja="tier `autoscaling` で `hosted_zone` があるとき、または `certificate_arn` があるときに有効",
        prop=False),
    Setting(
        "alarm_email", TEXT, None,
        "an address for alarms, through an encrypted, TLS-only SNS topic (confirm the subscription mail once): tier "
        "`single` recovers the instance on a failed system check, reboots it on a failed instance check, and "
        "reports CPU above 80% for 15 minutes; tier `autoscaling` reports unhealthy targets, load balancer 5xx and "
        "the group at `max_capacity` for 30 minutes",
        "アラームの宛先 (暗号化され TLS 必須の SNS トピック経由。サブスクリプションの確認メールに一度応答してください)。"
        "tier `single` では"
        "システムステータスチェックの失敗でインスタンスを復旧、インスタンスステータスチェックの失敗で再起動し、CPU が "
        "15 分間 80% を超えると通知します。tier `autoscaling` では異常なターゲット、ロードバランサーの 5xx、"
        "30 分間 `max_capacity` にとどまるグループを通知します",
        "alarm_email=ops@example.com", default_doc="none (no alarms)", default_doc_ja="なし (アラームなし)"),
    Setting(
        "logs", BOOL, False,
        "`true`: the CloudWatch agent ships Apache's access and error logs and the boot log to log groups, with "
        "memory and disk metrics; the instance role may write to those groups only",
        "`true` のとき、CloudWatch エージェントが Apache のアクセスログ・エラーログと起動ログをロググループへ送り、"
        "メモリとディスクのメトリクスも送ります。インスタンスのロールが書き込めるのはそのロググループだけです",
        "logs=true"),
    Setting(
        "log_retention_days", INT, None,
        "with `logs=true`: days the log groups keep events: one of CloudWatch Logs' periods (1, 3, 5, 7, 14, 30, 60, "
        "90, 120, 150, 180, 365, ... 3653)",
        "`logs=true` のとき: ロググループがイベントを保持する日数。CloudWatch Logs の保持期間のどれか "
        "(1、3、5、7、14、30、60、90、120、150、180、365、… 3653)",
        "logs=true -c log_retention_days=90", default_doc="`30`", default_doc_ja="`30`"),
    Setting(
        "memory_alarm_percent", NUMBER, None,
        "with `logs=true` and `alarm_email`: alarm when memory use (the CloudWatch agent's `mem_used_percent`, page "
        "cache left out) stays above this percentage for 15 minutes, per server (tier `autoscaling`: its worst "
        "instance)",
        "`logs=true` と `alarm_email` があるとき: メモリ使用率 (CloudWatch エージェントの `mem_used_percent`。"
        "ページキャッシュは含まない) が 15 分間この割合を超えるとアラーム。サーバーごと "
        "(tier `autoscaling` では最も高いインスタンス)",
        "logs=true -c alarm_email=ops@example.com -c memory_alarm_percent=80", default_doc="`90`",
        default_doc_ja="`90`"),
    Setting(
        "disk_alarm_percent", NUMBER, None,
        "with `logs=true` and `alarm_email`: alarm when the disk use (`disk_used_percent`) of the root file system, or "
        "of a data volume's `mount_point`, stays above this percentage for 10 minutes",
        "`logs=true` と `alarm_email` があるとき: ルートファイルシステム、またはデータボリュームの `mount_point` の"
        "ディスク使用率 (`disk_used_percent`) が 10 分間この割合を超えるとアラーム",
        "logs=true -c alarm_email=ops@example.com -c disk_alarm_percent=80", default_doc="`85`",
        default_doc_ja="`85`"),
    Setting(
        "backup", BACKUP, None,
        'JSON `{"schedule", "retention_days"}`: AWS Backup of the servers and their volumes (tier `single`); '
        "schedule `daily`, `weekly` or `cron(...)`; the vault stays after `cdk destroy`",
        'JSON `{"schedule", "retention_days"}`: サーバーとそのボリュームの AWS Backup (tier `single`)。schedule は '
        "`daily`、`weekly`、`cron(...)`。バックアップボールトは `cdk destroy` の後も残ります",
        'backup=\'{"schedule":"daily","retention_days":7}\'', default_doc="none", default_doc_ja="なし"),
    Setting(
        "schedule", SCHEDULE, None,
        'JSON `{"stop", "start", "timezone"}` (six-field `cron(...)`, an IANA time zone): tier `single` is stopped '
        "and started by EventBridge Scheduler, tier `autoscaling` scaled to zero and back",
        'JSON `{"stop", "start", "timezone"}` (6 フィールドの `cron(...)` と IANA のタイムゾーン)。tier `single` は '
        "EventBridge Scheduler が停止・起動し、tier `autoscaling` は 0 台にしてまた戻します",
        'schedule=\'{"stop":"cron(0 20 ? * MON-FRI *)","start":"cron(0 8 ? * MON-FRI *)","timezone":"Asia/Tokyo"}\'',
        default_doc="none (always on)", default_doc_ja="なし (常時稼働)"),
    Setting(
        "patch_schedule", PATCH_SCHEDULE, None,
        'JSON `{"cron", "timezone"}` (six-field `cron(...)`, an IANA time zone, as `schedule` takes): a Systems '
        "Manager maintenance window runs AWS-RunPatchBaseline (Install, reboot if needed) on the servers of either "
        "tier, one at a time, stopping at the first failure; each run records patch compliance",
        'JSON `{"cron", "timezone"}` (`schedule` と同じく 6 フィールドの `cron(...)` と IANA のタイムゾーン)。'
        "Systems Manager のメンテナンスウィンドウが、どちらの tier のサーバーにも AWS-RunPatchBaseline "
        "(Install、必要なら再起動) を 1 台ずつ実行し、最初の失敗で止めます。実行ごとにパッチのコンプライアンスを記録します",
        'patch_schedule=\'{"cron":"cron(0 3 ? * SUN *)","timezone":"Asia/Tokyo"}\'',
        default_doc="none (packages updated at first boot only)", default_doc_ja="なし (パッケージの更新は初回起動時のみ)"),
    Setting(
        "monthly_budget_usd", NUMBER, None,
        "US dollars a month: synth fails when `make cost`'s estimate of the stack is above it, and an AWS Budgets "
        "budget for the stack's tag mails `alarm_email` at 80% forecast and 100% actual",
        "1 か月あたりの米ドル。`make cost` によるスタックの見積もりがこれを超えると合成が失敗し、スタックのタグに対する "
        "AWS Budgets の予算が、予測が 80%、実績が 100% に達したときに `alarm_email` にメールします",
        "monthly_budget_usd=50 -c alarm_email=ops@example.com", default_doc="none", default_doc_ja="なし"),
    Setting(
        "kms_key", TEXT, None,
        "`create`, or an existing KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`, the stack's region): a "
        "customer managed key for the EBS volumes (root and data, the launch template's too), the log groups, the "
        "backup vault and the alarm topic. `create` makes one, rotated yearly, with the key policy those services "
        "need; $1 a month plus requests",
        "`create` または既存の KMS キーの ARN (`arn:aws:kms:<region>:<account>:key/<id>`。スタックと同じリージョン)。"
        "EBS ボリューム (ルートとデータ、起動テンプレートのものも)、ロググループ、バックアップボールト、アラームの"
        "トピックを暗号化するカスタマーマネージドキー。`create` なら年 1 回ローテーションするキーを、それらのサービスに"
        "必要なキーポリシーとともに作ります。月 $1 とリクエスト料金",
        "kms_key=create", default_doc="none (each service's own encryption)",
        default_doc_ja="なし (各サービス自身の暗号化)", prop=False, rule=_kms_key_rule),
    Setting(
        "tags", TAGS, {},
        "JSON object; keys 1–128 characters, not `aws:...`, not `Name`/`app` (set by the stack); values up to 256; "
        "IAM's characters only (letters, digits, spaces, `_.:/=+-@`); applied to every resource, volumes included, "
        "except the key pair (its properties are all replace-only)",
        "JSON オブジェクト。キーは 1〜128 文字で、`aws:` で始まらず、`Name`・`app` (スタックが付けます) 以外。"
        "値は 256 文字まで。IAM が許す文字だけ (文字・数字・空白・`_.:/=+-@`)。"
        "ボリュームも含むすべてのリソースに付けますが、キーペアには付けません "
        "(プロパティがすべて置き換え専用のため)",
        "tags='{\"team\":\"web\"}'", prop=False),
    Setting(
        "detach_volumes", BOOL, False,
        "`true`/`false`: keep the data volumes but detach them; the first of the two deploys that replace an "
        "instance with volumes attached (see \"Replacing the instance, and keeping its data volumes\")",
        "`true`/`false`。データボリュームを残したままデタッチします。ボリュームをアタッチしたインスタンスを置き換える "
        "2 回のデプロイの 1 回目に使います (「インスタンスの置き換え」の節を参照)",
        "detach_volumes=true"),
    Setting(
        "allow_all_outbound", BOOL, False,
        "`true`/`false`; by default the instances may open only HTTP and HTTPS connections (packages, AWS APIs); "
        "DNS, time and instance metadata go through the VPC and are never blocked",
        "`true`/`false`。既定ではインスタンスから外へは HTTP と HTTPS だけ (パッケージ、AWS API) を許します。"
        "DNS・時刻同期・インスタンスメタデータは VPC が提供するもので、遮断されません",
        "allow_all_outbound=true"),
    Setting(
        "iam_policies", TEXT_LIST, [],
        "JSON list of managed policy ARNs added to the instance role (each acknowledged to cdk-nag as your explicit "
        "choice)",
        "インスタンスロールに追加する管理ポリシー ARN の JSON リスト "
        "(cdk-nag の指摘は、利用者が明示的に選んだものとして 1 つずつ抑制します)",
        'iam_policies=\'["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]\''),
    Setting(
        "allow_admin_policies", BOOL, False,
        "`true`/`false`: must be true for `iam_policies` to hold an administrator-level AWS managed policy "
        "(AdministratorAccess, PowerUserAccess, IAMFullAccess...)",
        "`true`/`false`。`iam_policies` に管理者相当の AWS 管理ポリシー (AdministratorAccess、PowerUserAccess、"
        "IAMFullAccess など) を入れるときだけ true にします",
        "allow_admin_policies=true"),
)

SETTING_NAMES: tuple[str, ...] = tuple(setting.name for setting in SETTINGS)
_BY_NAME: Mapping[str, Setting] = MappingProxyType({setting.name: setting for setting in SETTINGS})


# --------------------------------------------------------------------------------------------------
# Parsed settings


class Settings:
    """Every setting's parsed value, by name (``settings.instance_type``); read-only."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = MappingProxyType(dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"Settings({dict(self._values)!r})"

    @property
    def is_amazon_linux(self) -> bool:
        return self.machine_image in NAMED_IMAGES

    @property
    def image_architecture(self) -> Optional[str]:
        """The architecture of an AMI id given as ``machine_image``, when a committed lookup tells it."""
        return self.__dict__.get("_image_architecture")

    def props(self) -> dict[str, Any]:
        """The WebServer construct's keyword props that come from settings; an unset one is left out, so the
        construct's own default applies."""
        props = {setting.name: self._values[setting.name] for setting in SETTINGS
                 if setting.prop and self._values[setting.name] is not None}
        props["auto_scaling"] = self.auto_scaling()
        return props

    def auto_scaling(self) -> Optional[AutoScaling]:
        """The Auto Scaling tier's options (None for tier=single, where its settings are refused)."""
        given = {name: self._values[name] for name in AUTO_SCALING_SETTINGS if self._values[name] is not None}
        if self.tier != "autoscaling":
            for name, value in given.items():
                # The Spot reason only where Spot was asked for: spot_percent=0 means none.
                raise SettingError(name, value, SINGLE_TIER_SPOT if name == "spot_percent" and value
                                   else "only applies to tier=autoscaling (add -c tier=autoscaling)")
            return None
        return AutoScaling(**given)

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Settings:
        """Parse the settings out of all of the app's context (``app.node.get_all_context()``)."""
        reject_unknown_keys(context)
        values = {}
        for setting in SETTINGS:
            raw = context.get(setting.name)
            if raw is None or raw == "":  # absent, or `-c key=` ("unset"): the default
                raw = setting.default
            value = setting.kind.read(raw, setting.name) if raw is not None else None
            if value is not None and setting.rule is not None:
                setting.rule(value)
            values[setting.name] = value
        settings = cls(values)
        settings.__dict__["_image_architecture"] = _check_image_architecture(settings, context)
        return settings


# The lookups of Amazon Linux images recorded in cdk.context.json name the architecture in the
# parameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64.
_RECORDED_IMAGE = re.compile(r"ssm:account=\d+:parameterName=(/aws/service/ami-amazon-linux-latest/[^:]+):region=.+")


def _check_image_architecture(settings: Settings, context: Mapping[str, Any]) -> Optional[str]:
    """An AMI id's architecture must be the instance type's (AWS refuses the launch otherwise). Offline, that
    is known only for the Amazon Linux images whose lookups are recorded; None for any other id."""
    if settings.is_amazon_linux:
        return None
    from ec2_web_server.instance_types import instance_type_info  # the instance type is checked by the construct

    for key, value in context.items():
        match = _RECORDED_IMAGE.fullmatch(key)
        if match and value == settings.machine_image:
            image_arch = "arm64" if "arm64" in match.group(1) else "x86_64"
            info = instance_type_info(settings.instance_type)
            type_arch = info.architecture
            if image_arch != type_arch:
                raise SettingError("machine_image", settings.machine_image,
                                   f"is an {image_arch} image ({match.group(1)}) and {info.name} is {type_arch}; "
                                   f"use an {type_arch} AMI or an {image_arch} instance type")
            return image_arch
    return None


# Names people reach for from other tools (the EC2 console and API, Terraform, CloudFormation), each with
# the setting that does it here.
ALIASES: Mapping[str, str] = MappingProxyType({
    "ami": "machine_image", "ami_id": "machine_image", "image": "machine_image", "image_id": "machine_image",
    "type": "instance_type", "instance": "instance_type",
    "count": "instance_count", "instances": "instance_count",
    "key": "key_pair_name", "key_name": "key_pair_name", "key_pair": "key_pair_name", "keypair": "key_pair_name",
    "vpc": "vpc_id", "subnet": "subnet_id", "eip": "elastic_ip",
    "ssh": "ssh_cidr", "ssh_ip": "ssh_cidr", "ssh_from": "ssh_cidr",
    "volume": "volumes", "disk": "volumes", "disks": "volumes", "ebs": "volumes", "root_disk": "root_volume",
    "email": "alarm_email", "domain": "domain_name", "certificate": "certificate_arn",
    "cert": "certificate_arn", "min_size": "min_capacity", "max_size": "max_capacity",
    "desired_size": "desired_capacity", "kms_key_id": "kms_key", "kms_key_arn": "kms_key", "key_arn": "kms_key",
    "budget": "monthly_budget_usd", "patching": "patch_schedule",
    "spot": "spot_percent", "eip_allocation_id": "elastic_ip_allocation_id", "allocation_id": "elastic_ip_allocation_id",
    "reservation": "capacity_reservation",
})
# A key spelt as a setting would be in another convention: InstanceType, instance-type, INSTANCE_TYPE.
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _normalised(key: str) -> str:
    """``InstanceType``, ``instance-type`` and ``Instance_Type`` all read as ``instance_type``."""
    return _CAMEL_HUMP.sub("_", key).replace("-", "_").lower()


def suggest_setting(key: str) -> Optional[str]:
    """The setting a mistaken key most likely meant: the same name in another case or convention, a known
    alias (``ami``), or a close spelling (``instnace_type``); None when nothing is close."""
    candidate = _normalised(key)
    if candidate in _BY_NAME:
        return candidate
    if candidate in ALIASES and ALIASES[candidate] in _BY_NAME:
        return ALIASES[candidate]
    close = difflib.get_close_matches(candidate, SETTING_NAMES, n=1, cutoff=0.75)
    return close[0] if close else None


def reject_unknown_keys(keys: Sequence[str] | Mapping[str, Any]) -> None:
    """A key shaped like a setting that is none is a mistake: say so, with the value given and the setting it
    most likely meant (any case or convention, an alias, a near-miss).

    The CDK's own context keys carry ":" or "@" (lookups, feature flags) and the CLI's have "-"
    (``cli-telemetry``): those pass, unless they are a setting's name in another convention.
    """
    for key in keys:
        if key in _BY_NAME:
            continue
        value = keys[key] if isinstance(keys, Mapping) else "(unknown setting)"
        meant = suggest_setting(key)
        if _SETTING_SHAPED.fullmatch(key):
            hint = f"did you mean {meant}?" if meant else "see the settings table in README.md"
            raise SettingError(key, value, f"not a setting; {hint}")
        if meant is not None and _normalised(key) == meant:
            raise SettingError(key, value, f"not a setting; did you mean {meant}?")


# --------------------------------------------------------------------------------------------------
# Documentation generated from the declarations


def _literal(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def settings_table(language: str = "en") -> str:
    """The README's settings table, in English (``en``) or Japanese (``ja``)."""
    ja = language == "ja"
    header = "| 設定 | 既定 | 許される値 | 例 |" if ja else "| setting | default | allowed | example |"
    rows = [header, "|---|---|---|---|"]
    for setting in SETTINGS:
        doc = setting.default_doc_ja if ja else setting.default_doc
        default = doc if doc is not None else f"`{_literal(setting.default)}`"
        allowed = setting.help_ja if ja else setting.help
        rows.append(f"| `{setting.name}` | {default} | {allowed} | `-c {setting.example}` |")
    return "\n".join(rows) + "\n"


def cdk_json_defaults() -> dict[str, Any]:
    """The settings' defaults as cdk.json's context holds them (settings without a default are left out)."""
    return {setting.name: setting.default for setting in SETTINGS if setting.default is not None}
