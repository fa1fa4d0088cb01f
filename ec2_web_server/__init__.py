"""``ec2_web_server``: the classic "launch a web server on EC2" walk-through as a reusable AWS CDK construct.

    pip install .            # from a clone (or: pip install git+https://.../ec2-web-server-cdk.git)
    from ec2_web_server import WebServer

The package is deliberately not called ``constructs``: a top-level package of that name would shadow
the ``constructs`` library that aws-cdk-lib itself imports.
"""

from importlib.metadata import version as _version

from .ebs import EBS_LIMITS, DataVolume, RootVolume
from .errors import SettingError
from .options import AutoScaling, Backup, Ingress, PatchSchedule, Schedule
from .server import Server
from .web_server import WebServer

#: The installed distribution's version (pyproject.toml is its one home).
__version__ = _version("cdk-ec2-web-server")

__all__ = ["EBS_LIMITS", "AutoScaling", "Backup", "DataVolume", "Ingress", "PatchSchedule", "RootVolume", "Schedule",
           "Server", "SettingError", "WebServer", "__version__"]
