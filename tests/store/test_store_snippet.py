from __future__ import annotations

from grok_tui.store.index import fts_query, make_snippet


def test_fts_query_quotes_words_as_prefixes() -> None:
    assert fts_query('rust "borrow" AND x*') == '"rust"* "borrow"* "AND"* "x*"*'
    assert fts_query("   ") is None


def test_snippet_around_first_match() -> None:
    text = "word " * 100 + "the Borrow checker rules " + "tail " * 100
    snip = make_snippet(text, ["borrow"])
    assert "Borrow checker" in snip and snip.startswith("…") and snip.endswith("…")
    assert len(snip) < 100
    assert make_snippet("short borrowed text", ["borrow"]) == "short borrowed text"
    assert make_snippet("reborrow", ["borrow"]) == ""  # prefix of a word, like FTS
    assert make_snippet("line one\nline\ttwo match", ["match"]) == "line one line two match"
    assert make_snippet("", ["x"]) == "" and make_snippet("x", []) == ""
