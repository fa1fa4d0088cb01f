"""AWS::WAFv2::WebACL, WebACLAssociation and LoggingConfiguration: ``waf=true``'s web ACL on the load balancer.

moto 5.2.5 has the WAFv2 API (CreateWebACL, AssociateWebACL, PutLoggingConfiguration and their get, update and
delete calls) but no CloudFormation types for them: a template with a web ACL failed as not modelled. Here each
type makes its API call, as CloudFormation's handlers do, with the checks AWS makes and moto does not:

* a rate-based statement's ``Limit`` is 10 to 2,000,000,000 (the WAFv2 API's RateLimit shape) and its
  AggregateKeyType one of AWS's; rule names and priorities are unique in a web ACL; all ``WAFInvalidParameterException``;
* CloudFormation names a web ACL without a Name (``<logical id>-<suffix>``); Ref answers ``Name|Id|Scope`` and
  Fn::GetAtt ``Arn``, ``Id``, ``Capacity`` and ``LabelNamespace`` (the schema's readOnlyProperties); ``Name`` and
  ``Scope`` replace it (createOnlyProperties), the rest is an UpdateWebACL with its lock token;
* an association needs a regional web ACL and a resource AWS WAF can protect: an Application Load Balancer that
  exists (``WAFNonexistentItemException`` otherwise; an EC2 instance is not one: AWS WAF Developer Guide,
  "Resources that you can protect"); a resource takes one web ACL;
* a logging configuration's destination is a CloudWatch Logs group whose name starts with ``aws-waf-logs-`` and that
  exists (``WAFInvalidParameterException``; AWS WAF Developer Guide, "CloudWatch Logs"), given as the group's ARN
  without the trailing ``:*``; one destination per web ACL.
"""

from __future__ import annotations

import re
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.utils import camelcase_to_underscores
from moto.wafv2.exceptions import WAFNonexistentItemException
from moto.wafv2.models import FakeRule, wafv2_backends

from emulator import schemas
from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps.exceptions import WAFInvalidParameterException

RATE_LIMIT_MIN, RATE_LIMIT_MAX = 10, 2_000_000_000
AGGREGATE_KEY_TYPES = {"IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT"}
_LOG_GROUP_ARN = re.compile(r"arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(aws-waf-logs-[^:]+)")
_ALB_ARN = re.compile(r"arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer/app/")


def _backend(account_id: str, region_name: str) -> Any:
    return wafv2_backends[account_id][region_name]


def _check_rules(rules: list[dict[str, Any]]) -> None:
    names = [rule.get("Name") for rule in rules]
    priorities = [rule.get("Priority") for rule in rules]
    if len(set(names)) != len(names) or len(set(priorities)) != len(priorities):
        raise WAFInvalidParameterException("Error reason: duplicate rule name or priority, field: RULE")
    for rule in rules:
        rate = (rule.get("Statement") or {}).get("RateBasedStatement")
        if rate is None:
            continue
        if not RATE_LIMIT_MIN <= int(rate.get("Limit", 0)) <= RATE_LIMIT_MAX:
            raise WAFInvalidParameterException(
                f"Error reason: The parameter contains formatting that is not valid., field: RATE_BASED_STATEMENT, "
                f"parameter: {rate.get('Limit')} (Limit must be {RATE_LIMIT_MIN} to {RATE_LIMIT_MAX})")
        if rate.get("AggregateKeyType") not in AGGREGATE_KEY_TYPES:
            raise WAFInvalidParameterException(f"Error reason: invalid AggregateKeyType {rate.get('AggregateKeyType')}")


