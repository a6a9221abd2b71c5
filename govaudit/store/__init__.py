"""SQL storage of runs, evidence, scores and findings (SQLAlchemy 2.x; SQLite or PostgreSQL)."""
