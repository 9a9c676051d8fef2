"""RSS and Atom feeds saved as files (fixtures/wire.rss, fixtures/notes.atom, written for these
tests): one document per item with its full text, title, link, date and feed; the same feed
saved again later adds only new items; broken XML keeps the items before the break."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from overheard.ingest.ingest import FAILED, NEW, PRESENT, Ingestor
from overheard.store.schema import Document

FIXTURES = Path(__file__).parent / "fixtures"


def _docs(case) -> dict[str, Document]:
    with case.reader() as s:
        docs = s.scalars(select(Document)).all()
        for d in docs:
            _ = d.source
        return {d.title: d for d in docs}


def test_feed_items_become_documents(case, settings):
    report = Ingestor(case, settings).ingest([FIXTURES / "wire.rss", FIXTURES / "notes.atom"])
    assert [o.status for o in report.outcomes] == [NEW, NEW, FAILED, NEW]
    docs = _docs(case)
    denial = docs["Ministry denies strike on bridge"]
    # The headline, then the full text from content:encoded (not the one-line description),
    # and no markup.
    assert denial.text.startswith(
        "Ministry denies strike on bridge\n\nThe defence ministry on Monday denied that the bridge"
    )
    assert "a spokesman told reporters" in denial.text and "<" not in denial.text
    assert denial.url == "https://wire.example.org/2024/03/bridge"
    assert denial.published_at.replace(tzinfo=UTC) == datetime(2024, 3, 4, 10, tzinfo=UTC)
    assert denial.source.name == "Example Wire"
    assert denial.external_id == "feed:https://wire.example.org/#wire-1001"
    assert denial.meta["feed"]["author"] == "A. Reporter"
    assert denial.meta["feed"]["tags"] == ["bridge"]
    assert (denial.language, denial.part) == ("en", 1)
    governor = docs["Governor: no casualties"]
    assert governor.text == (
        "Governor: no casualties\n\n"
        "The regional governor said there were no casualties after the overnight attack."
    )
    assert governor.meta["feed"]["text_from"] == "summary"
    atom = docs["Интервью с командиром"]
    assert atom.text == (
        "Интервью с командиром\n\nКомандир батальона заявил, что подразделение получило новые дроны."
    )
    assert (atom.language, atom.source.name, atom.url) == (
        "ru", "Field Notes", "https://notes.example.org/1"
    )  # fmt: skip
    assert report.failures[0].reason == (
        "item 3 (Headline only) has no text (no content or description)"
    )


def test_the_feed_saved_again_adds_only_new_items(case, settings, tmp_path):
    Ingestor(case, settings).ingest([FIXTURES / "wire.rss"])
    later = FIXTURES.joinpath("wire.rss").read_text(encoding="utf-8")
    new_item = """<item>
    <title>Bridge reopens</title>
    <link>https://wire.example.org/2024/03/reopens</link>
    <guid isPermaLink="false">wire-1003</guid>
    <pubDate>Wed, 06 Mar 2024 07:00:00 +0000</pubDate>
    <description>The bridge reopened to traffic on Wednesday morning, officials said.</description>
  </item>
  <item>
    <title>Ministry denies strike on bridge</title>"""
    # A newer item first, and the old ones with their text edited a little: the same items.
    later = later.replace(
        "<item>\n    <title>Ministry denies strike on bridge</title>", new_item, 1
    )
    later = later.replace("after the overnight attack.", "after the attack overnight.")
    saved = tmp_path / "wire-later.rss"
    saved.write_text(later, encoding="utf-8")
    report = Ingestor(case, settings).ingest([saved])
    assert [(o.part, o.status) for o in report.outcomes] == [
        (1, NEW), (2, PRESENT), (3, PRESENT), (4, FAILED)
    ]  # fmt: skip
    assert "Bridge reopens" in _docs(case)


def test_broken_xml_keeps_the_items_before_the_break(case, settings, tmp_path):
    text = FIXTURES.joinpath("wire.rss").read_text(encoding="utf-8")
    broken = tmp_path / "cut.rss"
    # Cut inside the second item's description: the first item is kept, the second is not
    # kept as if whole, and the break is reported.
    broken.write_text(text[: text.index("no casualties after")], encoding="utf-8")
    report = Ingestor(case, settings).ingest([broken])
    assert [o.status for o in report.outcomes] == [NEW, FAILED, FAILED]
    cut, failure = report.failures
    assert cut.reason == "item 2 is cut short by the broken XML; not kept"
    assert failure.part == 3
    assert failure.reason.startswith("the feed's XML is broken (line ")
    assert failure.reason.endswith("1 item(s) read before it; any after it are lost")


def test_not_a_feed(case, settings, tmp_path):
    xml = tmp_path / "config.xml"
    xml.write_text('<?xml version="1.0"?>\n<settings><a>1</a></settings>\n', encoding="utf-8")
    garbage = tmp_path / "garbage.rss"
    garbage.write_text("this is <not xml at all & never was\n", encoding="utf-8")
    report = Ingestor(case, settings).ingest([xml, garbage])
    reasons = [o.reason for o in report.outcomes]
    assert reasons[0] == "not an RSS or Atom feed (no <rss>, <feed> or <rdf:RDF> root)"
    assert reasons[1] == (
        "not an RSS or Atom feed: the XML is broken (line 2, column 0: syntax error)"
    )


def test_a_file_url_is_read_and_a_web_url_is_refused(case, settings):
    report = Ingestor(case, settings).ingest(
        [Path((FIXTURES / "notes.atom").as_uri()), Path("https://wire.example.org/feed.rss")]
    )
    assert [o.status for o in report.outcomes] == [NEW, FAILED]
    assert report.outcomes[0].path == str(FIXTURES / "notes.atom")
    assert report.failures[0].reason == (
        "a URL: overheard reads no network; save it and ingest the file"
    )
