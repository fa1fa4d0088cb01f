"""AWS::AutoScaling::ScalingPolicy: target tracking (and the other policy types) through PutScalingPolicy.

moto 5.2.5 has the API but no CloudFormation type: the resource is skipped, so a
group deployed with "scale on CPU" never has a scaling policy. Its
PutScalingPolicy also takes a policy for a group that does not exist, and a
target tracking policy creates none of the CloudWatch alarms AWS creates for it.

As AWS does it (aws-resource-autoscaling-scalingpolicy.md, the
PredefinedMetricSpecification reference, PutScalingPolicy in the EC2 Auto
Scaling API reference):

* the group must exist (``ValidationError``);
* a target tracking configuration needs a TargetValue and either a customized
  metric or one of ALBRequestCountPerTarget, ASGAverageCPUUtilization,
  ASGAverageNetworkIn, ASGAverageNetworkOut; ALBRequestCountPerTarget needs a
  ResourceLabel ``app/<lb>/<id>/targetgroup/<tg>/<id>`` whose target group is
  attached to the group ("You can't specify a resource label unless the target
  group is attached to the Auto Scaling group");
* Ref is the policy's ARN, Fn::GetAtt gives Arn and PolicyName; a new
  AutoScalingGroupName replaces the policy, everything else is changed in place
  (PutScalingPolicy again, same name);
* target tracking creates two CloudWatch alarms that Auto Scaling owns,
  ``TargetTracking-<group>-AlarmHigh-<id>`` and ``...-AlarmLow-<id>`` ("Do not edit
  or delete the CloudWatch alarms that are configured for the target tracking
  scaling policy", EC2 Auto Scaling user guide, "Target tracking scaling
  policies"); they go when the policy goes.

Assumed, as AWS does not document them: the alarms' evaluation (AlarmHigh: above
the target for 3 one-minute periods; AlarmLow: below 90% of it for 15).
"""

from __future__ import annotations

from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import AutoScalingBackend, FakeScalingPolicy, autoscaling_backends
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.moto_api._internal import mock_random

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._props import as_int, replaced_on_create_only

PREDEFINED = {
    "ASGAverageCPUUtilization": ("AWS/EC2", "CPUUtilization", "Average"),
    "ASGAverageNetworkIn": ("AWS/EC2", "NetworkIn", "Average"),
    "ASGAverageNetworkOut": ("AWS/EC2", "NetworkOut", "Average"),
    "ALBRequestCountPerTarget": ("AWS/ApplicationELB", "RequestCountPerTarget", "Sum"),
}

_moto_put_scaling_policy = AutoScalingBackend.put_scaling_policy
_moto_delete_policy = AutoScalingBackend.delete_policy


def _check_target_tracking(backend: AutoScalingBackend, group_name: str, configuration: dict[str, Any]) -> None:
    if configuration.get("TargetValue") is None:
        raise ValidationError("TargetValue is required for a target tracking scaling policy")
    predefined = configuration.get("PredefinedMetricSpecification")
    if bool(predefined) == bool(configuration.get("CustomizedMetricSpecification")):
        raise ValidationError("Exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification "
                              "must be specified")
    if not predefined:
        return
    metric = predefined.get("PredefinedMetricType")
    if metric not in PREDEFINED:
        raise ValidationError(f"1 validation error detected: Value '{metric}' at 'predefinedMetricType' failed to "
                              f"satisfy constraint: Member must satisfy enum value set: {sorted(PREDEFINED)}")
    label = predefined.get("ResourceLabel")
    if metric == "ALBRequestCountPerTarget":
        parts = (label or "").split("/")
        if len(parts) != 6 or parts[0] != "app" or parts[3] != "targetgroup":
            raise ValidationError(f"Invalid ResourceLabel for ALBRequestCountPerTarget: {label!r}")
        attached = backend.autoscaling_groups[group_name].target_group_arns
        if not any(arn.endswith(":" + "/".join(parts[3:])) for arn in attached):
            raise ValidationError(f"The target group in ResourceLabel {label} is not attached to the Auto Scaling "
                                  f"group {group_name}")
    elif label:
        raise ValidationError(f"ResourceLabel is only valid with ALBRequestCountPerTarget, not {metric}")


class AutoScalingBackendFill:
    """What moto's AutoScalingBackend gains (installed by :func:`apply`)."""

    def put_scaling_policy(self, name: str, policy_type: str, metric_aggregation_type: str, adjustment_type: str,
                           as_name: str, min_adjustment_magnitude: str, scaling_adjustment: int | None,
                           cooldown: int | None, target_tracking_config: dict[str, Any], step_adjustments: str,
                           estimated_instance_warmup: str, predictive_scaling_configuration: str) -> FakeScalingPolicy:
        if as_name not in self.autoscaling_groups:
            raise ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup '{as_name}' not found")
        if (policy_type or "SimpleScaling") == "TargetTrackingScaling":
            _check_target_tracking(self, as_name, target_tracking_config or {})
        previous = self.policies.get(name)
        policy = _moto_put_scaling_policy(
            self, name, policy_type, metric_aggregation_type, adjustment_type, as_name, min_adjustment_magnitude,
            scaling_adjustment, cooldown, target_tracking_config, step_adjustments, estimated_instance_warmup,
            predictive_scaling_configuration)
        if previous is not None:
            _delete_alarms(self, previous)
        if policy.policy_type == "TargetTrackingScaling":
            _create_alarms(self, policy, target_tracking_config)
        return policy

    def delete_policy(self, group_name: str) -> None:
        policy = self.policies.get(group_name)  # moto names the parameter after the group; it is the policy's
        if policy is not None:
            _delete_alarms(self, policy)
        _moto_delete_policy(self, group_name)


