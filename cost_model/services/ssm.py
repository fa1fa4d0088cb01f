"""AWS Systems Manager: standard parameters cost nothing."""

PRICED: dict = {}
FREE = frozenset({"AWS::SSM::Parameter"})
