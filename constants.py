"""Names that the app, its tools and its tests share: each has one home, here.

The example environment is the local emulator's (moto's default account and region). Without AWS
credentials the app targets it, and its lookups are committed in cdk.context.json, so synthesis is
offline and gives the same template on every machine.
"""

from __future__ import annotations

#: The one stack this app deploys.
STACK_NAME = "WebServerStack"
#: The tag on every resource the stack creates, so `make audit` can find what is left behind.
APP_TAG_KEY = "app"
APP_TAG_VALUE = "ec2-web-server"
#: The documented example environment (the emulator's account and region).
EXAMPLE_ACCOUNT = "123456789012"
EXAMPLE_REGION = "us-east-1"
#: The CDK's own switch for aws-cdk-lib's built-in CloudFormation validation (`cdk synth --no-validation` sets it to
#: "false"); app.py also reads "true", to validate where it would otherwise skip it (see app.builtin_validation).
VALIDATION_ENV = "CDK_VALIDATION"
