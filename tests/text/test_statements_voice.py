"""Statements in the document's own voice (press releases, channel posts, briefing transcripts,
analysts' bylines), denials without a denial verb, hedges, and the news report whose narrator
states nothing. Every text here is written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from overheard.text import lexicon
from overheard.text.analyze import analyze
from overheard.text.entities import extract_mentions, link_mentions, parse_en
from overheard.text.records import Statement
from overheard.text.statements import extract_statements


def _analyse(text: str, lang: str, source: str | None = None) -> list[Statement]:
    doc = parse_en(text) if lang == "en" else None
    mentions = extract_mentions(text, lang, doc)
    link_mentions(mentions)
    return extract_statements(text, lang, mentions, doc, source=source)


def _find(statements: list[Statement], fragment: str) -> Statement:
    found = [s for s in statements if fragment in s.content.text]
    assert found, f"no statement with {fragment!r}: {[s.content.text for s in statements]}"
    return found[0]


def _none(statements: list[Statement], fragment: str) -> None:
    assert not any(fragment in s.content.text for s in statements), fragment


def _spans_hold(text: str, statements: list[Statement]) -> None:
    for s in statements:
        for span in (s.speaker, s.cue, s.content, s.speaker_antecedent):
            if span is not None:
                assert text[span.start : span.end] == span.text


PRESS_RELEASE_RU = (
    "В течение прошедшей ночи над территорией Брянской области перехвачены и уничтожены "
    "14 беспилотников самолётного типа.\n\n"
    "Распространяемые иностранными ресурсами сообщения о пожаре на складе в Сельцо не "
    "соответствуют действительности.\n\n"
    "Министерство обороны напоминает: при обнаружении обломков необходимо незамедлительно "
    "сообщить по телефону 112.\n\n"
    "Пресс-служба Министерства обороны"
)


def test_press_release_speaks_for_its_source() -> None:
    statements = _analyse(PRESS_RELEASE_RU, "ru", source="Министерство обороны")
    _spans_hold(PRESS_RELEASE_RU, statements)
    downed = _find(statements, "уничтожены 14 беспилотников")
    assert downed.own_voice and downed.direct and downed.cue is None
    assert downed.act == "assert" and not downed.hedged
    assert downed.speaker_antecedent is not None
    assert downed.speaker_antecedent.text == "Пресс-служба Министерства обороны"
    denial = _find(statements, "не соответствуют действительности")
    assert denial.own_voice and denial.act == "deny"
    _none(statements, "незамедлительно")  # an instruction to the public states nothing
    _none(statements, "Пресс-служба")  # nor does the signature


def test_a_press_office_speaks_for_the_body_it_names() -> None:
    """The signature «Пресс-служба Министерства обороны …» makes the ministry the speaker
    entity, not the press office (no entity) nor the document's source spelled otherwise."""
    text = PRESS_RELEASE_RU.replace(
        "Пресс-служба Министерства обороны", "Пресс-служба Министерства обороны Республики Беларусь"
    )
    result = analyze(text, "ru", source="Минобороны Беларуси")
    downed = _find(result.statements, "уничтожены 14 беспилотников")
    assert downed.speaker_entity is not None
    body = result.entities[downed.speaker_entity]
    assert body.type == "ORG" and "Министерств" in body.name


CHANNEL_POST_UK = (
    "🔥 Цієї ночі наші оператори уразили склад пального під Курськом — горить досі.\n\n"
    "За попередньою інформацією, загинули шестеро охоронців складу.\n\n"
    "Наші джерела в порту повідомляють, що судно вантажили вночі.\n\n"
    "Дякуємо всім, хто підтримує! Підписуйтесь: @test_drones"
)


def test_channel_post_and_its_unnamed_sources() -> None:
    statements = _analyse(CHANNEL_POST_UK, "uk", source="@test_drones")
    _spans_hold(CHANNEL_POST_UK, statements)
    strike = _find(statements, "уразили склад пального")
    assert strike.own_voice and strike.act == "assert"
    assert strike.speaker_antecedent and strike.speaker_antecedent.text == "@test_drones"
    killed = _find(statements, "загинули шестеро")
    assert killed.own_voice and killed.hedged
    assert "за попередньою інформацією" in killed.hedges
    # «Наші джерела» are the channel's unnamed sources: the channel relays them.
    relayed = _find(statements, "судно вантажили")
    assert relayed.own_voice and relayed.cue is not None
    _none(statements, "Дякуємо")


