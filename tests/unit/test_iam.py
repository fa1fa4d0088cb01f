"""What the instance role may do, judged the way IAM does: an explicit Deny beats any Allow.

AmazonSSMManagedInstanceCore (AWS managed, so not in the template) allows ssm:GetParameter and
ssm:GetParameters on every parameter (its policy document, as of 2026); the stack's own policy must
take the SSH private key back out of that.
"""

import fnmatch

MANAGED_SSM_CORE_ALLOWS = [{"Effect": "Allow", "Action": ["ssm:GetParameter", "ssm:GetParameters"], "Resource": "*"}]
KEY_PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/ec2/keypair/key-0123456789abcdef0"


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _resource_pattern(resource) -> str:
    """A template resource as an ARN pattern: references become wildcards (the key pair id is unknown here)."""
    if isinstance(resource, str):
        return resource
    parts = resource["Fn::Join"][1]
    return "".join(part if isinstance(part, str) else "*" for part in parts)


def role_statements(result) -> list[dict]:
    (role_id,) = [k for k, v in result.resources("AWS::IAM::Role").items()
                  if "ec2.amazonaws.com" in str(v["Properties"]["AssumeRolePolicyDocument"])]
    statements = list(MANAGED_SSM_CORE_ALLOWS)
    for policy in result.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def decision(statements, action: str, resource: str) -> str:
    matching = [s for s in statements
                if any(fnmatch.fnmatch(action, a) for a in _as_list(s["Action"]))
                and any(fnmatch.fnmatch(resource, _resource_pattern(r)) for r in _as_list(s["Resource"]))]
    if any(s["Effect"] == "Deny" for s in matching):
        return "deny"
    return "allow" if matching else "implicit deny"


def test_the_instance_cannot_read_the_ssh_private_key(default):
    statements = role_statements(default)
    for action in ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParameterHistory"):
        assert decision(statements, action, KEY_PARAMETER) == "deny", action
    # By path, the parameter's path is what IAM authorizes: every path is denied.
    for path in ("parameter/ec2/keypair", "parameter/ec2", "parameter/"):
        assert decision(statements, "ssm:GetParametersByPath", f"arn:aws:ssm:us-east-1:123456789012:{path}") == "deny"


def test_other_parameters_stay_readable_as_session_manager_needs(default):
    other = "arn:aws:ssm:us-east-1:123456789012:parameter/app/setting"
    assert decision(role_statements(default), "ssm:GetParameter", other) == "allow"


def test_no_deny_is_needed_with_an_existing_key_pair(loaded):
    # The stack stores no private key then; the role keeps only Session Manager's policy.
    assert role_statements(loaded) == MANAGED_SSM_CORE_ALLOWS
