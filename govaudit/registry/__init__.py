"""Site registry: sites are data, not code."""

from govaudit.registry.load import load_registry
from govaudit.registry.model import Registry, RegistryError, RowError, Site

__all__ = ["Registry", "RegistryError", "RowError", "Site", "load_registry"]
