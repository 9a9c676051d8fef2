"""Cutting a text at annotation boundaries never loses, repeats or reorders a character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from overheard.web.markup import Span, cut
from overheard.web.templating import clock, snippet


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, int, list[Span]]:
    text = draw(st.text(min_size=0, max_size=80))
    base = draw(st.integers(0, 50))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, base + len(text) + 5))
        b = draw(st.integers(a + 1, a + 40))
        spans.append(Span(a, b, (draw(st.sampled_from(["mention", "st-content"])),),
                          anchor=f"x-{a}", entity=draw(st.none() | st.integers(1, 9)), mention=True))  # fmt: skip
    return text, base, spans


@given(text_and_spans())
def test_pieces_rebuild_the_text(case: tuple[str, int, list[Span]]) -> None:
    text, base, spans = case
    pieces = cut(text, spans, base)
    assert "".join(p.text for p in pieces) == text
    assert all(p.text for p in pieces)


def test_nested_spans_take_both_classes_and_link_the_innermost() -> None:
    text = "He said Kursk was quiet."
    outer = Span(8, 23, ("st-content",), anchor="statement-1")
    inner = Span(8, 13, ("mention", "m-GPE"), anchor="mention-4", entity=7, mention=True)
    pieces = cut(text, [outer, inner])
    assert [p.text for p in pieces] == ["He said ", "Kursk", " was quiet", "."]
    kursk = pieces[1]
    assert kursk.classes == ["st-content", "mention", "m-GPE"] and kursk.entity == 7
    assert kursk.anchors == ["statement-1", "mention-4"]
    assert pieces[2].entity is None and pieces[2].anchors == []


@given(st.text(max_size=400), st.data())
def test_snippet_keeps_every_highlight_inside_the_window(text: str, data: st.DataObject) -> None:
    if not text:
        return
    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    pieces = snippet(text, [[a, b]], width=120)
    marked = [t for t, hit in pieces if hit]
    assert marked and text[a:b].startswith(marked[0])
    assert "".join(t for t, _ in pieces).replace("…", "") in text.replace("…", "") or "…" in text


def test_clock() -> None:
    assert clock(None) == "" and clock(3.59) == "0:03.6" and clock(3725) == "1:02:05.0"
