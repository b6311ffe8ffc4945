"""Every fault the fake can produce, at the client level: the error class,
a user message that is one clear line with a next step (no raw JSON, no
traceback, no key), partial text kept, recovery on the same client, and
docs/fault-matrix.md generated from exactly these outcomes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grok_tui.api.errors import ERROR_KINDS
from grok_tui.api.events import Completed, Failed
from tests.hardening.fault_cases import CASES, KEY, FaultCase, Outcome, matrix_markdown, run_all
from tests.hardening.make_fault_matrix import DOC
from tests.hardening.tool_faults import TOOL_FAULTS, ToolFault

KEY_PARTS = ("SECRET-canary", "1234567890", "9876543210")


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    return {o.case.name: o for o in run_all()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault(outcomes: dict[str, Outcome], case: FaultCase) -> None:
    o = outcomes[case.name]
    last = o.events[-1]
    terminals = [e for e in o.events if isinstance(e, (Completed, Failed))]
    assert terminals == [last]
    if not case.kind:
        assert isinstance(last, Completed) and last.text
        return
    assert isinstance(last, Failed)
    assert o.error is not None
    assert type(o.error) is ERROR_KINDS[case.kind], (o.error, case.kind)
    if case.status is not None:
        assert o.error.status == case.status
    msg = o.user_message
    assert msg and "\n" not in msg and len(msg) < 400
    assert msg.rstrip().endswith(".")
    assert "HTTP 200" not in msg  # a 200 is not a failure status to the user
    assert o.error.hint and msg.endswith(o.error.hint)  # the next step
    for bad in ('{"', '"code"', "Traceback", 'File "', "httpx.", "<class"):
        assert bad not in msg
    for part in KEY_PARTS:
        assert part not in msg and part not in repr(o.error) and part not in str(o.error.to_dict())
    assert KEY not in msg
    if case.partial:
        assert last.partial and o.kept_text, "content delivered before the fault is kept"
    else:
        assert not last.partial and not o.kept_text
    if case.kind == "rate_limited" and case.scenario == "error_429":
        assert o.error.retry_after == 1.0
    if case.scenario == "error_429_no_retry_after":
        assert o.error.retry_after is None
    if case.special != "closed_port":
        assert o.recovered is True, "the next request on the same client succeeds"


def test_fault_matrix_doc_is_current(outcomes: dict[str, Outcome]) -> None:
    expected = matrix_markdown([outcomes[c.name] for c in CASES])
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/fault-matrix.md is stale: run .venv/bin/python -m tests.hardening.make_fault_matrix"
    )


@pytest.mark.parametrize("row", TOOL_FAULTS, ids=lambda r: r.fault[:40])
def test_tool_fault_rows_name_tests_that_exist(row: ToolFault) -> None:
    """Each test a "Tools and documents" row names is defined in its file."""
    root = Path(__file__).resolve().parents[2]
    assert row.tests
    for node in row.tests:
        path, _, name = node.partition("::")
        source = (root / path).read_text(encoding="utf-8")
        assert re.search(rf"^(async )?def {re.escape(name)}\(", source, re.MULTILINE), node
