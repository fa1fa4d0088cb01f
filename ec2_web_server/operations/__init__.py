"""Day two: what a team needs to run the web server for months, each part one prop away.

- :mod:`.alarms`: an encrypted, TLS-only SNS topic mailing ``alarm_email``, and the alarms that heal and
  notify (recover and reboot a hand-managed server; unhealthy targets, 5xx and a group at its maximum);
- :mod:`.logs`: log groups for Apache's and the boot's logs, fed by the CloudWatch agent;
- :mod:`.backup`: an AWS Backup plan, vault and selection by the stack's tag;
- :mod:`.schedule`: stop and start on a schedule (EventBridge Scheduler, or the group's scheduled actions);
- :mod:`.budget`: an AWS Budgets monthly cost budget for the stack's tag;
- :mod:`.patching`: the operating system patched on a schedule, one server at a time (Systems Manager).
"""

from .alarms import Alarms
from .backup import Backups
from .budget import Budget
from .logs import LogShipping
from .patching import Patching
from .schedule import RunSchedule

__all__ = ["Alarms", "Backups", "Budget", "LogShipping", "Patching", "RunSchedule"]
