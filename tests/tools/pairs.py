"""Hand-written before/after templates for the review tests: each a case a synthesized pair would cost another
synthesis for. Shared by the summary's tests and the check that the summary, the engine and `cdk diff` agree."""

import copy

from constants import STACK_NAME


def sg(*rules, egress=None, description="web"):
    props = {"GroupDescription": description, "VpcId": "vpc-1", "SecurityGroupIngress": list(rules)}
    if egress is not None:
        props["SecurityGroupEgress"] = egress
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": props}


def ssh(cidr, to_port=22):
    return {"CidrIp": cidr, "IpProtocol": "tcp", "FromPort": 22, "ToPort": to_port}


def instance(**props):
    base = {"ImageId": "ami-1", "InstanceType": "t2.micro", "SubnetId": "subnet-1",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                     "Ebs": {"VolumeSize": 8, "VolumeType": "gp2", "DeleteOnTermination": True}}]}
    return {"Type": "AWS::EC2::Instance", "Properties": {**base, **props}}


def root_volume(**ebs):
    changed = copy.deepcopy(instance())
    changed["Properties"]["BlockDeviceMappings"][0]["Ebs"].update(ebs)
    return changed


def with_path(resource, path):
    return {**resource, "Metadata": {"aws:cdk:path": f"{STACK_NAME}/{path}/Resource"}}


def volume(size=50, volume_type="gp3", **props):
    return {"Type": "AWS::EC2::Volume", "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot",
            "Properties": {"AvailabilityZone": "us-east-1a", "Size": size, "VolumeType": volume_type, **props}}


def launch_template(**data):
    return {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
        "ImageId": "ami-1", "InstanceType": "t2.micro", "UserData": {"Fn::Base64": "#!/bin/bash\necho 1\n"}, **data}}}


def group(rolling=True, **props):
    resource = {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {
        "MinSize": "2", "MaxSize": "4", "VPCZoneIdentifier": ["subnet-1", "subnet-2"],
        "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"},
                           "Version": {"Fn::GetAtt": ["Template", "LatestVersionNumber"]}}, **props}}
    if rolling:
        resource["UpdatePolicy"] = {"AutoScalingRollingUpdate": {
            "MaxBatchSize": 2, "MinInstancesInService": 2, "WaitOnResourceSignals": True, "PauseTime": "PT15M"}}
    return resource


def load_balancer(scheme="internet-facing"):
    return {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
        "Scheme": scheme, "Type": "application", "Subnets": ["subnet-1", "subnet-2"]}}


def target_group(port=80):
    return {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
        "Port": port, "Protocol": "HTTP", "TargetType": "instance", "VpcId": "vpc-1"}}


def attachment(volume_id, device="/dev/sdf", instance_id="Web"):
    return {"Type": "AWS::EC2::VolumeAttachment", "Properties": {
        "InstanceId": {"Ref": instance_id}, "VolumeId": {"Ref": volume_id}, "Device": device}}


def eip_for(instance_id):
    return {"Type": "AWS::EC2::EIPAssociation", "Properties": {
        "AllocationId": {"Fn::GetAtt": ["Address", "AllocationId"]}, "InstanceId": {"Ref": instance_id}}}


ADDRESS = {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}


def role(*statements):
    props = {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}]}}
    if statements:
        props["Policies"] = [{"PolicyName": "app", "PolicyDocument": {"Version": "2012-10-17",
                                                                      "Statement": list(statements)}}]
    return {"Type": "AWS::IAM::Role", "Properties": props}


def resources(**found):
    return {"Resources": found}


GROUP_ID = {"Fn::GetAtt": ["Sg", "GroupId"]}
STANDALONE_SSH = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": GROUP_ID, **ssh("0.0.0.0/0")}}
READ_BUCKET = {"Action": ["s3:GetObject", "s3:GetObjectVersion"], "Effect": "Allow",
               "Resource": "arn:aws:s3:::web-content/*"}
ALL_OUT = {"CidrIp": "0.0.0.0/0", "IpProtocol": "-1", "Description": "all outbound"}
HTTPS_OUT = {"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Description": "HTTPS out"}

