"""AWS::AutoScaling::AutoScalingGroup: instances across the zones, CloudFormation's tags, updates and rolling updates.

moto 5.2.5, for a group created by CloudFormation:

* launches every instance in the first subnet of ``VPCZoneIdentifier`` (one
  Availability Zone), and from the launch template's *default* version whatever
  version the group names (only the AMI and type follow the named one);
* drops ``MetricsCollection``, and gives neither the group nor its instances the
  aws:cloudformation:* tags;
* shows every instance with the template's default version;
* updates a group by deleting it and creating another (a new name; every
  instance terminated and relaunched at once), whatever changed: a new
  ``MaxSize`` replaces all instances, a new launch template version takes the
  site down, and the UpdatePolicy is never read;
* leaves terminated instances registered, and healthy, in the target groups.

As AWS does it:

* instances are spread evenly over the group's Availability Zones ("Amazon EC2
  Auto Scaling attempts to distribute instances evenly between the Availability
  Zones that are enabled", EC2 Auto Scaling user guide, "Instance distribution")
  and launched from the launch template version the group names;
* CloudFormation adds aws:cloudformation:stack-name, stack-id and logical-id to
  "all Auto Scaling groups and associated instances" (AutoScalingGroup
  TagProperty), with the stack's tags, propagated at launch;
* every property but AutoScalingGroupName (and InstanceId) updates in place
  (aws-properties-as-group.md); with ``AutoScalingScheduledAction``
  ``IgnoreUnmodifiedGroupSizeProperties``, MinSize/MaxSize/DesiredCapacity are
  applied only when the template changed them, and only for a group that has a
  scheduled action: the policy is for "when the AWS::AutoScaling::AutoScalingGroup
  resource has an associated scheduled action" (aws-attribute-updatepolicy.md).
  A group without one is set back to the template's sizes on every update
  (a scaled-out group returns to DesiredCapacity);
* a new LaunchTemplate, VPCZoneIdentifier or PlacementGroup, with
  ``AutoScalingRollingUpdate``, replaces every instance the group had (all are
  obsolete: CloudFormation rolls the whole group when a trigger property changes),
  batch by batch: at most MaxBatchSize at a time, never
  fewer than MinInstancesInService in service, the group raised temporarily
  (up to MaxSize) to launch new instances first when needed, and the same
  progress events CloudFormation writes ("Rolling update initiated. Terminating
  N obsolete instance(s) in batches of B, while keeping at least M instance(s)
  in service.", "Temporarily setting autoscaling group MinSize and
  DesiredCapacity to N.", "Terminating instance(s) [...]; replacing with N new
  instance(s).": as seen in guardian/testing-asg-rolling-update's recorded
  runs). MinInstancesInService must be less than MaxSize (the policy's
  reference; a ``ValidationError`` as Eucalyptus's CloudFormation gives it).
  Without a rolling (or replacing) policy the group takes the new template and
  its instances stay as they are. A batch that fails puts the old template
  back, replaces what the update launched, and fails the update;
* a terminated instance is deregistered from the group's target groups;
* a PlacementGroup must exist (CreateAutoScalingGroup, and an update naming
  another one, fail with ``ValidationError``; its wording, EC2's
  InvalidPlacementGroup.Unknown message, is an assumption); the group's
  instances are launched into it, and a new PlacementGroup is one of the
  changes that start a rolling update (see ``_ROLLING_TRIGGERS``).

Not emulated: the emulator runs no user data, so no instance ever signals.
A CreationPolicy's or WaitOnResourceSignals' signals are taken as received at
once, and an event says so; PauseTime is never waited for.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import (
    ASG_NAME_TAG,
    AutoScalingBackend,
    FakeAutoScalingGroup,
    InstanceState,
    autoscaling_backends,
)
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

from emulator import cfn_engine
from emulator.gaps._install import install
from emulator.gaps._props import as_bool, as_int, changed, replacement_name
from emulator.gaps.exceptions import InvalidPlacementGroupUnknownError

_SIZES = ("MinSize", "MaxSize", "DesiredCapacity")
#: The changes that start an AutoScalingRollingUpdate: its replacements "occur when you make one or more of
#: the following changes", a list naming the launch template or launch configuration, VPCZoneIdentifier and
#: PlacementGroup (aws-attribute-updatepolicy.md, Overview); MixedInstancesPolicy is where a group may name
#: its launch template.
_ROLLING_TRIGGERS = {"LaunchTemplate", "LaunchConfigurationName", "VPCZoneIdentifier", "MixedInstancesPolicy",
                     "PlacementGroup"}

# What the fill below wraps: moto's own.
_moto_create_auto_scaling_group = AutoScalingBackend.create_auto_scaling_group


def _report(reason: str, physical_id: str = "") -> None:
    operation = cfn_engine.current()
    if operation is not None:
        operation.report(reason, physical_id)


def _tags(properties: dict[str, Any], stack_tags: dict[str, str]) -> list[dict[str, Any]]:
    tags = [{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in stack_tags.items()]
    for tag in properties.get("Tags") or []:
        tags = [t for t in tags if t["Key"] != tag["Key"]]
        tags.append({"Key": tag["Key"], "Value": tag["Value"],
                     "PropagateAtLaunch": as_bool(tag.get("PropagateAtLaunch"))})
    return tags


def _version_number(group: FakeAutoScalingGroup) -> int | None:
    if group.ec2_launch_template is None:
        return None
    return group.ec2_launch_template.get_version(group.launch_template_version).number


def _is_current(group: FakeAutoScalingGroup, state: InstanceState) -> bool:
    """The instance runs the launch template (id and version) the group names now, in its placement group."""
    if (getattr(state.instance.placement, "group_name", None) or None) != (group.placement_group or None):
        return False
    if group.ec2_launch_template is None:
        return True
    tags = state.instance.get_tags() if hasattr(state.instance, "get_tags") else []
    found = {t["key"]: t["value"] for t in tags}
    return (found.get("aws:ec2launchtemplate:id") == group.ec2_launch_template.id
            and found.get("aws:ec2launchtemplate:version") == str(_version_number(group)))


def _check_placement_group(backend: AutoScalingBackend, name: str | None) -> None:
    """A group's placement group must exist (EC2's, filled by ec2_placement_group)."""
    if not name:
        return
    find_group = getattr(backend.ec2_backend, "get_placement_group", None)
    if find_group is None:
        return
    try:
        find_group(name)
    except InvalidPlacementGroupUnknownError as error:
        raise ValidationError(error.message) from error


def _has_scheduled_action(group: FakeAutoScalingGroup) -> bool:
    return any(action.auto_scaling_group_name == group.name
               for action in group.autoscaling_backend.scheduled_actions.values())


def _check_sizes(minimum: int, maximum: int, desired: int | None) -> None:
    if minimum > maximum:
        raise ValidationError(f"Max bound, {maximum}, must be greater than or equal to min bound, {minimum}")
    if desired is not None and not minimum <= desired <= maximum:
        raise ValidationError(
            f"Desired capacity:{desired} must be between the specified min size:{minimum} and max size:{maximum}")


def _check_launch_source(properties: dict[str, Any]) -> None:
    """A group names exactly one of LaunchTemplate, LaunchConfigurationName, InstanceId and MixedInstancesPolicy
    (CreateAutoScalingGroup API reference: "you must specify one of the following parameters in your request:
    LaunchConfigurationName, LaunchTemplate, InstanceId, or MixedInstancesPolicy"); a MixedInstancesPolicy's
    OnDemandPercentageAboveBaseCapacity is 0-100 and OnDemandBaseCapacity at least 0 (InstancesDistribution).
    moto 5.2.5 takes the LaunchTemplate and ignores the policy when both are given, and any percentage."""
    given = [name for name in ("LaunchTemplate", "LaunchConfigurationName", "InstanceId", "MixedInstancesPolicy")
             if properties.get(name)]
    if len(given) > 1:
        raise ValidationError("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, "
                              "InstanceId or MixedInstancesPolicy parameter.")
    distribution = (properties.get("MixedInstancesPolicy") or {}).get("InstancesDistribution") or {}
    percent = as_int(distribution.get("OnDemandPercentageAboveBaseCapacity"))
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError(f"Value {percent} for OnDemandPercentageAboveBaseCapacity must be between 0 and 100")
    base = as_int(distribution.get("OnDemandBaseCapacity"))
    if base is not None and base < 0:
        raise ValidationError(f"Value {base} for OnDemandBaseCapacity must be greater than or equal to 0")


# moto's own sizing, kept before the fill replaces it (see set_desired_capacity below).
_MOTO_SET_DESIRED_CAPACITY = FakeAutoScalingGroup.set_desired_capacity


class FakeAutoScalingGroupFill:
    """What moto's FakeAutoScalingGroup gains (installed by :func:`apply`)."""

    # --- a MixedInstancesPolicy ----------------------------------------------

    def set_desired_capacity(self, new_capacity: int | None) -> None:
        """The group holds its desired capacity whatever its mix: OnDemandBaseCapacity and
        OnDemandPercentageAboveBaseCapacity split that capacity between On-Demand and Spot (InstancesDistribution,
        Auto Scaling API reference), they do not change it. moto 5.2.5 truncates each share (2 instances at 30%
        On-Demand launch 1). The emulator launches every instance from the launch template, as the first override
        (the "prioritized" On-Demand choice); it has no Spot market, so none is shown as Spot."""
        policy = self.mixed_instances_policy
        self.mixed_instances_policy = None
        try:
            _MOTO_SET_DESIRED_CAPACITY(self, new_capacity)
        finally:
            self.mixed_instances_policy = policy

    # --- launching and terminating -------------------------------------------

    def replace_autoscaling_group_instances(self, count_needed: int, propagated_tags: dict[str, str]) -> None:
        """Launch ``count_needed`` instances, each in the Availability Zone that has the fewest."""
        propagated_tags = {**propagated_tags, ASG_NAME_TAG: self.name, **self.instance_tags}
        ec2 = self.autoscaling_backend.ec2_backend
        subnet_ids = self.vpc_zone_identifier.split(",") if self.vpc_zone_identifier else []
        subnets = [ec2.get_subnet(s) for s in subnet_ids]
        launch_template = None
        if self.ec2_launch_template is not None:
            launch_template = {"LaunchTemplateId": self.ec2_launch_template.id,
                               "Version": str(_version_number(self))}
        for _ in range(count_needed):
            per_zone = Counter(s.instance.placement.zone for s in self.instance_states)
            if subnets:
                subnet = min(subnets, key=lambda s: (per_zone[s.availability_zone], subnet_ids.index(s.id)))
                zone, subnet_id = subnet.availability_zone, subnet.id
            else:
                zone = min(self.availability_zones, key=lambda z: (per_zone[z], self.availability_zones.index(z)))
                subnet_id = None
            reservation = ec2.run_instances(
                self.image_id, 1, self.user_data, self.security_groups,
                instance_type=self.instance_type, tags={"instance": dict(propagated_tags)}, placement=zone,
                launch_config=self.launch_config, launch_template=launch_template, is_instance_type_default=False,
                associate_public_ip=self.launch_config.associate_public_ip_address if self.launch_config else None,
                subnet_id=subnet_id,
            )
            for instance in reservation.instances:
                instance.autoscaling_group = self
                if self.placement_group:
                    instance.placement.group_name = self.placement_group  # as ec2_instance places one
                self.instance_states.append(
                    InstanceState(instance, protected_from_scale_in=self.new_instances_protected_from_scale_in))
        if self.name in self.autoscaling_backend.autoscaling_groups:
            self.autoscaling_backend.update_attached_target_groups(self.name)

    def emulator_terminate(self, states: list[InstanceState]) -> None:
        """Terminate these instances: out of the group and, as in AWS, out of its target groups."""
        ids = [s.instance.id for s in states]
        if not ids:
            return
        self.instance_states = [s for s in self.instance_states if s.instance.id not in ids]
        self.autoscaling_backend.ec2_backend.terminate_instances(ids)
        self.autoscaling_backend.elbv2_backend.notify_terminate_instances(ids)

    # --- CloudFormation --------------------------------------------------------

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeAutoScalingGroup:
        properties = cloudformation_json["Properties"]
        operation = cfn_engine.current()
        minimum, maximum = as_int(properties.get("MinSize")) or 0, as_int(properties.get("MaxSize")) or 0
        desired = as_int(properties.get("DesiredCapacity"))
        _check_sizes(minimum, maximum, desired)
        _check_launch_source(properties)
        backend: AutoScalingBackend = autoscaling_backends[account_id][region_name]
        group = backend.create_auto_scaling_group(
            name=properties.get("AutoScalingGroupName") or resource_name,
            availability_zones=properties.get("AvailabilityZones", []),
            desired_capacity=desired, max_size=maximum, min_size=minimum,
            launch_config_name=properties.get("LaunchConfigurationName"),
            launch_template=properties.get("LaunchTemplate", {}),
            vpc_zone_identifier=",".join(properties.get("VPCZoneIdentifier", [])) or None,
            default_cooldown=properties.get("Cooldown"),
            health_check_period=properties.get("HealthCheckGracePeriod"),
            health_check_type=properties.get("HealthCheckType"),
            load_balancers=list(properties.get("LoadBalancerNames", [])),
            target_group_arns=list(properties.get("TargetGroupARNs", [])),
            placement_group=properties.get("PlacementGroup"),
            termination_policies=properties.get("TerminationPolicies", []),
            tags=_tags(properties, operation.stack_tags() if operation else {}),
            capacity_rebalance=as_bool(properties.get("CapacityRebalance")),
            new_instances_protected_from_scale_in=as_bool(properties.get("NewInstancesProtectedFromScaleIn")),
            mixed_instances_policy=properties.get("MixedInstancesPolicy"),
        )
        cls._collect_metrics(group, properties)
        signals = (operation.body.get("CreationPolicy") or {}).get("ResourceSignal") if operation else None
        if signals:
            _report(f"Emulator: instances run no user data; the {signals.get('Count', 1)} SUCCESS signal(s) this "
                    "CreationPolicy waits for are taken as received", group.name)
        return group

    @staticmethod
    def _collect_metrics(group: FakeAutoScalingGroup, properties: dict[str, Any]) -> None:
        metrics: list[str] = []
        for collection in properties.get("MetricsCollection") or []:
            if collection.get("Granularity") != "1Minute":
                raise ValidationError(f"Granularity {collection.get('Granularity')} is not supported: use 1Minute")
            metrics += collection.get("Metrics") or []
        group.enable_metrics_collection(metrics)

    @classmethod
    def emulator_update(
        cls, group: FakeAutoScalingGroup, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> FakeAutoScalingGroup:
        differences = changed(old, new)
        operation = cfn_engine.current()
        body = operation.body if operation else {}
        if "AutoScalingGroupName" in differences:
            name = replacement_name(old.get("AutoScalingGroupName"), new.get("AutoScalingGroupName"))
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        policy = (body.get("UpdatePolicy") or {})
        rolling = policy.get("AutoScalingRollingUpdate")
        sizes = {k: as_int(new.get(k)) for k in _SIZES}
        if as_bool((policy.get("AutoScalingScheduledAction") or {}).get("IgnoreUnmodifiedGroupSizeProperties")) \
                and _has_scheduled_action(group):
            sizes = {k: v if k in differences else None for k, v in sizes.items()}
        minimum = sizes["MinSize"] if sizes["MinSize"] is not None else group.min_size
        maximum = sizes["MaxSize"] if sizes["MaxSize"] is not None else group.max_size
        _check_sizes(minimum, maximum, sizes["DesiredCapacity"])
        template_maximum = as_int(new.get("MaxSize"))  # the template's, as Eucalyptus checks it
        if rolling is not None and as_int(rolling.get("MinInstancesInService")) is not None \
                and template_maximum is not None and as_int(rolling["MinInstancesInService"]) >= template_maximum:
            raise ValidationError("MinInstancesInService must be less than the autoscaling group's MaxSize")
        # A group launched from a MixedInstancesPolicy has no provided_launch_template_version in moto.
        saved = (group.launch_template_version, group.ec2_launch_template, group.vpc_zone_identifier,
                 group.availability_zones, getattr(group, "provided_launch_template_version", None),
                 group.placement_group, group.mixed_instances_policy)

        # In place: everything but the instances themselves.
        if differences & {"LaunchTemplate", "LaunchConfigurationName", "MixedInstancesPolicy"}:
            group.mixed_instances_policy = new.get("MixedInstancesPolicy")  # moto's setter reads it from the group
            group._set_launch_configuration(new.get("LaunchConfigurationName"), new.get("LaunchTemplate", {}),
                                            new.get("MixedInstancesPolicy"))
        if "VPCZoneIdentifier" in differences or "AvailabilityZones" in differences:
            group._set_azs_and_vpcs(new.get("AvailabilityZones", []),
                                    ",".join(new.get("VPCZoneIdentifier", [])) or None, update=True)
        for key, attribute in (("HealthCheckGracePeriod", "health_check_grace_period"),
                               ("Cooldown", "default_cooldown")):
            if key in differences and as_int(new.get(key)) is not None:
                setattr(group, attribute, as_int(new[key]))
        if "PlacementGroup" in differences:
            _check_placement_group(group.autoscaling_backend, new.get("PlacementGroup"))
            group.placement_group = new.get("PlacementGroup")
        if "HealthCheckType" in differences:
            group.health_check_type = new.get("HealthCheckType") or "EC2"
        if "TerminationPolicies" in differences:
            group.termination_policies = new.get("TerminationPolicies") or ["Default"]
        if "NewInstancesProtectedFromScaleIn" in differences:
            group.new_instances_protected_from_scale_in = as_bool(new.get("NewInstancesProtectedFromScaleIn"))
        if "MetricsCollection" in differences:
            cls._collect_metrics(group, new)
        if "Tags" in differences:
            # The stack's own tags stay with the aws:cloudformation:* ones, as at creation (CreateStack's
            # Tags: "CloudFormation also propagates these tags to the resources created in the stack").
            group.tags = _tags(new, operation.stack_tags() if operation else {})
        if "TargetGroupARNs" in differences:
            backend = group.autoscaling_backend
            wanted = list(new.get("TargetGroupARNs") or [])
            gone = [arn for arn in group.target_group_arns if arn not in wanted]
            if gone:
                backend.detach_load_balancer_target_groups(group.name, gone)
            backend.attach_load_balancer_target_groups(group.name, wanted)
        group.min_size, group.max_size = minimum, maximum

        desired = sizes["DesiredCapacity"]
        if desired is None:
            desired = min(max(group.desired_capacity or 0, minimum), maximum)
        triggered = bool(differences & _ROLLING_TRIGGERS)
        obsolete = [s for s in group.instance_states if triggered or not _is_current(group, s)]
        existing = {s.instance.id for s in group.instance_states}
        if obsolete and rolling is not None:
            try:
                cls._roll(group, rolling, desired, obsolete)
            except Exception:
                (group.launch_template_version, group.ec2_launch_template, group.vpc_zone_identifier,
                 group.availability_zones, group.provided_launch_template_version, group.placement_group,
                 group.mixed_instances_policy) = saved
                group.min_size = minimum
                cls._put_back(group, desired, existing)
                raise
            group.min_size = minimum  # back from the rolling update's temporary size
        cls._resize(group, desired)
        return group

    def delete(self, account_id: str, region_name: str) -> None:
        """DeleteAutoScalingGroup (as CloudFormation forces it): instances terminated and out of the target
        groups; the group's scaling policies and scheduled actions go with it."""
        backend = self.autoscaling_backend
        self.emulator_terminate(list(self.instance_states))
        self.desired_capacity = 0
        backend.delete_auto_scaling_group(self.name)
        for name, policy in list(backend.policies.items()):
            if policy.auto_scaling_group_name == self.name:
                backend.delete_policy(name)  # with its alarms (autoscaling_scaling_policy)
        for name, action in list(backend.scheduled_actions.items()):
            if action.auto_scaling_group_name == self.name:
                backend.scheduled_actions.pop(name, None)

    @staticmethod
    def _resize(group: FakeAutoScalingGroup, desired: int) -> None:
        group.desired_capacity = desired
        surplus = len(group.instance_states) - desired
        if surplus > 0:
            group.emulator_terminate([s for s in group.instance_states if not s.protected_from_scale_in][:surplus])
        elif surplus < 0:
            group.replace_autoscaling_group_instances(-surplus, group.get_propagated_tags())

    @staticmethod
    def _signals(count: int, rolling: dict[str, Any]) -> None:
        if count and as_bool(rolling.get("WaitOnResourceSignals")):
            pause = rolling.get("PauseTime", "PT5M")
            _report(f"New instance(s) added to autoscaling group - Waiting on {count} resource signal(s) with a "
                    f"timeout of {pause}.")
            _report(f"Emulator: instances run no user data; {count} SUCCESS signal(s) taken as received.")

    @classmethod
    def _roll(cls, group: FakeAutoScalingGroup, rolling: dict[str, Any], desired: int,
              obsolete: list[InstanceState]) -> None:
        keep = as_int(rolling.get("MinInstancesInService")) or 0
        batch = min(max(1, as_int(rolling.get("MaxBatchSize")) or 1), len(obsolete))
        waits = as_bool(rolling.get("WaitOnResourceSignals"))
        pause = rolling.get("PauseTime", "PT5M" if waits else "PT0S")
        _report(f"Rolling update initiated. Terminating {len(obsolete)} obsolete instance(s) in batches of {batch}, "
                f"while keeping at least {keep} instance(s) in service."
                + (f" Waiting on resource signals with a timeout of {pause} when new instances are added to the "
                   "autoscaling group." if waits else ""), group.name)
        if desired - batch < keep:
            capacity = min(group.max_size, keep + batch)
            _report(f"Temporarily setting autoscaling group MinSize and DesiredCapacity to {capacity}.", group.name)
            group.min_size = group.desired_capacity = capacity
            added = capacity - len(group.instance_states)
            if added > 0:
                group.replace_autoscaling_group_instances(added, group.get_propagated_tags())
                cls._signals(added, rolling)
        while obsolete:
            in_service = len(group.instance_states)
            take = obsolete[:min(batch, in_service - keep)]
            if not take:
                raise ValidationError(
                    f"Cannot terminate obsolete instances while keeping at least {keep} instance(s) in service "
                    f"with a MaxSize of {group.max_size}")
            current = in_service - len(obsolete)
            replace = min(len(take), max(0, desired - current))
            _report(f"Terminating instance(s) [{','.join(s.instance.id for s in take)}]; "
                    f"replacing with {replace} new instance(s).", group.name)
            group.emulator_terminate(take)
            if replace:
                group.replace_autoscaling_group_instances(replace, group.get_propagated_tags())
                cls._signals(replace, rolling)
            obsolete = obsolete[len(take):]

    @classmethod
    def _put_back(cls, group: FakeAutoScalingGroup, desired: int, before: set[str]) -> None:
        """After a failed batch: what the update launched goes, the old template's instances come back."""
        group.emulator_terminate([s for s in group.instance_states if s.instance.id not in before])
        cls._resize(group, max(desired, group.min_size))

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        raise UnformattedGetAttTemplateException()


class AutoScalingBackendFill:
    """What moto's AutoScalingBackend gains (installed by :func:`apply`)."""

    def create_auto_scaling_group(self, *args: Any, **kwargs: Any) -> FakeAutoScalingGroup:
        _check_placement_group(self, kwargs.get("placement_group"))
        return _moto_create_auto_scaling_group(self, *args, **kwargs)


class InstanceStateFill:
    """What moto's InstanceState gains: the launch template version the instance was launched from."""

    @property
    def launch_template(self) -> dict[str, Any] | None:
        group = self.auto_scaling_group
        if group is None or group.ec2_launch_template is None:
            return None
        tags = {t["key"]: t["value"] for t in self.instance.get_tags()}
        return {"LaunchTemplateId": group.ec2_launch_template.id,
                "LaunchTemplateName": group.ec2_launch_template.name,
                "Version": tags.get("aws:ec2launchtemplate:version",
                                    str(group.ec2_launch_template.default_version_number))}


def apply() -> None:
    install(FakeAutoScalingGroup, FakeAutoScalingGroupFill)
    install(AutoScalingBackend, AutoScalingBackendFill)
    install(InstanceState, InstanceStateFill)
