"""AWS::Route53::RecordSet: checked as Route 53 checks a change, updated with an UPSERT.

moto 5.2.5 adds a CloudFormation record set to the zone without any of the
checks ChangeResourceRecordSets makes: a name outside the zone, a second record
of the same name and type (moto keeps both), an alias with a TTL, or a plain
record without TTL or values all go in. An update deletes every record of that
name (whatever its type) and adds the new one.

As Route 53 and CloudFormation do it (ChangeResourceRecordSets, Route 53 API
reference; aws-properties-route53-recordset.md):

* the name must lie in the zone (``InvalidChangeBatch``, "RRSet with DNS name …
  is not permitted in zone …"), and a CREATE of a name and type that exist fails
  ("Tried to create resource record set [name='…', type='…'] but it already
  exists");
* an alias record has no TTL and no ResourceRecords; any other has both;
* a new Name, Type, HostedZoneId/HostedZoneName or SetIdentifier replaces the
  record; anything else is an UPSERT of the same record;
* Ref is the record's name.
"""

from __future__ import annotations

from typing import Any

from moto.route53.exceptions import DnsNameInvalidForZone, InvalidInput, ResourceRecordAlreadyExists
from moto.route53.models import FakeZone, RecordSet, route53_backends
from moto.utilities.utils import get_partition

from emulator.gaps._install import install
from emulator.gaps._props import changed

_REPLACING = {"Name", "Type", "HostedZoneId", "HostedZoneName", "SetIdentifier"}


def _zone(properties: dict[str, Any], account_id: str, region_name: str) -> FakeZone:
    backend = route53_backends[account_id][get_partition(region_name)]
    name = properties.get("HostedZoneName")
    zone = backend.get_hosted_zone_by_name(name) if name else None
    return zone or backend.get_hosted_zone(properties["HostedZoneId"])


def _fqdn(name: str) -> str:
    return name if name.endswith(".") else name + "."


def check_record(zone: FakeZone, properties: dict[str, Any], creating: bool) -> None:
    """What ChangeResourceRecordSets checks for this record."""
    name, zone_name = _fqdn(properties["Name"]).lower(), _fqdn(zone.name).lower()
    if name != zone_name and not name.endswith("." + zone_name):
        raise DnsNameInvalidForZone(name=name, zone_name=zone_name)
    alias = properties.get("AliasTarget")
    if alias and (properties.get("TTL") is not None or properties.get("ResourceRecords")):
        raise InvalidInput("Invalid request: Alias resource record sets cannot have a TTL or ResourceRecords")
    if not alias and (properties.get("TTL") is None or not properties.get("ResourceRecords")):
        raise InvalidInput(f"Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]"
                           f"], but found none in Change with [Name={name}, Type={properties.get('Type')}]")
    if creating and any(_fqdn(r.name).lower() == name and r.type == properties.get("Type")
                        and r.set_identifier == properties.get("SetIdentifier") for r in zone.rrsets):
        raise ResourceRecordAlreadyExists(name=name, _type=str(properties.get("Type")))


class RecordSetFill:
    """What moto's RecordSet gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> RecordSet:
        properties = dict(cloudformation_json["Properties"])
        properties["Name"] = _fqdn(properties["Name"])
        zone = _zone(properties, account_id, region_name)
        check_record(zone, properties, creating=True)
        record = zone.add_rrset(properties)
        record.hosted_zone_id = zone.id  # for its delete, whichever way the template named the zone
        return record

    @classmethod
    def emulator_update(
        cls, record: RecordSet, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> RecordSet:
        if changed(old, new) & _REPLACING:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        properties = {**new, "Name": _fqdn(new["Name"])}
        zone = _zone(properties, account_id, region)
        check_record(zone, properties, creating=False)
        updated = zone.upsert_rrset(properties)
        record.__dict__.update(updated.__dict__)  # the same record, changed in place
        record.hosted_zone_id = zone.id
        zone.rrsets[zone.rrsets.index(updated)] = record
        return record


def apply() -> None:
    install(RecordSet, RecordSetFill)
