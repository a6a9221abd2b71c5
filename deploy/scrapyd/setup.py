"""setup.py for the scrapyd egg (used by deploy/scrapyd/deploy.sh from a staging copy of the project).

scrapyd needs the `scrapy` entry point naming the settings module; the package data (keyword tables,
demo data, migrations) must be in the egg too."""

from setuptools import find_packages, setup

setup(
    name="govaudit",
    version="0.1.0",
    packages=find_packages(include=["govaudit", "govaudit.*"]),
    package_data={"govaudit": ["data/*.yaml", "demo/*.yaml", "store/migrations/*.ini",
                               "store/migrations/*.py", "store/migrations/versions/*.py",
                               "store/migrations/*.mako"]},
    entry_points={"scrapy": ["settings = govaudit.settings"]},
    zip_safe=False,
)
