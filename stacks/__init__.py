"""Stacks compose constructs from ``ec2_web_server`` and turn settings into their arguments."""