BRIEFING_EN = (
    "Daily briefing by Colonel Ivan Petrenko, spokesman for the General Staff. Excerpt.\n\n"
    "PETRENKO: Good morning. Our units destroyed two bridges near Tokmak overnight.\n\n"
    "QUESTION (Radio North): The ministry says you lost 40 tanks this week?\n\n"
    "PETRENKO: That figure is pure fantasy. Our losses this week were minimal.\n\n"
    "QUESTION: Are foreign troops involved?\n\n"
    "PETRENKO: There are no foreign troops in the area. We will not comment further."
)


def test_briefing_transcript_turns() -> None:
    statements = _analyse(BRIEFING_EN, "en", source="General Staff")
    _spans_hold(BRIEFING_EN, statements)
    bridges = _find(statements, "destroyed two bridges")
    assert bridges.own_voice and bridges.direct
    assert bridges.speaker_antecedent and bridges.speaker_antecedent.text == "PETRENKO"
    fantasy = _find(statements, "pure fantasy")
    assert fantasy.act == "deny" and "minimal" in fantasy.content.text
    troops = _find(statements, "no foreign troops")
    assert troops.own_voice and troops.act == "assert"  # denied by its negation, not its act
    for fragment in ("40 tanks", "foreign troops involved", "Good morning", "comment further"):
        _none(statements, fragment)


def test_negated_content_is_a_denial_on_the_board() -> None:
    link = pytest.importorskip("overheard.link.claims")
    for text, lang, fragment in (
        (BRIEFING_EN, "en", "no foreign troops"),
        ("«Никаких иностранных военных там нет», — сказал губернатор.", "ru", "Никаких"),
        ("«Жодних іноземних військових там немає», — заявив речник.", "uk", "Жодних"),
    ):
        st_ = _find(_analyse(text, lang, source="Test"), fragment)
        assert link.stance(st_.act, link.features(st_.content.text, lang)) == "deny"


def test_analyst_byline_text() -> None:
    text = (
        "By Anna Berg, senior analyst, Baltic Imagery Group\n\n"
        "Satellite images taken on 4 May show three burned-out trucks at the depot. "
        "I estimate that no more than 300 soldiers are stationed there.\n\n"
        "In my assessment, the depot was almost certainly hit by a missile.\n\n"
        "Baltic Imagery Group is an independent research group."
    )
    statements = _analyse(text, "en", source="Baltic Imagery Group")
    _spans_hold(text, statements)
    trucks = _find(statements, "three burned-out trucks")
    assert trucks.own_voice and not trucks.hedged
    assert trucks.speaker_antecedent and trucks.speaker_antecedent.text == "Anna Berg"
    assert _find(statements, "no more than 300 soldiers").hedged
    assessment = _find(statements, "almost certainly hit")
    assert assessment.hedged and "in my assessment" in assessment.hedges
    _none(statements, "independent research group")  # the source about itself


@pytest.mark.parametrize(
    "header, author",
    [
        ("Commentary by Marta Zielińska, senior fellow, Vistula Test Institute, Warsaw", "Marta Zielińska"),
        ("By Helena Brandt, head of analysis, Nordic Test Risk", "Helena Brandt"),
        ("Автор: Ирина Ковальчук, аналитик", "Ирина Ковальчук"),
    ],
)  # fmt: skip
def test_a_bylines_author_is_the_speaker_however_the_ner_reads_the_header(header, author):
    """A header line is not running text: the NER took "Marta" and "Zielińska" for places and
    "Helena Brandt" for an organisation, and the texts were the institute's."""
    lang = "ru" if header.startswith("Автор") else "en"
    body = (
        "Я оцениваю, что там не более 300 военных. По моей оценке, склад поразила ракета."
        if lang == "ru"
        else "I estimate that no more than 300 soldiers are there. In my assessment, the "
        "depot was hit by a missile."
    )
    text = f"{header}\n\n{body}"
    result = analyze(text, lang, source="Test Institute")
    people = [m for m in result.mentions if m.text == author]
    assert people and people[0].label == "PERSON"
    said = [s for s in result.statements if s.own_voice]
    assert said and all(
        s.speaker_entity is not None and result.entities[s.speaker_entity].name == author
        for s in said
    )


