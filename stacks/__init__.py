"""Stacks compose constructs from ``cdk_constructs`` and turn settings into their arguments."""
