"""Reusable constructs of this project.

The folder is deliberately not called ``constructs``: a top-level package of that name would shadow
the ``constructs`` library that aws-cdk-lib itself imports.
"""

from .ebs import EBS_LIMITS, DataVolume, RootVolume
from .errors import SettingError
from .server import Server
from .web_server import WebServer

__all__ = ["EBS_LIMITS", "DataVolume", "RootVolume", "Server", "SettingError", "WebServer"]
