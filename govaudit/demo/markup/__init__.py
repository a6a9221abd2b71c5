"""Markup of the demo sites, one module per concern (page shell, lists per CMS family, other pages, assets)."""
