"""What an instance runs at first boot: the user data, built the same way for every server.

In order: CDK's exit trap (our success check, then cfn-signal with the result), the site's archive
downloaded from its asset (when ``site_dir`` is given), the Apache install script, then the
caller's own commands. The check runs last, in the trap, so commands added later
(``instance.user_data.add_commands``) also run before CloudFormation hears of success, and a failure
in any of them fails the deploy.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Optional

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3_assets as s3_assets

_SCRIPTS = resources.files("ec2_web_server.user_data")
#: Installs Apache and puts the site in place.
INSTALL_APACHE_SCRIPT = _SCRIPTS.joinpath("install_apache.sh")
#: Run by the exit trap: success only when every step succeeded and Apache answers.
ON_EXIT_SCRIPT = _SCRIPTS.joinpath("on_exit.sh")


def web_server_user_data(*, site: Optional[s3_assets.Asset] = None, commands: Sequence[str] = ()) -> ec2.UserData:
    """User data for one instance, or every instance of a group.

    The caller adds ``user_data.add_signal_on_exit_command(resource)`` once the resource that
    CloudFormation waits on exists (the instance, or the Auto Scaling group): it follows the check.

    :param site: the site's files, published as a zip asset; the instance role must be able to read it.
    :param commands: shell commands run after Apache is installed and before the success check.
    """
    user_data = ec2.UserData.for_linux()
    user_data.add_on_exit_commands(ON_EXIT_SCRIPT.read_text())
    if site is not None:
        archive = user_data.add_s3_download_command(bucket=site.bucket, bucket_key=site.s3_object_key)
        user_data.add_commands(f"export WEB_SERVER_SITE_ARCHIVE='{archive}'")
    user_data.add_commands(INSTALL_APACHE_SCRIPT.read_text())
    if commands:
        user_data.add_commands("# user_data_commands", *commands)
    return user_data
