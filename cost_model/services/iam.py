"""AWS IAM: roles, policies and instance profiles cost nothing."""

PRICED: dict = {}
FREE = frozenset({"AWS::IAM::InstanceProfile", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role"})