def test_dismissals_without_a_denial_verb() -> None:
    en = _analyse(
        "Ministry spokesman Pavel Sokolov on Thursday called the Ukrainian version a fairy tale. "
        "The governor called on residents to stay indoors.",
        "en",
    )
    called = _find(en, "Ukrainian version")
    assert called.act == "deny" and called.cue and called.cue.text == "called"
    assert _find(en, "residents to stay indoors").act == "urge"
    ru = _analyse(
        "Замминистра Пётр Иванов назвал «полной выдумкой» сообщения о переброске войск. "
        "Министр назвал имена награждённых.",
        "ru",
    )
    named = _find(ru, "сообщения о переброске")
    assert named.act == "deny" and named.speaker and "Пётр Иванов" in named.speaker.text
    _none(ru, "имена награждённых")  # a label with no dismissal is no statement
    uk = _find(
        _analyse("Речник Олег Бондар назвав «брехнею» заяви про удар по мосту.", "uk"), "заяви"
    )
    assert uk.act == "deny"
    quoted = _find(
        _analyse("«Эти публикации мы расцениваем как вброс», — заявила Мария Петрова.", "ru"),
        "вброс",
    )
    assert quoted.act == "deny" and quoted.direct


def test_news_narrator_states_nothing_but_its_dismissals() -> None:
    wire = (
        "KYIV, April 2 (Test Wire) - Ukraine's army said on Tuesday it had shot down "
        "12 drones overnight.\n\n"
        "The claim could not be independently verified. The region lies on the main railway "
        "line to the border. Temperatures fell to minus five degrees.\n\n"
        '"Our air defence worked well," spokesman Ivan Kovalenko told Test Wire.'
    )
    statements = _analyse(wire, "en", source="Test Wire")
    assert not any(s.own_voice for s in statements)
    assert _find(statements, "12 drones").speaker is not None
    state_media = (
        "Губернатор области заявил, что ночью были сбиты два беспилотника.\n\n"
        "Между тем украинские каналы с утра распространяют очередной фейк о якобы "
        "уничтоженной нефтебазе, хотя предприятие работает в штатном режиме.\n\n"
        "По неподтверждённым данным, в трюмах судна находился военный груз.\n\n"
        "Напомним, с начала года область неоднократно подвергалась атакам. В субботу в городе "
        "откроется ярмарка."
    )
    statements = _analyse(state_media, "ru", source="Вести Области")
    _spans_hold(state_media, statements)
    fake = _find(statements, "очередной фейк")
    assert fake.own_voice and fake.act == "deny" and fake.speaker_antecedent is None
    assert not fake.hedged  # «якобы» belongs to the denied claim
    relayed = _find(statements, "военный груз")
    assert relayed.own_voice and relayed.hedged and not relayed.direct
    _none(statements, "ярмарка")
    _none(statements, "неоднократно")


def test_a_reporters_remark_hedges_without_negating() -> None:
    text = (
        "По словам местных жителей, погибли трое рабочих — официально это пока никто не подтвердил."
    )
    st_ = _find(_analyse(text, "ru"), "погибли трое рабочих")
    assert st_.hedged and "никто не подтвердил" not in st_.content.text


def test_each_figure_its_own_statement() -> None:
    en = _analyse(
        "Navy spokesman Oleh Dovhan said one sailor had been killed and four wounded.", "en"
    )
    assert _find(en, "one sailor had been killed").content.text == "one sailor had been killed"
    assert _find(en, "four wounded").content.text == "four wounded"
    release = (
        "Сьогодні вранці ракета влучила в суховантаж біля Одеси. Унаслідок удару загинув один "
        "моряк, ще четверо дістали поранення.\n\nПрес-служба Військово-морських сил"
    )
    uk = _analyse(release, "uk", source="Військово-морські сили")
    assert _find(uk, "загинув один моряк").content.text.endswith("загинув один моряк")
    assert _find(uk, "четверо дістали поранення").content.text.startswith("четверо")


