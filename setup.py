"""For scrapyd-deploy, which builds eggs with setup.py; all metadata is in pyproject.toml."""

from setuptools import setup

setup()
