"""The scripts the web server's instances run at first boot.

This folder stays at the top of the repository, where people look for it; the package maps it into
the installed construct as ``ec2_web_server.user_data`` (pyproject.toml), and the construct reads the
scripts with ``importlib.resources``, so they travel with the wheel.
"""
