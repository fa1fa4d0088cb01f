"""AWS::SNS::TopicPolicy: the TLS-only (and any other) policy on a topic.

moto 5.2.5 has no such CloudFormation type: the resource is skipped, and the
topic keeps SNS's default policy.

As AWS does it (aws-resource-sns-topicpolicy.md): the PolicyDocument is set on
every topic in Topics (SetTopicAttributes ``Policy``); both properties change in
place, a topic dropped from Topics gets SNS's default policy back, and so do the
topics when the resource is deleted. Ref is a generated ID.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel


def _document(properties: dict[str, Any]) -> str:
    document = properties["PolicyDocument"]
    return document if isinstance(document, str) else json.dumps(document)


def _restore_default(account_id: str, region_name: str, topic_arn: str) -> None:
    backend = sns_backends[account_id][region_name]
    topic = backend.topics.get(topic_arn)
    if topic is not None:
        topic._policy_json = topic._create_default_topic_policy(region_name, account_id, topic.name)


class TopicPolicy(FillModel, CloudFormationModel):
    def __init__(self, name: str, topics: list[str], account_id: str, region_name: str):
        self.name = name
        self.topics = topics
        self.account_id = account_id
        self.region_name = region_name

    TYPE = "AWS::SNS::TopicPolicy"
    ATTRIBUTES = {"Id": "name"}

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> TopicPolicy:
        properties = cloudformation_json["Properties"]
        backend = sns_backends[account_id][region_name]
        topics = list(properties.get("Topics") or [])
        for arn in topics:
            backend.set_topic_attribute(arn, "policy", _document(properties))
        return cls(resource_name, topics, account_id, region_name)

    @classmethod
    def emulator_update(
        cls, policy: TopicPolicy, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> TopicPolicy:
        for arn in set(policy.topics) - set(new.get("Topics") or []):
            _restore_default(account_id, region, arn)
        updated = cls.create_from_cloudformation_json(policy.name, {"Properties": new}, account_id, region)
        policy.topics = updated.topics
        return policy

    def delete(self, account_id: str, region_name: str) -> None:
        for arn in self.topics:
            _restore_default(self.account_id, self.region_name, arn)


def apply() -> None:
    register_cloudformation_model(TopicPolicy)
