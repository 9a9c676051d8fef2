"""Statements: quotes in every style, reported speech, acts, hedges and pronoun speakers."""

from __future__ import annotations

from overheard.text.entities import extract_mentions, link_mentions, parse_en
from overheard.text.records import Statement
from overheard.text.statements import extract_statements, find_quotes

EN = (
    "The defence minister warned that the bridge might be attacked within days. "
    "“We are ready,” she said, “and we will not retreat.” "
    "According to military intelligence, the brigade lost two tanks. "
    "Local officials denied the reports, citing a lack of evidence. "
    "A soldier complained, “Nobody brought us any food for three days.” "
    "The general allegedly ordered the retreat. "
    "The governor urged residents to leave the city. "
    "Rebel commanders claim the airport is under their control."
)
RU = (
    "Министр обороны Сергей Шойгу заявил, что бригада выполнила задачу. "
    "По словам представителя разведки, колонна якобы двигалась к границе. "
    "«Мы не знаем, что с ними делать», — пожаловался один из солдат. "
    "Он добавил: «Нам сказали получить пайки на всю бригаду». "
    "МИД опроверг сообщения о переброске войск. "
    "Президент призвал союзников усилить давление на Москву."
)


def _analyse(text: str, lang: str) -> list[Statement]:
    doc = parse_en(text) if lang == "en" else None
    mentions = extract_mentions(text, lang, doc)
    link_mentions(mentions)
    return extract_statements(text, lang, mentions, doc)


def _by_content(statements: list[Statement], fragment: str) -> Statement:
    found = [s for s in statements if fragment in s.content.text]
    assert found, f"no statement with {fragment!r}: {[s.content.text for s in statements]}"
    return found[0]


def test_spans_are_their_text() -> None:
    for text, lang in ((EN, "en"), (RU, "ru")):
        for s in _analyse(text, lang):
            for span in (s.speaker, s.cue, s.content, s.speaker_antecedent):
                if span is not None:
                    assert text[span.start : span.end] == span.text


def test_quote_styles() -> None:
    text = 'He said “one” and «два» and „drei“ and "four" and ‘five’ but not it’s.'
    quotes = [text[q.start : q.end] for q in find_quotes(text)]
    assert quotes == ["“one”", "«два»", "„drei“", '"four"', "‘five’"]


def test_nested_quotes_count_once() -> None:
    text = "Он сказал: «Это „Искандер“, без сомнений»."
    assert [text[q.start : q.end] for q in find_quotes(text)] == ["«Это „Искандер“, без сомнений»"]


def test_english_reported_speech() -> None:
    statements = _analyse(EN, "en")
    warn = _by_content(statements, "the bridge might be attacked")
    assert warn.act == "warn" and warn.speaker and warn.speaker.text.endswith("defence minister")
    assert not warn.direct
    according = _by_content(statements, "the brigade lost two tanks")
    assert according.speaker and according.speaker.text == "military intelligence"
    assert not according.hedged, "attribution alone is no hedge"
    deny = _by_content(statements, "the reports")
    assert deny.act == "deny"
    urge = _by_content(statements, "residents to leave the city")
    assert urge.act == "urge"
    claim = _by_content(statements, "the airport is under their control")
    assert claim.act == "allege" and claim.hedged


def test_english_direct_quotes_split_by_attribution() -> None:
    statements = _analyse(EN, "en")
    first = _by_content(statements, "We are ready")
    second = _by_content(statements, "we will not retreat")
    assert first.direct and second.direct
    assert first.speaker and second.speaker
    assert first.speaker.text == second.speaker.text == "she"
    complaint = _by_content(statements, "Nobody brought us")
    assert complaint.direct and complaint.act == "complain"
    assert complaint.speaker and complaint.speaker.text == "A soldier"


def test_russian_statements() -> None:
    statements = _analyse(RU, "ru")
    said = _by_content(statements, "бригада выполнила задачу")
    assert said.act == "assert" and said.speaker and "Сергей Шойгу" in said.speaker.text
    reported = _by_content(statements, "колонна якобы двигалась")
    assert reported.hedged and "якобы" in reported.hedges
    assert reported.speaker and reported.speaker.text == "представителя разведки"
    complaint = _by_content(statements, "Мы не знаем")
    assert complaint.direct and complaint.act == "complain"
    assert complaint.speaker and complaint.speaker.text == "один из солдат"
    added = _by_content(statements, "Нам сказали")
    assert added.direct and added.speaker and added.speaker.text == "Он"
    assert added.speaker_antecedent and added.speaker_antecedent.text == "один из солдат"
    assert _by_content(statements, "сообщения о переброске").act == "deny"
    assert _by_content(statements, "союзников усилить давление").act == "urge"


def test_pronoun_resolves_to_named_speaker() -> None:
    text = (
        "President Volodymyr Zelensky warned that troops could arrive soon. "
        "He said the army was prepared."
    )
    doc = parse_en(text)
    mentions = extract_mentions(text, "en", doc)
    entities = link_mentions(mentions)
    statements = extract_statements(text, "en", mentions, doc)
    he = _by_content(statements, "the army was prepared")
    assert he.speaker_entity is not None
    assert entities[he.speaker_entity].name == "Volodymyr Zelensky"


