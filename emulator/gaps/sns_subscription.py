"""AWS::SNS::Subscription, and an email subscription pending until its mailbox confirms it.

moto 5.2.5 has no such CloudFormation type (the subscription is skipped: the
alarm topic mails nobody). Its Subscribe takes any text as an email address and
confirms an email subscription at once.

As AWS does it:

* CloudFormation subscribes the Endpoint with the Protocol (Ref: the
  subscription's ARN); Endpoint, Protocol, TopicArn (and Region) replace it;
  FilterPolicy, RawMessageDelivery, RedrivePolicy and the other attributes change
  in place (SetSubscriptionAttributes) (aws-resource-sns-subscription.md);
  deleting it unsubscribes;
* an ``email``/``email-json`` endpoint must be an email address ("Invalid
  parameter: Email address", InvalidParameter), and the subscription stays
  ``PendingConfirmation`` until the recipient follows the link SNS mails
  (Amazon SNS developer guide, "Email notifications"): its attributes say
  ``PendingConfirmation: true`` and the topic counts it as pending.

Not emulated: no mail is sent, so nobody confirms; ConfirmSubscription is moto's.
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.exceptions import SNSInvalidParameter
from moto.sns.models import SNSBackend, Subscription, sns_backends

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps._props import changed

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REPLACING = {"Endpoint", "Protocol", "TopicArn", "Region"}
_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
               "SubscriptionRoleArn")
_moto_subscribe = SNSBackend.subscribe


class SNSBackendFill:
    """What moto's SNSBackend gains (installed by :func:`apply`)."""

    def subscribe(self, topic_arn: str, endpoint: str, protocol: str) -> Subscription:
        email = protocol in ("email", "email-json")
        if email and not _EMAIL.match(endpoint or ""):
            raise SNSInvalidParameter("Invalid parameter: Email address")
        known = self._find_subscription(topic_arn, endpoint, protocol)
        subscription = _moto_subscribe(self, topic_arn, endpoint, protocol)
        if email and known is None:
            subscription.attributes["PendingConfirmation"] = "true"
            subscription.attributes["ConfirmationWasAuthenticated"] = "false"
            subscription.confirmed = False
            subscription.topic.subscriptions_pending += 1
        return subscription


class SubscriptionResource(FillModel, CloudFormationModel):
    """The CloudFormation side of a subscription (the subscription is moto's)."""

    def __init__(self, arn: str, account_id: str, region_name: str):
        self.arn = arn
        self.account_id = account_id
        self.region_name = region_name

    TYPE = "AWS::SNS::Subscription"
    ID = "arn"
    ATTRIBUTES = {"Arn": "arn"}

    @staticmethod
    def _set_attributes(backend: SNSBackend, arn: str, properties: dict[str, Any], old: dict[str, Any]) -> None:
        import json

        for name in _ATTRIBUTES:
            if properties.get(name) != old.get(name) and properties.get(name) is not None:
                value = properties[name]
                backend.set_subscription_attributes(arn, name, value if isinstance(value, str) else json.dumps(value))

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> SubscriptionResource:
        properties = cloudformation_json["Properties"]
        backend = sns_backends[account_id][properties.get("Region") or region_name]
        subscription = backend.subscribe(properties["TopicArn"], properties.get("Endpoint", ""), properties["Protocol"])
        cls._set_attributes(backend, subscription.arn, properties, {})
        return cls(subscription.arn, account_id, properties.get("Region") or region_name)

    @classmethod
    def emulator_update(
        cls, resource: SubscriptionResource, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> SubscriptionResource:
        if changed(old, new) & _REPLACING:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        cls._set_attributes(sns_backends[account_id][resource.region_name], resource.arn, new, old)
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        sns_backends[self.account_id][self.region_name].unsubscribe(self.arn)


def apply() -> None:
    install(SNSBackend, SNSBackendFill)
    register_cloudformation_model(SubscriptionResource)
