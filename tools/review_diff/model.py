"""What a review is made of: one Change per resource, one StackReview per stack, and the names the rules share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Protocol

from tools import cfn_diff

INSTANCE = "AWS::EC2::Instance"
VOLUME = "AWS::EC2::Volume"
ATTACHMENT = "AWS::EC2::VolumeAttachment"
GROUP = "AWS::AutoScaling::AutoScalingGroup"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LOAD_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
CERTIFICATE = "AWS::CertificateManager::Certificate"
RECORD = "AWS::Route53::RecordSet"
WAIT_CONDITION = "AWS::CloudFormation::WaitCondition"
# The stack's output with the site's address (stacks/web_server_stack.py).
SITE_URL_OUTPUT = "SiteUrl"
# Resources whose replacement or removal a reviewer must see in bold, and what a replacement means beyond that.
WORDS = {
    INSTANCE: "instance",
    VOLUME: "volume",
    LOAD_BALANCER: "load balancer",
    TARGET_GROUP: "target group",
    GROUP: "Auto Scaling group",
    CERTIFICATE: "certificate",
    LISTENER: "listener",
    RECORD: "DNS record",
}
# A replacement's order is CloudFormation's ("Understand update behaviors of stack resources", Replacement): it
# creates the new resource first, points the resources that refer to it at the new one, and deletes the old one
# last, in the update's cleanup.
REPLACEMENT_MEANS = {
    LOAD_BALANCER:
        "The new load balancer has a new DNS name, so the site's address (the SiteUrl output) changes; anything "
        "that points at the old name (a DNS record) must follow.",
    TARGET_GROUP:
        "The instances are registered with the new target group and serve only once its health checks pass; the "
        "listener forwards to it from then on.",
    GROUP: "All its instances are replaced at once by the new group's, not batch by batch.",
    CERTIFICATE:
        "CloudFormation requests the new certificate first and waits until ACM issues it, then switches what "
        "presents the old one to it (no interruption), and deletes the old certificate last, in the update's "
        "cleanup.",
    LISTENER: "CloudFormation creates the new listener first and deletes the old one last, in the update's cleanup.",
    RECORD: "CloudFormation creates the new record first and deletes the old one last, in the update's cleanup.",
}
# Resources outside WORDS whose update can fail (attachments_moved), as a failure names them.
FAILING_WORDS = {ATTACHMENT: "volume attachment"}
ENGINE_MAYBE = "`cdk diff`: may be replaced"

TWO_DEPLOYS = "deploy with -c detach_volumes=true, then without it"


class ReviewError(Exception):
    """Something outside the templates went wrong (git, synthesis); the message says what."""



@dataclass
class Change:
    """One resource's change: add, remove, replace or update (in place, with a stop and start, or rolling)."""

    logical_id: str
    name: str
    type: str
    action: str
    reasons: list[str] = field(default_factory=list)
    # each property the engine sees changing -> its reason (also in reasons): what rolling_updates reads
    properties: dict[str, str] = field(default_factory=dict)
    maybe: bool = False  # replacement decided by CloudFormation at deploy time
    interrupt: bool = False  # the instance is stopped and started
    new_logical_id: Optional[str] = None  # replaced because its logical id changes
    new_name: Optional[str] = None  # ... and its construct path with it (a renamed volume)
    fails: list[str] = field(default_factory=list)  # why CloudFormation will fail this update
    rolling: list[str] = field(default_factory=list)  # what makes an Auto Scaling group replace its instances


@dataclass
class StackReview:
    stack: str
    region: str
    changes: list[Change] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # bold: refusal, failure, replacement, widening, IAM, data loss
    notes: list[str] = field(default_factory=list)  # plain words: everything else worth reading
    cost: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the head's synthesis warnings

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


ORDER = {"replace": 0, "remove": 1, "add": 2, "update": 3}


class Reviewed(Protocol):
    """What the service rules read of a review in progress (tools/review_diff/engine.py's Summarizer is one): both
    templates' resources, where volumes are attached on each side, the engine's diff, and names as the summary
    writes them."""

    base: dict[str, dict[str, Any]]
    head: dict[str, dict[str, Any]]
    slots: tuple[dict[tuple[str, str], tuple[str, str]], dict[tuple[str, str], tuple[str, str]]]
    engine: cfn_diff.TemplateDiff

    def name(self, logical_id: str) -> str: ...

    def named(self, text: str) -> str: ...

    def describe(self, prop: str, old: Any, new: Any) -> str: ...