def test_according_to_him_resolves_the_possessive() -> None:
    ru = (
        "«Воды нет уже третий день», — сказал командир роты. "
        "По его словам, подвоз якобы задерживает штаб."
    )
    st = _by_content(_analyse(ru, "ru"), "подвоз якобы задерживает штаб")
    assert st.speaker and st.speaker.text == "его"
    assert st.speaker_antecedent and st.speaker_antecedent.text == "командир роты"
    assert st.hedged and "якобы" in st.hedges
    uk = "Олег Петренко заявив, що колона повернулася. За його словами, втрат немає."
    st = _by_content(_analyse(uk, "uk"), "втрат немає")
    assert st.speaker and st.speaker.text == "його"
    assert st.speaker_antecedent and st.speaker_antecedent.text == "Олег Петренко"


def test_a_described_speaker_is_the_one_named_with_that_role():
    """Wire copy describes its speaker first and names them later: "The governor of the
    region said …" then "Governor Olga Petrenko said …". The description is that person, not
    the country or region inside it; one the text never names stays unresolved."""
    from overheard.text.analyze import analyze

    text = (
        "KYIV, May 3 (Test Wire) - The governor of Ukraine's Sumy region said on Monday that "
        "two warehouses had burned down overnight.\n\n"
        "Governor Olga Petrenko said six workers had been evacuated. "
        "A senior European diplomat said the fire had been started deliberately."
    )
    result = analyze(text, "en")
    described = next(s for s in result.statements if "warehouses" in s.content.text)
    # The dateline is no speaker: the subject next to the verb is.
    assert described.speaker is not None and described.speaker.text.startswith("The governor")
    assert described.speaker_entity is not None
    assert result.entities[described.speaker_entity].name == "Olga Petrenko"
    unnamed = next(s for s in result.statements if "deliberately" in s.content.text)
    assert unnamed.speaker is not None and unnamed.speaker_entity is None


def test_a_title_states_nothing_and_is_no_part_of_the_first_sentence():
    """The headline is the outlet's ("Intercepted calls suggest confusion …" made the calls a
    speaker), and a title over the first line ("Statement on …\\nThe Ministry notes …") is no
    part of the first sentence's subject."""
    from overheard.text.analyze import analyze

    text = (
        "Intercepted calls suggest confusion over supplies near Sumy\n\n"
        "KYIV, May 3 — The army said on Monday that two depots had burned down."
    )
    result = analyze(text, "en")
    assert [s.content.text for s in result.statements] == ["two depots had burned down"]
    text = (
        "Statement on the reported fire at the depot\n"
        "The Ministry of Defence said that two depots had burned down overnight."
    )
    result = analyze(text, "en")
    speakers = [s.speaker.text for s in result.statements if s.speaker]
    assert speakers and all("Statement" not in s for s in speakers)


def test_a_quotation_split_by_its_attribution_is_one_attribution() -> None:
    text = (
        "“People know who she is,” said Sean Spicer, chief strategist for the committee. "
        "“What needs to be done next is clear.”"
    )
    statements = _analyse(text, "en")
    first = _by_content(statements, "People know who she is")
    second = _by_content(statements, "What needs to be done next")
    assert (
        first.cue
        and second.cue
        and (first.cue.start, first.cue.end)
        == (
            second.cue.start,
            second.cue.end,
        )
    )
    assert second.speaker and second.speaker.text == "Sean Spicer"


def test_a_parenthetical_attribution_speaks_the_clause_it_interrupts() -> None:
    text = "The latest test, North Korea said, was its biggest yet."
    st = _by_content(_analyse(text, "en"), "was its biggest yet")
    assert st.content.text.startswith("The latest test")
    assert st.speaker and st.speaker.text == "North Korea"


def test_the_cue_holds_its_auxiliaries_and_particle() -> None:
    text = (
        "The senator has repeatedly called for new sanctions. The mayor has said the city is safe."
    )
    statements = _analyse(text, "en")
    assert _by_content(statements, "new sanctions").cue.text == "has repeatedly called for"
    assert _by_content(statements, "the city is safe").cue.text == "has said"


def test_a_quotation_inside_reported_content_stays_part_of_it() -> None:
    text = 'Cruz said he has had "areas of significant disagreement" with Trump but backs him.'
    st = _by_content(_analyse(text, "en"), "areas of significant disagreement")
    assert st.content.text.startswith("he has had")


def test_speech_nouns_and_labels() -> None:
    text = (
        "Politifact examined Trump's claim that there have been thousands of shootings. "
        "Clinton called half of his supporters deplorables."
    )
    statements = _analyse(text, "en")
    claim = _by_content(statements, "there have been thousands of shootings")
    assert claim.act == "allege" and claim.speaker and claim.speaker.text == "Trump"
    label = _by_content(statements, "half of his supporters deplorables")
    assert label.speaker and label.speaker.text == "Clinton"