PAIRS = {
    "wider_cidr": (resources(Sg=sg(ssh("203.0.113.7/32"))), resources(Sg=sg(ssh("203.0.113.0/24")))),
    "wider_port_range": (resources(Sg=sg(ssh("203.0.113.7/32"))), resources(Sg=sg(ssh("203.0.113.7/32", 8080)))),
    "standalone_ingress": (resources(Sg=sg()), resources(Sg=sg(), Ssh=STANDALONE_SSH)),
    "egress_to_internet": (
        resources(Sg=sg(egress=[{"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252,
                                 "ToPort": 86, "Description": "Disallow all traffic"}])),
        resources(Sg=sg(egress=[ALL_OUT]))),
    "egress_narrowed": (resources(Sg=sg(egress=[ALL_OUT])), resources(Sg=sg(egress=[HTTPS_OUT]))),
    "group_removed": (resources(Sg=sg(ssh("203.0.113.7/32")), Web=instance()), resources(Web=instance())),
    "instance_type": (resources(Web=instance()), resources(Web=instance(InstanceType="t3.micro"))),
    "user_data": (resources(Web=instance(UserData={"Fn::Base64": "#!/bin/bash\necho 1\n"})),
                  resources(Web=instance(UserData={"Fn::Base64": "#!/bin/bash\necho 2\n"}))),
    "root_volume_size": (resources(Web=instance()), resources(Web=root_volume(VolumeSize=20))),
    "delete_on_termination_only": (resources(Web=instance()), resources(Web=root_volume(DeleteOnTermination=False))),
    "tenancy": (resources(Web=instance()), resources(Web=instance(Tenancy="dedicated"))),
    "new_ami_without_elastic_ip": (resources(Web=instance()), resources(Web=instance(ImageId="ami-2"))),
    "group_replaced_under_the_instance": (
        resources(Sg=sg(), Web=instance(SecurityGroupIds=[GROUP_ID])),
        resources(Sg=sg(description="web and ssh"), Web=instance(SecurityGroupIds=[GROUP_ID]))),
    "monitoring": (resources(Web=instance()), resources(Web=instance(Monitoring=True))),
    "new_logical_id": (resources(Instance1111AAAA=with_path(instance(), "WebServer/Server1/Instance")),
                       resources(Instance1111AAAAc0ffee00=with_path(instance(), "WebServer/Server1/Instance"))),
    "construct_path_only": (resources(Web=with_path(instance(), "WebServer/Web")),
                            resources(Web=with_path(instance(), "WebServer/Server1/Web"))),
    "volume_shrinks": (resources(Data=volume(50)), resources(Data=volume(20))),
    "volume_type": (resources(Data=volume(volume_type="gp2")), resources(Data=volume(volume_type="gp3"))),
    # A data volume moved to another device: its attachment keeps its logical id (it comes from the volume's name,
    # ec2_web_server/server.py's Attach{Name}) and changes its Device.
    "attachment_device": (resources(Web=instance(), Data=volume(), Attach=attachment("Data")),
                          resources(Web=instance(), Data=volume(), Attach=attachment("Data", "/dev/sdg"))),
    "volume_encryption": (resources(Data=volume(Encrypted=True)), resources(Data=volume(Encrypted=False))),
    "volume_encrypted_false_written_out": (resources(Data=volume()), resources(Data=volume(Encrypted=False))),
    # The volume `Data` renamed `Logs`: a new logical id and construct path, attached at the same device (CDK paths).
    "volume_renamed": (
        resources(Web=instance(), DataVolume=with_path(volume(), "WebServer/Server1/VolumeData"),
                  AttachData=attachment("DataVolume")),
        resources(Web=instance(), LogsVolume=with_path(volume(), "WebServer/Server1/VolumeLogs"),
                  AttachLogs=attachment("LogsVolume"))),
    # ... and detached (detach_volumes): paired by their construct, the only volume gone and added there.
    "volume_renamed_detached": (
        resources(DataVolume=with_path(volume(), "WebServer/Server1/VolumeData")),
        resources(LogsVolume=with_path(volume(), "WebServer/Server1/VolumeLogs"))),
    # user_data_causes_replacement: the script's digest is part of the instance's logical id.
    "user_data_new_logical_id": (
        resources(Instance1111AAAA=with_path(instance(UserData={"Fn::Base64": "echo 1"}), "WebServer/Server1/Instance"),
                  Address=ADDRESS, Association=eip_for("Instance1111AAAA")),
        resources(Instance1111AAAAc0ffee00=with_path(instance(UserData={"Fn::Base64": "echo 2"}),
                                                     "WebServer/Server1/Instance"),
                  Address=ADDRESS, Association=eip_for("Instance1111AAAAc0ffee00"))),
    "launch_template_image": (resources(Template=launch_template(), Group=group()),
                              resources(Template=launch_template(ImageId="ami-2"), Group=group())),
    "launch_template_without_rolling_policy": (
        resources(Template=launch_template(), Group=group(rolling=False)),
        resources(Template=launch_template(InstanceType="t3.small"), Group=group(rolling=False))),
    "group_subnets": (resources(Template=launch_template(), Group=group()),
                      resources(Template=launch_template(), Group=group(VPCZoneIdentifier=["subnet-1", "subnet-3"]))),
    "group_size_only": (resources(Template=launch_template(), Group=group()),
                        resources(Template=launch_template(), Group=group(MaxSize="6"))),
    "load_balancer_scheme": (resources(Lb=load_balancer()), resources(Lb=load_balancer("internal"))),
    "target_group_port": (resources(Servers=target_group()), resources(Servers=target_group(8080))),
    "inline_policy": (resources(Role=with_path(role(), "WebServer/InstanceRole")),
                      resources(Role=with_path(role(READ_BUCKET), "WebServer/InstanceRole"))),
    "new_role": (resources(), resources(Role=role())),
}


