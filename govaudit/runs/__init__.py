"""The run context: which audit a crawl (or a rescore, a report) belongs to, built once and handed to
every component. See docs/ARCHITECTURE.md, "The run"."""

from govaudit.runs.context import AuditRun, Role, attach_run, current_run, require_run

__all__ = ["AuditRun", "Role", "attach_run", "current_run", "require_run"]
