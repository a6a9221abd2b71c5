"""Prints the fault matrix (tests/faults/matrix.py) in the terminal summary, whatever -s says."""

from __future__ import annotations

from typing import Any

from .matrix import ROWS, print_matrix


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if ROWS:
        terminalreporter.section("govaudit fault matrix (fault -> outcome recorded, requests, bytes, peak RSS)")
        print_matrix(terminalreporter.write_line)
