"""score_site on a real SQLite file: stored rows, idempotence; rescore into a new run; manual import."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from govaudit.commands import findings as findings_cmd
from govaudit.commands import rescore as rescore_cmd
from govaudit.scoring.manual import ManualFindingError, import_manual_findings
from govaudit.scoring.service import score_run, score_site
from govaudit.store import models as m

from .conftest import RUBRICS_DIR
from .factory import ASOF, Factory


@pytest.fixture
def file_session(db_url):
    engine = create_engine(db_url)
    m.Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


def _rows(session: Session, run_id: str, site_id: str):
    score = session.get(m.Score, (run_id, site_id))
    found = session.scalars(select(m.Finding).where(m.Finding.run_id == run_id, m.Finding.site_id == site_id)
                            .order_by(m.Finding.id)).all()
    return ((score.verdict, score.score, score.deduction_score, score.bonus, score.vetoes, score.reason),
            [(f.indicator, f.category, f.points, f.message, f.evidence, f.manual) for f in found])


def _two_sites(session: Session) -> Factory:
    f = Factory(session)
    f.good_site("good")
    f.good_site("stale")
    f.column("stale", "区县动态", "news", [20])
    f.manual("stale", "C19-D16", 7, "留言提交功能不可用")
    f.commit()
    return f


def test_score_site_writes_rows_and_is_idempotent(db_url, file_session, r19):
    _two_sites(file_session)
    first = score_site(file_session, "run1", "stale", r19, ASOF, commit=True)
    rows1 = _rows(file_session, "run1", "stale")
    score_site(file_session, "run1", "stale", r19, ASOF, commit=True)
    # read back through a fresh connection to the same file
    engine = create_engine(db_url)
    with Session(engine) as other:
        rows2 = _rows(other, "run1", "stale")
        n_scores = other.scalar(select(func.count()).select_from(m.Score))
    engine.dispose()
    assert rows1 == rows2 and n_scores == 1
    assert first.verdict == "qualified" and first.deduction_score == 88
    assert rows1[0][0] == "qualified"
    assert ("C19-D16", "deduction", 7.0) in [r[:3] for r in rows1[1]]
    manual = [r for r in rows1[1] if r[5]]
    assert manual and manual[0][4]["author"] == "tester"


def test_score_run_scores_every_site(file_session, r15):
    _two_sites(file_session)
    results = score_run(file_session, "run1", r15, ASOF)
    assert set(results) == {"good", "stale"}
    assert file_session.scalar(select(func.count()).select_from(m.Score).where(m.Score.run_id == "run1")) == 2
    assert results["stale"].deduction_score == 97   # P15-D4a −3 (C19-D16 is no 2015 indicator)


def _command(cmd_cls, db_url: str, argv: list[str]):
    cmd = cmd_cls()
    cmd.settings = Settings({"GOVAUDIT_DATABASE_URL": db_url, "GOVAUDIT_RUBRICS_DIR": str(RUBRICS_DIR),
                             "GOVAUDIT_DEFAULT_RUBRIC": "inspection-2019", "LOG_LEVEL": "INFO"})
    parser = argparse.ArgumentParser()
    cmd.add_options(parser)
    opts, args = parser.parse_known_args(argv)
    cmd.run(args, opts)
    return cmd


def test_rescore_under_the_other_rubric_into_a_new_run(db_url, file_session, r19, capsys):
    _two_sites(file_session)
    score_run(file_session, "run1", r19, ASOF)
    before = file_session.scalar(select(func.count()).select_from(m.Article))
    _command(rescore_cmd.Command, db_url, ["run1", "--rubric", "census-2015", "--asof", "2024-07-20"])
    out = capsys.readouterr().out
    file_session.expire_all()
    runs = file_session.scalars(select(m.Run).where(m.Run.kind == "rescore")).all()
    assert len(runs) == 1
    new = runs[0]
    assert new.parent_run_id == "run1" and new.rubric == "census-2015" and new.asof == dt.date(2024, 7, 20)
    assert new.status == "finished" and new.id in out and "sites 2" in out
    # nothing copied: evidence rows only under run1
    assert file_session.scalar(select(func.count()).select_from(m.Article)) == before
    assert file_session.scalar(select(func.count()).select_from(m.Column).where(m.Column.run_id == new.id)) == 0
    # 20 days later the home page (newest entry on the old as-of date) has not been updated for 2 weeks
    score = file_session.get(m.Score, (new.id, "good"))
    assert score.rubric == "census-2015" and "P15-V2" in score.vetoes and score.verdict == "unqualified"
    # the original run's scores are untouched
    assert file_session.get(m.Score, ("run1", "good")).verdict == "qualified"
    # rescoring the rescore reads the same evidence (run1) again
    _command(rescore_cmd.Command, db_url, [new.id, "--asof", "2024-06-30"])
    file_session.expire_all()
    latest = file_session.scalars(select(m.Run).where(m.Run.parent_run_id == new.id)).one()
    assert latest.evidence_run_id == "run1" and new.evidence_run_id == "run1"
    assert file_session.get(m.Score, (latest.id, "good")).verdict == "qualified"


def test_rescore_unknown_run_fails_cleanly(db_url, file_session, capsys):
    cmd = _command(rescore_cmd.Command, db_url, ["nope"])
    assert cmd.exitcode == 1 and "not found" in capsys.readouterr().out


def test_findings_import_csv_and_yaml(db_url, file_session, r19, tmp_path: Path, capsys):
    _two_sites(file_session)
    csv_file = tmp_path / "manual.csv"
    csv_file.write_text(
        "site_id,indicator,points,message,author,valid_from,evidence_url\n"
        "good,C19-V1,,将市长姓名写错,张三,2024-06-01,http://www.good.gov.cn/art/1.html\n",
        "utf-8",
    )
    cmd = _command(findings_cmd.Command, db_url, ["import", str(csv_file)])
    assert cmd.exitcode == 0 and "imported 1" in capsys.readouterr().out
    _command(findings_cmd.Command, db_url, ["import", str(csv_file)])          # same row again: skipped
    assert "imported 0" in capsys.readouterr().out
    file_session.expire_all()
    result = score_site(file_session, "run1", "good", r19, ASOF, commit=True)
    assert result.vetoes == ["C19-V1"] and result.verdict == "unqualified"
    veto = next(f for f in result.findings if f.indicator == "C19-V1")
    assert veto.manual and veto.evidence["url"] == "http://www.good.gov.cn/art/1.html"

    yml = tmp_path / "manual.yaml"
    yml.write_text("findings:\n  - {site_id: good, indicator: C19-D8, points: 0.5, message: 解读未关联, author: 李四}\n",
                   "utf-8")
    assert import_manual_findings(file_session, yml, {"C19-D8"}) == 1


def test_findings_import_rejects_bad_rows_with_row_numbers(db_url, file_session, tmp_path, capsys):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "site_id,indicator,points,message,author,valid_from\n"
        "good,C19-D16,seven,无法提交,张三,2024-06-01\n"
        "good,C19-XX,1,未知指标,张三,\n"
        ",C19-D16,1,,张三,2024-13-01\n",
        "utf-8",
    )
    cmd = _command(findings_cmd.Command, db_url, ["import", str(csv_file)])
    out = capsys.readouterr().out
    assert cmd.exitcode == 1 and "nothing imported" in out
    assert "bad.csv row 2: points must be a number" in out
    assert "bad.csv row 3: unknown indicator 'C19-XX'" in out
    assert "bad.csv row 4: missing site_id" in out and "bad.csv row 4: missing message" in out
    assert "row 4: valid_from must be a date" in out
    assert file_session.scalar(select(func.count()).select_from(m.ManualFinding)) == 0
    txt = tmp_path / "x.txt"
    txt.write_text("site_id\n", "utf-8")
    with pytest.raises(ManualFindingError, match="unsupported file type"):
        import_manual_findings(file_session, txt)
