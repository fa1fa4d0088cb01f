"""What an instance runs at first boot: the user data, built the same way for every server.

In order: CDK's exit trap (our success check, then cfn-signal with the result), the site's archive
downloaded from its asset (when ``site_dir`` is given), the Apache install script, then the
caller's own commands. The check runs last, in the trap, so commands added later
(``instance.user_data.add_commands``) also run before CloudFormation hears of success, and a failure
in any of them fails the deploy.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

_SCRIPTS = resources.files("ec2_web_server.user_data")
#: Installs Apache and puts the site in place.
INSTALL_APACHE_SCRIPT = _SCRIPTS.joinpath("install_apache.sh")
#: Run by the exit trap: success only when every step succeeded and Apache answers.
ON_EXIT_SCRIPT = _SCRIPTS.joinpath("on_exit.sh")
#: Waits for the site on its public name, then signals the SiteAnswers wait condition.
CHECK_SITE_SCRIPT = _SCRIPTS.joinpath("check_site.sh")
#: With logs: installs and starts the CloudWatch agent.
CLOUDWATCH_AGENT_SCRIPT = _SCRIPTS.joinpath("cloudwatch_agent.sh")
#: Where the agent's configuration is written.
CLOUDWATCH_AGENT_CONFIG_PATH = "/opt/aws/amazon-cloudwatch-agent/etc/web-server.json"
#: Where the instance keeps check_site.sh (the tests point WEB_SERVER_SITE_CHECK_SCRIPT elsewhere).
CHECK_SITE_PATH = "/usr/local/lib/web-server/check-site.sh"
#: EC2: "user data is limited to 16 KB", in raw form, before it is base64-encoded.
MAX_USER_DATA_BYTES = 16 * 1024


@functools.cache
def _text(script: Traversable) -> str:
    """A boot script's text, read once per process however many servers and stacks use it."""
    return script.read_text()


@dataclass(frozen=True)
class SiteCheck:
    """The site's public URL, and the cfn-signal arguments that tell CloudFormation it answers."""

    url: str
    signal_arguments: str


def web_server_user_data(*, site: Optional[s3_assets.Asset] = None, commands: Sequence[str] = (),
                         site_check: Optional[SiteCheck] = None,
                         cloudwatch_agent_config: Optional[str] = None) -> ec2.UserData:
    """User data for one instance, or every instance of a group.

    The caller adds ``user_data.add_signal_on_exit_command(resource)`` once the resource that
    CloudFormation waits on exists (the instance, or the Auto Scaling group): it follows the check.

    :param site: the site's files, published as a zip asset; the instance role must be able to read it.
    :param commands: shell commands run after Apache is installed and before the success check.
    :param site_check: with a domain name: once the instance answers, wait for the site on its name and
        signal the wait condition the deploy's end depends on.
    :param cloudwatch_agent_config: with logs: the CloudWatch agent's configuration (JSON); the agent is
        installed and started with it after Apache.
    """
    user_data = ec2.UserData.for_linux()
    user_data.add_on_exit_commands(_text(ON_EXIT_SCRIPT))
    if site_check is not None:
        user_data.add_commands(
            f"export WEB_SERVER_SITE_URL='{site_check.url}'",
            f"export WEB_SERVER_SITE_SIGNAL='{site_check.signal_arguments}'",
            f'SITE_CHECK_SCRIPT="${{WEB_SERVER_SITE_CHECK_SCRIPT:-{CHECK_SITE_PATH}}}"',
            'mkdir -p "$(dirname "$SITE_CHECK_SCRIPT")"',
            f"cat > \"$SITE_CHECK_SCRIPT\" <<'CHECK_SITE'\n{_text(CHECK_SITE_SCRIPT)}CHECK_SITE",
        )
    if site is not None:
        archive = user_data.add_s3_download_command(bucket=site.bucket, bucket_key=site.s3_object_key)
        user_data.add_commands(f"export WEB_SERVER_SITE_ARCHIVE='{archive}'")
    if cloudwatch_agent_config is not None:
        user_data.add_commands(
            f'CLOUDWATCH_AGENT_CONFIG="${{WEB_SERVER_CLOUDWATCH_AGENT_CONFIG:-{CLOUDWATCH_AGENT_CONFIG_PATH}}}"',
            'mkdir -p "$(dirname "$CLOUDWATCH_AGENT_CONFIG")"',
            f"cat > \"$CLOUDWATCH_AGENT_CONFIG\" <<'AGENT_CONFIG'\n{cloudwatch_agent_config}\nAGENT_CONFIG")
    user_data.add_commands(_text(INSTALL_APACHE_SCRIPT))
    if cloudwatch_agent_config is not None:
        user_data.add_commands(_text(CLOUDWATCH_AGENT_SCRIPT))
    if commands:
        user_data.add_commands("# user_data_commands", *commands)
    return user_data


def user_data_size(scope: Construct, user_data: ec2.UserData) -> int:
    """The rendered script's size in bytes, at least: its text, without the references (the stack's name, the
    asset bucket's...) that only CloudFormation fills in."""
    return _literal_bytes(cdk.Stack.of(scope).resolve(user_data.render()))


def _literal_bytes(value: object) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return sum(_literal_bytes(part) for part in parts) + len(separator.encode()) * max(0, len(parts) - 1)
    return 0  # a reference, known only at deploy
