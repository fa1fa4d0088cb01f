"""AWS::SNS::Topic: tags, and updates in place.

moto 5.2.5 copies every template property onto the topic as an attribute of the
same name (so ``Tags`` become an unused attribute: ListTagsForResource answers
none), and updates a topic by deleting it and creating another with a *new
generated name*: a new DisplayName or key would change the topic's ARN and drop
its subscriptions.

As AWS does it (aws-resource-sns-topic.md): TopicName, FifoTopic (and
ContentBasedDeduplication's FIFO-ness) replace the topic; DisplayName,
KmsMasterKeyId, DeliveryPolicy and Tags change in place (SetTopicAttributes,
TagResource). Ref is the topic's ARN; Fn::GetAtt gives TopicArn and TopicName.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.sns.models import Topic, sns_backends

from emulator.gaps._install import install
from emulator.gaps._props import changed, retag_by_arn, tag_dict

_REPLACING = {"TopicName", "FifoTopic"}
#: Template properties that are topic attributes (SetTopicAttributes names).
_ATTRIBUTES = ("DisplayName", "KmsMasterKeyId", "DeliveryPolicy", "ContentBasedDeduplication")


class TopicFill:
    """What moto's Topic gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Topic:
        properties = cloudformation_json.get("Properties") or {}
        backend = sns_backends[account_id][region_name]
        attributes = {k: properties[k] for k in (*_ATTRIBUTES, "FifoTopic") if properties.get(k) is not None}
        topic = backend.create_topic(properties.get("TopicName") or resource_name, attributes,
                                     tag_dict(properties.get("Tags")))
        for subscription in properties.get("Subscription") or []:
            backend.subscribe(topic.arn, subscription["Endpoint"], subscription["Protocol"])
        return topic

    @classmethod
    def emulator_update(cls, topic: Topic, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> Topic:
        differences = changed(old, new)
        if differences & _REPLACING:
            return cls.create_from_cloudformation_json(f"{topic.name.rsplit('-', 1)[0]}-{_suffix()}",
                                                       {"Properties": new}, account_id, region)
        backend = sns_backends[account_id][region]
        for name in _ATTRIBUTES:
            if name in differences:
                backend.set_topic_attribute(topic.arn, name[0].lower() + _snake(name[1:]), new.get(name) or "")
        if "Tags" in differences:
            retag_by_arn(backend, topic.arn, old.get("Tags"), new.get("Tags"))
        return topic

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("TopicArn", "TopicName")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "TopicArn":
            return self.arn
        if attribute_name == "TopicName":
            return self.name
        raise UnformattedGetAttTemplateException()


def _snake(text: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in text)


def _suffix() -> str:
    from moto.cloudformation.utils import random_suffix

    return random_suffix()


def apply() -> None:
    install(Topic, TopicFill)