class WebACL(FillModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::WebACL"
    ID = "ref"
    ATTRIBUTES = {"Arn": "arn", "Id": "acl_id", "Capacity": "capacity", "LabelNamespace": "label_namespace"}

    def __init__(self, acl: Any, scope: str, account_id: str, region_name: str) -> None:
        self.name, self.acl_id, self.arn, self.scope = acl.name, acl.id, acl.arn, scope
        self.ref = f"{acl.name}|{acl.id}|{scope}"
        self.capacity = 0  # WCUs are AWS's own reckoning; nothing here reads them
        self.label_namespace = f"awswaf:{account_id}:webacl:{acl.name}:"
        self.account_id, self.region_name = account_id, region_name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> WebACL:
        props = cloudformation_json["Properties"]
        rules = props.get("Rules") or []
        _check_rules(rules)
        name = props.get("Name") or resource_name
        acl = _backend(account_id, region_name).create_web_acl(
            name=name, visibility_config=props["VisibilityConfig"], default_action=props["DefaultAction"],
            scope=props["Scope"], description=props.get("Description"), tags=props.get("Tags") or [], rules=rules,
            association_config=props.get("AssociationConfig"), captcha_config=props.get("CaptchaConfig"),
            challenge_config=props.get("ChallengeConfig"), custom_response_bodies=props.get("CustomResponseBodies"),
            token_domains=props.get("TokenDomains"))
        return cls(acl, props["Scope"], account_id, region_name)

    @classmethod
    def emulator_update(cls, acl: WebACL, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> WebACL:
        if schemas.create_only_changes(cls.TYPE, old, new):
            return cls.create_from_cloudformation_json(acl.name, {"Properties": new}, account_id, region)
        rules = new.get("Rules") or []
        _check_rules(rules)
        found = _backend(account_id, region).get_web_acl(acl.arn, None, None)
        found.rules = [FakeRule(**{camelcase_to_underscores(k): v for k, v in rule.items()}) for rule in rules]
        found.default_action, found.visibility_config = new["DefaultAction"], new["VisibilityConfig"]
        found.description = new.get("Description")
        return acl

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(self.account_id, self.region_name)
        found = backend.wacls.get(self.arn)
        if found is not None:
            backend.delete_web_acl(self.name, self.scope, self.acl_id, found.lock_token)


class WebACLAssociation(FillModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::WebACLAssociation"
    ID = "ref"

    def __init__(self, resource_arn: str, web_acl_arn: str, account_id: str, region_name: str) -> None:
        self.resource_arn, self.web_acl_arn = resource_arn, web_acl_arn
        self.ref = f"{resource_arn}|{web_acl_arn}"
        self.account_id, self.region_name = account_id, region_name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> WebACLAssociation:
        from moto.elbv2.models import elbv2_backends

        props = cloudformation_json["Properties"]
        resource_arn, web_acl_arn = props["ResourceArn"], props["WebACLArn"]
        if ":regional/webacl/" not in web_acl_arn:
            raise WAFInvalidParameterException("Error reason: a CLOUDFRONT web ACL cannot be associated with a "
                                               "regional resource, field: RESOURCE_ARN")
        if not _ALB_ARN.match(resource_arn) or resource_arn not in elbv2_backends[account_id][region_name].load_balancers:
            raise WAFNonexistentItemException()
        backend = _backend(account_id, region_name)
        if backend.get_web_acl_for_resource(resource_arn) is not None:
            raise WAFInvalidParameterException("Error reason: the resource already has a web ACL, field: RESOURCE_ARN")
        backend.associate_web_acl(web_acl_arn, resource_arn)
        return cls(resource_arn, web_acl_arn, account_id, region_name)

    @classmethod
    def emulator_update(cls, association: WebACLAssociation, old: dict[str, Any], new: dict[str, Any],
                        account_id: str, region: str) -> WebACLAssociation:
        return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)  # both createOnly

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(self.account_id, self.region_name).disassociate_web_acl(self.resource_arn)


class LoggingConfiguration(FillModel, CloudFormationModel):
    TYPE = "AWS::WAFv2::LoggingConfiguration"
    ID = "resource_arn"
    ATTRIBUTES = {"ManagedByFirewallManager": "managed"}

    def __init__(self, resource_arn: str, account_id: str, region_name: str) -> None:
        self.resource_arn, self.managed = resource_arn, False
        self.account_id, self.region_name = account_id, region_name

    @classmethod
    def _put(cls, props: dict[str, Any], account_id: str, region_name: str) -> None:
        from moto.logs.models import logs_backends

        destinations = props.get("LogDestinationConfigs") or []
        if len(destinations) != 1:
            raise WAFInvalidParameterException("Error reason: a web ACL has exactly one log destination")
        match = _LOG_GROUP_ARN.fullmatch(destinations[0])
        if match is None:
            raise WAFInvalidParameterException(
                f"Error reason: The ARN isn't valid. A valid ARN begins with arn: and includes other information "
                f"separated by colons or slashes., field: LOG_DESTINATION, parameter: {destinations[0]} (a log "
                "group's name must start with aws-waf-logs-, its ARN without :*)")
        if match.group(3) not in logs_backends[account_id][match.group(1)].groups:
            raise WAFNonexistentItemException()
        _backend(account_id, region_name).get_web_acl(props["ResourceArn"], None, None)  # the web ACL must exist
        _backend(account_id, region_name).put_logging_configuration(
            props["ResourceArn"], destinations, props.get("RedactedFields"), False, props.get("LoggingFilter"))

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> LoggingConfiguration:
        props = cloudformation_json["Properties"]
        cls._put(props, account_id, region_name)
        return cls(props["ResourceArn"], account_id, region_name)

    @classmethod
    def emulator_update(cls, logging: LoggingConfiguration, old: dict[str, Any], new: dict[str, Any],
                        account_id: str, region: str) -> LoggingConfiguration:
        if old.get("ResourceArn") != new.get("ResourceArn"):
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        cls._put(new, account_id, region)
        return logging

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(self.account_id, self.region_name)
        if backend.logging_configurations.get(self.resource_arn):
            backend.delete_logging_configuration(self.resource_arn)


def apply() -> None:
    for model in (WebACL, WebACLAssociation, LoggingConfiguration):
        register_cloudformation_model(model)
