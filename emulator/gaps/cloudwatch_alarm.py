"""AWS::CloudWatch::Alarm: metric alarms through PutMetricAlarm, checked as CloudWatch checks them.

moto 5.2.5 has PutMetricAlarm but no CloudFormation type: the alarms that heal
and notify are skipped. Its PutMetricAlarm also takes any period, any number of
evaluation periods, more datapoints than periods, and an EC2 action (recover,
reboot) on an alarm that watches no instance.

As AWS does it (aws-resource-cloudwatch-alarm.md; PutMetricAlarm, CloudWatch API
reference):

* Period is 10, 30, 60 or a multiple of 60; EvaluationPeriods × Period is at most
  one day (86,400 s) for periods of a minute or more; DatapointsToAlarm is at
  most EvaluationPeriods; ComparisonOperator, Statistic and TreatMissingData
  take their documented values; all ``ValidationError``;
* an EC2 action (``arn:aws:automate:<region>:ec2:recover|reboot|stop|terminate``)
  is refused unless the alarm watches an instance ("Invalid use of EC2 action.
  An EC2 action can only be used if the alarm is monitoring an EC2 instance.",
  as CloudWatch answers it: marklogic/cloud-enablement-aws#82), and an action in
  another region is refused ("Invalid region … specified. Only … is supported.");
* CloudFormation names the alarm when AlarmName is not given; Ref is the name,
  Fn::GetAtt Arn its ARN; AlarmName replaces the alarm, everything else is a
  PutMetricAlarm of the same name; deleting it is DeleteAlarms.
"""

from __future__ import annotations

import re
from typing import Any

from moto.cloudwatch.exceptions import ValidationError
from moto.cloudwatch.models import Alarm, CloudWatchBackend, cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps._props import as_bool, as_int, changed, replacement_name

COMPARISONS = {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
               "LessThanOrEqualToThreshold", "LessThanLowerOrGreaterThanUpperThreshold",
               "LessThanLowerThreshold", "GreaterThanUpperThreshold"}
STATISTICS = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"}
MISSING_DATA = {"breaching", "notBreaching", "ignore", "missing"}
_EC2_ACTION = re.compile(r"^arn:[\w-]+:automate:([\w-]+):ec2:(recover|reboot|stop|terminate)$")
_moto_put_metric_alarm = CloudWatchBackend.put_metric_alarm


def check_alarm(backend: CloudWatchBackend, namespace: str | None, period: int | None, evaluation_periods: int,
                datapoints: int | None, comparison: str, statistic: str | None, missing: str | None,
                dimensions: list[dict[str, str]], actions: list[str]) -> None:
    """What PutMetricAlarm checks (for an alarm on one metric)."""
    if comparison not in COMPARISONS:
        raise ValidationError(f"Invalid ComparisonOperator: {comparison}")
    if statistic is not None and statistic not in STATISTICS:
        raise ValidationError(f"Invalid Statistic: {statistic}")
    if missing is not None and missing not in MISSING_DATA:
        raise ValidationError(f"Invalid TreatMissingData: {missing}")
    if period is not None:
        if period not in (10, 30) and (period < 60 or period % 60):
            raise ValidationError(f"Invalid Period: {period}; valid values are 10, 30, 60 and any multiple of 60")
        if period >= 60 and period * evaluation_periods > 86400:
            raise ValidationError("Metrics cannot be checked across more than a day (EvaluationPeriods * Period "
                                  "must be <= 86400)")
    if datapoints is not None and datapoints > evaluation_periods:
        raise ValidationError("DatapointsToAlarm must be less than or equal to EvaluationPeriods")
    instance_ids = [d["Value"] for d in dimensions if d["Name"] == "InstanceId"]
    for action in actions:
        match = _EC2_ACTION.match(action)
        if match is None:
            continue
        if match.group(1) != backend.region_name:
            raise ValidationError(f"Invalid region {match.group(1)} specified. Only {backend.region_name} is supported.")
        ec2 = ec2_backends[backend.account_id][backend.region_name]
        watched = namespace == "AWS/EC2" and len(instance_ids) == 1 and \
            ec2.get_instance_by_id(instance_ids[0]) is not None
        if not watched:
            raise ValidationError("Invalid use of EC2 action. An EC2 action can only be used if the alarm is "
                                  "monitoring an EC2 instance.")