def test_the_stage_stores_the_source_as_the_speaker(case, settings, tmp_path: Path) -> None:
    from sqlalchemy import select

    from overheard.ingest.ingest import Ingestor
    from overheard.pipeline.runner import Runner
    from overheard.pipeline.stage import StageConfig
    from overheard.store.schema import Statement as Row

    corpus = tmp_path / "posts.jsonl"
    lines = [
        {"text": PRESS_RELEASE_RU.rsplit("\n\n", 1)[0], "source": "Министерство обороны"},
        {"text": CHANNEL_POST_UK, "source": "@test_drones"},
    ]
    corpus.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    Ingestor(case, settings, workers=1).ingest([corpus])
    Runner(case, StageConfig(), workers=1).run(["analyse"])
    with case.reader() as s:
        speakers = {r.content: r.speaker_text for r in s.scalars(select(Row))}
    downed = next(v for k, v in speakers.items() if "14 беспилотников" in k)
    assert downed == "Министерство обороны"  # no signature: the source itself
    strike = next(v for k, v in speakers.items() if "уразили склад" in k)
    assert strike == "@test_drones"


def test_an_unknown_use_in_the_voice_lexicon_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "speech_voice.en.tsv").write_text("pattern\tuse\nhello\tgreeting\n", "utf-8")
    lexicon.configure(tmp_path)
    try:
        with pytest.raises(lexicon.LexiconError, match="unknown use"):
            _analyse("We said hello. We are here.", "en", source="Test")
    finally:
        lexicon.configure(None)


FRAGMENTS = [
    "MELNYK: ",
    "QUESTION: ",
    "Q: ",
    "\n\n",
    ". ",
    "? ",
    "! ",
    " we ",
    " our ",
    " мы ",
    " наши ",
    "@handle_test ",
    "Subscribe ",
    "Подписывайтесь ",
    "Пресс-служба Министерства ",
    "By Anna Berg",
    " a fake ",
    " фейк ",
    " назвал «выдумкой» ",
    " called it a lie ",
    "По неподтверждённым данным, ",
    " никаких военных там нет ",
    " ще четверо ",
    " and four wounded ",
    "«",
    "»",
    '"',
    "“",
    "”",
    "''",
    "🔥",
    " said ",
    " заявил, что ",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25),
    st.sampled_from(["en", "ru", "uk"]),
    st.one_of(st.none(), st.sampled_from(["Министерство обороны", "@handle_test", "Test"])),
)
def test_any_text_gives_exact_spans_and_the_same_result_twice(
    parts: list[str], lang: str, source: str | None
) -> None:
    text = "".join(parts)
    first = _analyse(text, lang, source)
    _spans_hold(text, first)
    assert first == _analyse(text, lang, source)


@pytest.mark.parametrize(
    "opening", ["Хочу подчеркнуть:", "Хотел бы ещё раз подчеркнуть, что", "Хочу наголосити:"]
)
def test_a_first_person_verb_before_the_cue_is_no_speaker(opening):
    """«Хочу подчеркнуть: …»: the writer speaks; "Хочу" is not a name."""
    text = f"{opening} это гражданское предприятие, которое снабжало топливом фермеров."
    lang = "uk" if "наголосити" in opening else "ru"
    statements = _analyse(text, lang)
    assert statements and all(s.speaker is None for s in statements)
    named = _analyse("Министр хочет подчеркнуть, что это гражданское предприятие.", "ru")
    assert named[0].speaker is not None and named[0].speaker.text.startswith("Министр")


def test_the_source_named_in_another_case_form_is_the_speaker() -> None:
    """The source is «Служба зовнішньої розвідки України»; the release names it in the
    genitive («За даними Служби зовнішньої розвідки України»): still the source, and its
    statements are that body's."""
    text = (
        "За даними Служби зовнішньої розвідки України, наприкінці травня до Брянської області "
        "прибули близько 900 військовослужбовців.\n\n"
        "Наші партнери отримали всі матеріали. Ми продовжуємо відстежувати ситуацію."
    )
    result = analyze(text, "uk", source="Служба зовнішньої розвідки України")
    said = _find(result.statements, "900 військовослужбовців")
    assert said.speaker_entity is not None or said.speaker_antecedent is not None
    named = said.speaker_antecedent or said.speaker
    assert named is not None and named.text.startswith("Служби зовнішньої розвідки")
