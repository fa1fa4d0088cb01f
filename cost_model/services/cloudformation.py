"""AWS CloudFormation: wait conditions and their handles cost nothing."""

PRICED: dict = {}
FREE = frozenset({"AWS::CloudFormation::WaitCondition", "AWS::CloudFormation::WaitConditionHandle"})