# --- the site's name and HTTPS (issue 14): the shapes ec2_web_server/domain.py and load_balancer.py emit ----------

# Synthesized configurations: the Auto Scaling tier on a real name (HTTPS, a new certificate, an alias record, the
# last wait), and the same under another name.
NAMED_FLEET = {"tier": "autoscaling", "domain_name": "www.example.com", "hosted_zone": "example.com"}
NAMED_FLEET_NEW_NAME = {**NAMED_FLEET, "domain_name": "shop.example.com"}
IMPORTED_CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
ZONE = "Z0123456789ABCDEFGHIJ"


def with_imported_certificate(template):
    """A synthesized template as `-c certificate_arn=...` makes it: no certificate of its own, the listener presenting
    the imported one (the edit a second synthesis would make)."""
    template = copy.deepcopy(template)
    found = template["Resources"]
    (issued,) = [i for i, r in found.items() if r["Type"] == "AWS::CertificateManager::Certificate"]
    del found[issued]
    for resource in found.values():
        if resource["Type"] == "AWS::ElasticLoadBalancingV2::Listener" and "Certificates" in resource["Properties"]:
            resource["Properties"]["Certificates"] = [{"CertificateArn": IMPORTED_CERTIFICATE}]
    template.get("Outputs", {}).get("CertificateArn", {})["Value"] = IMPORTED_CERTIFICATE
    return template


def certificate(name="www.example.com", *alternatives):
    props = {"DomainName": name, "ValidationMethod": "DNS",
             "DomainValidationOptions": [{"DomainName": name, "HostedZoneId": ZONE}]}
    if alternatives:
        props["SubjectAlternativeNames"] = list(alternatives)
    return {"Type": "AWS::CertificateManager::Certificate", "Properties": props}


