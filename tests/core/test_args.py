from __future__ import annotations

import datetime as dt

import pytest

from govaudit.spiders.args import ArgumentError, parse_audit_args


def parse(**kw: str):
    return parse_audit_args(kw, default_registry="demo", default_rubric="inspection-2019", tz="Asia/Shanghai")


def test_defaults() -> None:
    a = parse()
    assert a.registry == "demo" and a.rubric == "inspection-2019" and a.kind == "audit"
    assert a.asof <= dt.date.today() + dt.timedelta(days=1)
    assert a.sample is None and a.sites == ()


def test_values() -> None:
    a = parse(asof="2017-12-15", site="A, B", rubric="census-2015")
    assert a.asof == dt.date(2017, 12, 15) and a.sites == ("A", "B")
    b = parse(sample="30%", seed="q4")
    assert b.sample == pytest.approx(0.3) and b.kind == "spotcheck" and b.seed == "q4"


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"asof": "2017-13-45"}, "YYYY-MM-DD"),
        ({"asof": "2999-01-01"}, "future"),
        ({"sample": "0"}, "(0, 1]"),
        ({"sample": "1.5"}, "(0, 1]"),
        ({"sample": "abc"}, "share"),
        ({"sample": "0.3", "site": "A"}, "exclude"),
        ({"run": "../../etc"}, "run id"),
        ({"render": "sometimes"}, "auto"),
        ({"colour": "red"}, "unknown argument"),
    ],
)
def test_bad_arguments_have_clear_messages(kw: dict[str, str], words: str) -> None:
    with pytest.raises(ArgumentError, match=words.replace("(", r"\(").replace(")", r"\)").replace("]", r"\]")):
        parse(**kw)