class CloudWatchBackendFill:
    """What moto's CloudWatchBackend gains (installed by :func:`apply`)."""

    def put_metric_alarm(self, name: str, namespace: str, metric_name: str, comparison_operator: str,
                         evaluation_periods: int, period: int, threshold: float, statistic: str, description: str,
                         dimensions: list[dict[str, str]], alarm_actions: list[str], *args: Any,
                         **kwargs: Any) -> Alarm:
        if not kwargs.get("metric_data_queries"):
            check_alarm(self, namespace, as_int(period), int(evaluation_periods),
                        as_int(kwargs.get("datapoints_to_alarm")), comparison_operator, statistic,
                        kwargs.get("treat_missing_data"), dimensions or [],
                        [*(alarm_actions or []), *(kwargs.get("ok_actions") or []),
                         *(kwargs.get("insufficient_data_actions") or [])])
        return _moto_put_metric_alarm(self, name, namespace, metric_name, comparison_operator, evaluation_periods,
                                      period, threshold, statistic, description, dimensions, alarm_actions,
                                      *args, **kwargs)


class MetricAlarm(FillModel, CloudFormationModel):
    """The CloudFormation side of an alarm (the alarm is moto's Alarm)."""

    def __init__(self, name: str, arn: str, account_id: str, region_name: str):
        self.name = name
        self.arn = arn
        self.account_id = account_id
        self.region_name = region_name

    TYPE = "AWS::CloudWatch::Alarm"
    NAME_TYPE = "AlarmName"
    ATTRIBUTES = {"Arn": "arn"}

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> MetricAlarm:
        properties = cloudformation_json["Properties"]
        name = properties.get("AlarmName") or resource_name
        backend = cloudwatch_backends[account_id][region_name]
        alarm = backend.put_metric_alarm(
            name=name, namespace=properties.get("Namespace"), metric_name=properties.get("MetricName"),
            comparison_operator=properties.get("ComparisonOperator"),
            evaluation_periods=int(properties["EvaluationPeriods"]), period=as_int(properties.get("Period")),
            threshold=float(properties["Threshold"]) if properties.get("Threshold") is not None else None,
            statistic=properties.get("Statistic"), description=properties.get("AlarmDescription"),
            dimensions=list(properties.get("Dimensions") or []), alarm_actions=list(properties.get("AlarmActions") or []),
            metric_data_queries=None, datapoints_to_alarm=as_int(properties.get("DatapointsToAlarm")),
            extended_statistic=properties.get("ExtendedStatistic"), ok_actions=list(properties.get("OKActions") or []),
            insufficient_data_actions=list(properties.get("InsufficientDataActions") or []),
            unit=properties.get("Unit"), actions_enabled=as_bool(properties.get("ActionsEnabled"), default=True),
            treat_missing_data=properties.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=properties.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=properties.get("ThresholdMetricId"), tags=list(properties.get("Tags") or []),
        )
        return cls(name, alarm.alarm_arn, account_id, region_name)

    @classmethod
    def emulator_update(
        cls, alarm: MetricAlarm, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> MetricAlarm:
        if "AlarmName" in changed(old, new):
            name = replacement_name(old.get("AlarmName"), new.get("AlarmName"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        cls.create_from_cloudformation_json(alarm.name, {"Properties": {**new, "AlarmName": alarm.name}},
                                            account_id, region)
        return alarm

    def delete(self, account_id: str, region_name: str) -> None:
        cloudwatch_backends[self.account_id][self.region_name].delete_alarms([self.name])


def apply() -> None:
    install(CloudWatchBackend, CloudWatchBackendFill)
    register_cloudformation_model(MetricAlarm)