def listener(port=443, protocol="HTTPS", certificate_arn=IMPORTED_CERTIFICATE, **props):
    base = {"LoadBalancerArn": {"Ref": "Lb"}, "Port": port, "Protocol": protocol,
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Servers"}}]}
    if protocol == "HTTPS":
        base.update(Certificates=[{"CertificateArn": certificate_arn}], SslPolicy=TLS_POLICY)
    return {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {**base, **props}}


def alias_record(name="www.example.com.", record_type="A"):
    return {"Type": "AWS::Route53::RecordSet", "Properties": {
        "Name": name, "Type": record_type, "HostedZoneId": ZONE, "AliasTarget": {
            "DNSName": {"Fn::Join": ["", ["dualstack.", {"Fn::GetAtt": ["Lb", "DNSName"]}]]},
            "HostedZoneId": {"Fn::GetAtt": ["Lb", "CanonicalHostedZoneID"]}}}}


def address_record(*addresses, name="www.example.com.", ttl="300"):
    return {"Type": "AWS::Route53::RecordSet", "Properties": {
        "Name": name, "Type": "A", "HostedZoneId": ZONE, "TTL": ttl,
        "ResourceRecords": [{"Ref": address} for address in addresses]}}


BALANCED = {"Lb": load_balancer(), "Servers": target_group()}
PAIRS.update({
    "listener_tls_policy": (resources(**BALANCED, Https=listener()),
                            resources(**BALANCED, Https=listener(SslPolicy="ELBSecurityPolicy-TLS13-1-3-2021-06"))),
    "listener_port": (resources(**BALANCED, Https=listener()), resources(**BALANCED, Https=listener(8443))),
    "listener_protocol": (resources(**BALANCED, Web=listener(8080, "HTTPS")),
                          resources(**BALANCED, Web=listener(8080, "HTTP"))),
    # A listener switched between two certificates of the stack, the new one for another name only.
    "listener_switches_certificate": (
        resources(**BALANCED, Www=certificate(), Shop=certificate("shop.example.com"),
                  Https=listener(certificate_arn={"Ref": "Www"})),
        resources(**BALANCED, Www=certificate(), Shop=certificate("shop.example.com"),
                  Https=listener(certificate_arn={"Ref": "Shop"}))),
    # A name added to the certificate: replaced, and every name it covered is still covered.
    "certificate_alternative_name": (
        resources(**BALANCED, Cert=certificate(), Https=listener(certificate_arn={"Ref": "Cert"})),
        resources(**BALANCED, Cert=certificate("www.example.com", "example.com"),
                  Https=listener(certificate_arn={"Ref": "Cert"}))),
    # tier=single with a name, then with https=true: the A record to the Elastic IP becomes an alias to a new load
    # balancer under another construct id (domain.py's Address and Alias), same name and type.
    "record_moves": (resources(Address=address_record("Eip1"), Eip1=ADDRESS),
                     resources(**BALANCED, Alias=alias_record(), Eip1=ADDRESS)),
    "record_type": (resources(**BALANCED, Alias=alias_record()),
                    resources(**BALANCED, Alias=alias_record(record_type="AAAA"))),
    "record_addresses_and_ttl": (resources(Address=address_record("Eip1"), Eip1=ADDRESS, Eip2=ADDRESS),
                                 resources(Address=address_record("Eip1", "Eip2", ttl="60"), Eip1=ADDRESS, Eip2=ADDRESS)),
    "record_renamed": (resources(**BALANCED, Alias=alias_record()),
                       resources(**BALANCED, Alias=alias_record("shop.example.com."))),
    # A certificate whose name is not in a Route 53 zone CloudFormation knows: someone must add ACM's record.
    "certificate_without_zone": (resources(), resources(Cert={**certificate(), "Properties": {
        "DomainName": "www.example.com", "ValidationMethod": "DNS"}})),
    # The last wait under another logical id, same construct: created anew.
    "wait_condition_renamed": (
        resources(SiteAnswersAAAA1111=with_path({"Type": "AWS::CloudFormation::WaitCondition", "CreationPolicy": {
            "ResourceSignal": {"Count": 1, "Timeout": "PT20M"}}}, "WebServer/Domain/SiteAnswers")),
        resources(SiteAnswersBBBB2222=with_path({"Type": "AWS::CloudFormation::WaitCondition", "CreationPolicy": {
            "ResourceSignal": {"Count": 1, "Timeout": "PT20M"}}}, "WebServer/Domain/SiteAnswers"))),
    "record_follows_replaced_load_balancer": (
        resources(Lb=load_balancer(), Alias=alias_record()), resources(Lb=load_balancer("internal"), Alias=alias_record())),
})