def _create_alarms(backend: AutoScalingBackend, policy: FakeScalingPolicy, configuration: dict[str, Any]) -> None:
    predefined = configuration.get("PredefinedMetricSpecification") or {}
    group = policy.auto_scaling_group_name
    if predefined:
        namespace, metric, statistic = PREDEFINED[predefined["PredefinedMetricType"]]
        if predefined["PredefinedMetricType"] == "ALBRequestCountPerTarget":
            dimensions = [{"Name": "TargetGroup", "Value": "/".join(predefined["ResourceLabel"].split("/")[3:])}]
        else:
            dimensions = [{"Name": "AutoScalingGroupName", "Value": group}]
    else:
        custom = configuration["CustomizedMetricSpecification"]
        namespace, metric = custom.get("Namespace", ""), custom.get("MetricName", "")
        statistic = custom.get("Statistic", "Average")
        dimensions = [{"Name": d["Name"], "Value": d["Value"]} for d in custom.get("Dimensions") or []]
    target = float(configuration["TargetValue"])
    cloudwatch = cloudwatch_backends[backend.account_id][backend.region_name]
    names = []
    for side, comparison, threshold, periods in (("AlarmHigh", "GreaterThanThreshold", target, 3),
                                                 ("AlarmLow", "LessThanThreshold", target * 0.9, 15)):
        name = f"TargetTracking-{group}-{side}-{mock_random.uuid4()}"
        cloudwatch.put_metric_alarm(
            name=name, namespace=namespace, metric_name=metric, comparison_operator=comparison,
            evaluation_periods=periods, period=60, threshold=threshold, statistic=statistic,
            description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {policy.arn}.",
            dimensions=dimensions, alarm_actions=[policy.arn], datapoints_to_alarm=periods)
        names.append(name)
    policy.emulator_alarms = names


def _delete_alarms(backend: AutoScalingBackend, policy: FakeScalingPolicy) -> None:
    names = getattr(policy, "emulator_alarms", [])
    if names:
        cloudwatch_backends[backend.account_id][backend.region_name].delete_alarms(names)


class ScalingPolicy(CloudFormationModel):
    """The CloudFormation side of a scaling policy (the policy itself is moto's FakeScalingPolicy)."""

    def __init__(self, policy: FakeScalingPolicy, account_id: str, region_name: str):
        self.policy = policy
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.policy.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""  # CloudFormation names the policy; the template cannot

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::AutoScaling::ScalingPolicy"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "PolicyName")

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.policy.arn
        if attribute_name == "PolicyName":
            return self.policy.name
        raise UnformattedGetAttTemplateException()

    @staticmethod
    def _put(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> FakeScalingPolicy:
        return autoscaling_backends[account_id][region_name].put_scaling_policy(
            name=name,
            policy_type=properties.get("PolicyType") or "SimpleScaling",
            metric_aggregation_type=properties.get("MetricAggregationType"),
            adjustment_type=properties.get("AdjustmentType"),
            as_name=properties["AutoScalingGroupName"],
            min_adjustment_magnitude=properties.get("MinAdjustmentMagnitude"),
            scaling_adjustment=as_int(properties.get("ScalingAdjustment")),
            cooldown=as_int(properties.get("Cooldown")),
            target_tracking_config=properties.get("TargetTrackingConfiguration") or {},
            step_adjustments=properties.get("StepAdjustments"),
            estimated_instance_warmup=properties.get("EstimatedInstanceWarmup"),
            predictive_scaling_configuration=properties.get("PredictiveScalingConfiguration"),
        )

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> ScalingPolicy:
        policy = cls._put(resource_name, cloudformation_json["Properties"], account_id, region_name)
        return cls(policy, account_id, region_name)

    @classmethod
    def emulator_update(
        cls, resource: ScalingPolicy, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> ScalingPolicy:
        # AutoScalingGroupName is createOnly (the schema): another group means a new policy.
        replaced = replaced_on_create_only(cls, resource.policy.name, old, new, account_id, region)
        if replaced is not None:
            return replaced
        resource.policy = cls._put(resource.policy.name, new, account_id, region)
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        backend = autoscaling_backends[self.account_id][self.region_name]
        if self.policy.name in backend.policies:
            backend.delete_policy(self.policy.name)


def apply() -> None:
    install(AutoScalingBackend, AutoScalingBackendFill)
    register_cloudformation_model(ScalingPolicy)
