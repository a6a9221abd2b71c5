from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from govaudit.scoring.model import Rubric
from govaudit.scoring.rubric import load_rubric
from govaudit.store import models as m

from .factory import Factory

RUBRICS_DIR = Path(__file__).resolve().parents[2] / "rubrics"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'govaudit.sqlite'}"


@pytest.fixture
def session() -> Iterator[Session]:
    """An in-memory SQLite database with the real schema (service tests use a file, see db_url)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    m.Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


@pytest.fixture
def factory(session: Session) -> Factory:
    return Factory(session)


@pytest.fixture(scope="session")
def r19() -> Rubric:
    return load_rubric("inspection-2019", RUBRICS_DIR)


@pytest.fixture(scope="session")
def r15() -> Rubric:
    return load_rubric("census-2015", RUBRICS_DIR)
