"""Claim linking on statements written here: figures, predicate concepts, negation and acts
decide, not similarity alone; the index links a new statement to the right claim."""

from __future__ import annotations

import numpy as np
import pytest

from overheard.link import claims as linking


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Russian servicemen were killed", (12.0,)),
        ("about 1,500 Belarusian soldiers arrived", (1500.0,)),
        ("около 1,5 тыс. белорусских военнослужащих", (1500.0,)),
        ("наприкінці березня прибули близько 1500 військовослужбовців", (1500.0,)),
        ("Сообщения о «полутора тысячах белорусских военных»", (1500.0,)),
        ("двенадцать военнослужащих погибли", (12.0,)),
        ("дванадцять ліквідованих військових", (12.0,)),
        ("twelve enemy servicemen were killed and four wounded", (4.0, 12.0)),
        ("no figures here at all", ()),
    ],
)
def test_numbers_in_digits_and_words(text, expected):
    assert linking.numbers(text) == expected


def test_dates_and_unit_names_are_not_figures():
    text = "On 12 March the 58th Army said 27 drones were downed"
    start = text.index("12 March")
    army = text.index("58th Army")
    feats = linking.features(
        text, "en", skip=[(start, start + 8), (army, army + 9)], entities=[3, 3, 5]
    )
    assert feats.numbers == (27.0,) and feats.entities == (3, 5)


def test_different_figures_and_concepts_conflict():
    killed = linking.features("12 servicemen were killed at the depot", "en")
    wounded = linking.features("12 servicemen were wounded at the depot", "en")
    three = linking.features("three employees were killed", "en")
    killed_ru = linking.features("двенадцать военнослужащих погибли на базе", "ru")
    mine = linking.features("the ship hit a drifting mine", "en")
    missile = linking.features("Судно атакувала російська ракета", "uk")
    assert linking.conflict(killed, wounded) == "different casualty"
    assert linking.conflict(killed, three) == "different figures"
    assert linking.conflict(killed, killed_ru) is None
    assert linking.conflict(mine, missile) == "different cause"


def test_contraries_are_one_claim_on_opposite_sides():
    killed = linking.features("a crew member was killed in the strike", "en")
    alive = linking.features("all the crew members are alive", "en")
    alive_ru = linking.features("все члены экипажа живы", "ru")
    wounded = linking.features("a crew member was wounded in the strike", "en")
    both = linking.features("one was killed, the others are alive", "en")
    assert linking.conflict(killed, alive) is None  # contraries, not different claims
    assert linking.conflict(killed, wounded) == "different casualty"
    assert linking.opposed(alive, seed=killed) and linking.opposed(alive_ru, seed=killed)
    assert linking.opposed(killed, seed=alive)
    assert not linking.opposed(killed, seed=killed) and not linking.opposed(wounded, seed=killed)
    assert not linking.opposed(both, seed=killed)  # says both: no side by them
    assert not linking.opposed(alive, seed=None)
    assert linking.flip("assert") == "deny" and linking.flip("deny") == "assert"


def test_military_or_civilian_and_unit_or_individuals():
    """What a thing served, carried or was (military against civilian) is a contrary: one
    claim, opposite sides; who was sent (a formed unit against individuals) makes two."""
    army = linking.features("the depot supplied fuel to the Russian army grouping", "en")
    farms = linking.features("это гражданское предприятие, снабжавшее топливом фермеров", "ru")
    armour = linking.features("ешелони везли бронетехніку", "uk")
    tractors = linking.features("составы перевозили сельскохозяйственную технику", "ru")
    assert linking.conflict(army, farms) is None
    assert linking.opposed(farms, seed=army) and linking.opposed(tractors, seed=armour)
    battalion = linking.features("a regular battalion of the Belarusian army was deployed", "en")
    contract = linking.features("некоторые граждане Беларуси служат по контракту", "ru")
    assert linking.conflict(battalion, contract) == "different force"
    # «гражданское» (civilian) is not «граждане» (citizens).
    assert linking.concepts("это гражданское предприятие", "ru") == (("use", "civilian"),)
    mixed = linking.features("both individuals under contract and formed units", "en")
    assert linking.conflict(battalion, mixed) is None and linking.conflict(contract, mixed) is None


@pytest.mark.parametrize(
    ("act", "text", "stance"),
    [
        ("assert", "Ukrainian drones struck the depot", "assert"),
        ("deny", "that any drones struck the depot", "deny"),
        ("assert", "there are no foreign troops there", "deny"),
        ("assert", "никаких иностранных военных там нет", "deny"),
        ("assert", "жодних білоруських військових там немає", "deny"),
        ("deny", "никаких белорусских военных там нет", "deny"),  # emphatic, not double
        ("assert", "not only drones but missiles hit the port", "assert"),
        ("assert", "погибли не менее 12 человек", "assert"),
    ],
)
def test_stance_from_act_and_negation(act, text, stance):
    lang = "en" if text.isascii() else "ru"
    assert linking.stance(act, linking.features(text, lang)) == stance


def _unit(seed: int, near: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=384).astype(np.float32)
    if near is not None:
        v = near + noise * v / np.linalg.norm(v)
    return v / np.linalg.norm(v)


def test_index_links_to_the_nearest_claim_that_nothing_contradicts():
    index = linking.ClaimIndex()
    assert linking.link(index, _unit(0), linking.Features()) == linking.Link(None, None)
    base = _unit(1)
    killed = linking.features("12 servicemen were killed", "en")
    index.add(linking.Member(10, claim_id=1, features=killed), base)
    other = _unit(2)
    index.add(linking.Member(11, claim_id=2, features=linking.Features()), other)

    close = _unit(3, near=base, noise=0.3)
    assert float(close @ base) > 0.9
    same = linking.link(index, close, linking.features("двенадцать военных погибли", "ru"))
    assert same.claim_id == 1 and same.similarity > linking.THRESHOLD
    # As close, but wounded: a new claim.
    wounded = linking.link(index, close, linking.features("12 servicemen were wounded", "en"))
    assert wounded.claim_id is None
    # Far from everything: a new claim.
    assert linking.link(index, _unit(4), linking.Features()).claim_id is None

    index.remove([10])
    assert len(index) == 1 and 1 not in index.profiles
    assert linking.link(index, close, killed).claim_id is None


def test_a_claim_is_scored_as_a_whole_not_by_its_nearest_member():
    """Single-link chaining: a statement close to one member of a claim (the member that
    linked it to a neighbouring proposition) but far from the rest does not join it."""
    index = linking.ClaimIndex()
    core = _unit(20)
    for i in range(3):
        index.add(
            linking.Member(i, claim_id=1, features=linking.Features()), _unit(30 + i, core, 0.2)
        )
    bridge = _unit(33, near=core, noise=0.45)
    index.add(linking.Member(3, claim_id=1, features=linking.Features()), bridge)
    beyond = bridge + (bridge - core)
    edge = beyond / np.linalg.norm(beyond)
    # Nearest-member linking would have taken it ...
    assert float(edge @ bridge) >= linking.THRESHOLD
    # ... but most of the claim is far from it: a new claim.
    assert float(np.mean(index.matrix() @ edge)) < 0.8
    assert linking.link(index, edge, linking.Features()).claim_id is None
    # One close to the claim's core joins.
    inside = _unit(41, near=core, noise=0.2)
    assert linking.link(index, inside, linking.Features()).claim_id == 1


def test_a_statement_must_agree_with_every_members_figures():
    index = linking.ClaimIndex()
    base = _unit(50)
    index.add(
        linking.Member(1, claim_id=7, features=linking.features("the depot burned", "en")), base
    )
    index.add(linking.Member(2, claim_id=7, features=linking.features("12 servicemen were killed", "en")),
              _unit(51, base, 0.1))  # fmt: skip
    close = _unit(52, near=base, noise=0.05)
    # Nearest to the member without figures, but the claim says 12: three is another claim.
    assert (
        linking.link(index, close, linking.features("three employees were killed", "en")).claim_id
        is None
    )
    assert (
        linking.link(index, close, linking.features("twelve soldiers were killed", "en")).claim_id
        == 7
    )


def test_a_statement_joins_no_claim_about_another_event():
    """Documents that name none of the same entities (countries aside) tell of two events:
    "one crew member was killed" on a ship is not the depot's "three employees were killed"
    however alike the words. A document that names nothing is not held back."""
    index = linking.ClaimIndex()
    base = _unit(60)
    depot = linking.features("three employees were killed", "en", topic=(1, 2))
    index.add(linking.Member(1, claim_id=3, features=depot), base)
    close = _unit(61, near=base, noise=0.05)
    ship = linking.features("a crew member was killed", "en", topic=(7, 8))
    assert linking.link(index, close, ship).claim_id is None
    same_event = linking.features("employees were killed", "en", topic=(2, 9))
    assert linking.link(index, close, same_event).claim_id == 3
    nothing_named = linking.features("employees were killed", "en")
    assert linking.link(index, close, nothing_named).claim_id == 3
    # The topic is stored with the line and read back.
    assert linking.Features.from_dict(ship.as_dict()).topic == (7, 8)


@pytest.mark.parametrize(
    "said, plain, agreeing, bonus",
    [
        ("about 1,500 soldiers arrived in the region", "the reports of soldiers are an invention",
         "the reports of 1,500 soldiers are an invention", "FIGURE_AGREES"),
        ("a missile hit the ship", "what hit the ship is an invention",
         "the missile that hit the ship is an invention", "CONCEPT_AGREES"),
    ],
)  # fmt: skip
def test_a_shared_figure_or_concept_lets_a_differently_worded_statement_join(
    said, plain, agreeing, bonus
):
    """A denial of "1,500 soldiers" is worded unlike the claim; the figure says which claim."""
    index = linking.ClaimIndex()
    base = _unit(70)
    claim = linking.features(said, "en", entities=(9,), topic=(4,))
    index.add(linking.Member(1, claim_id=5, features=claim), base)
    rng = np.random.default_rng(71)
    # A vector just under the threshold from the claim.
    target = linking.THRESHOLD - getattr(linking, bonus) / 2 - 0.01
    noise = rng.normal(size=base.shape)
    noise -= (noise @ base) * base
    noise /= np.linalg.norm(noise)
    vector = target * base + np.sqrt(1 - target**2) * noise
    assert (
        linking.link(index, vector, linking.features(plain, "en", entities=(9,), topic=(4,)))
    ).claim_id is None
    assert (
        linking.link(index, vector, linking.features(agreeing, "en", entities=(9,), topic=(4,)))
    ).claim_id == 5


def test_label_prefers_an_asserting_english_member():
    members = [
        ("никаких белорусских военных там нет", "deny", "ru"),
        ("около 1,5 тыс. белорусских военнослужащих прибыли", "assert", "ru"),
        ("about 1,500 Belarusian soldiers had arrived in the Belgorod region", "assert", "en"),
    ]
    assert linking.label(members).startswith("about 1,500 Belarusian")
    assert linking.label([]) is None
    # A fragment is no label while a member says something.
    assert linking.label([("the cause", "assert", "en"), *members[1:2]]).startswith("около")


def test_proposition_text_drops_negators_only():
    assert linking.proposition_text("there are no Belarusian troops there") == (
        "there are Belarusian troops there"
    )
    assert linking.proposition_text("никаких белорусских военных там нет") == (
        "белорусских военных там"
    )
    assert (
        linking.proposition_text("not only drones hit the port") == "not only drones hit the port"
    )


def test_proposition_text_leaves_out_the_report_frame_and_the_dismissal():
    """What a speaker dismisses is the proposition after the frame: embedded without it, a
    denial sits next to the statements that assert the same thing."""
    assert (
        linking.proposition_text(
            "«полной выдумкой» сообщения разведки о двух тысячах военных в Брянской области", "ru"
        )
        == "двух тысячах военных в Брянской области"
    )
    assert (
        linking.proposition_text("the reports that 40 sailors had died there", "en")
        == "40 sailors had died there"
    )
    # A frame with too little after it is no frame: the words stay.
    assert linking.proposition_text("the reports about it", "en") == "the reports about it"


@pytest.mark.parametrize(
    "text",
    [
        "These are not volunteers or adventurers. This is a regular battalion of the army",
        "The vehicles are consistent with armoured personnel carriers, not farm machinery",
        "служат по контракту, а не в составе белорусских подразделений",
        "Це не навчання — це справжня війна",
        # A negator in a relative clause says something of a noun.
        "Ми знаємо про шістьох загиблих. Вони рахують лише тих, кого не можуть сховати",
        "the guards, who never left the depot, were killed",
        "погибли трое рабочих, которых не успели эвакуировать",
        # A negator that rejects a quoted label: the rest is asserted.
        "Речь идёт не о «гражданском предприятии»: там заправлялась армия",
        'This is not about "volunteers": a regular unit crossed the border',
    ],
)
def test_a_negation_that_only_contrasts_does_not_deny(text):
    assert not linking.negated(text)


@pytest.mark.parametrize(
    "text",
    [
        "There are no troops there. This is a lie.",
        "This is not true. This is a fabrication",
        "Белорусских военнослужащих там нет. Это очередной вброс",
        "Никаких военных там не было, а сообщения о погибших — ложь",
        "The depot was not hit. It was a fake",
        # A relative pronoun with no comma before it opens no relative clause here, and
        # "about" before no quotation is no label.
        "There is no unit which crossed the border",
        "We are not about to confirm any losses",
    ],
)
def test_a_denial_followed_by_a_dismissal_still_denies(text):
    assert linking.negated(text)


def test_an_index_loaded_at_once_equals_one_built_member_by_member():
    rng = np.random.default_rng(3)
    members = [
        linking.Member(i, claim_id=int(c), features=linking.features(f"{i % 4} killed", "en"))
        for i, c in enumerate(rng.integers(0, 5, size=30))
    ]
    vectors = [_unit(100 + i) for i in range(30)]
    one_by_one = linking.ClaimIndex()
    for m, v in zip(members, vectors, strict=True):
        one_by_one.add(m, v)
    at_once = linking.ClaimIndex.of(members, np.stack(vectors))
    assert one_by_one.profiles.keys() == at_once.profiles.keys()
    for claim, p in one_by_one.profiles.items():
        q = at_once.profiles[claim]
        assert np.allclose(p.total, q.total, atol=1e-5) and p.count == q.count
        assert p.features == q.features and p.languages == q.languages
    probe = _unit(7)
    assert linking.link(one_by_one, probe, linking.Features()) == linking.link(
        at_once, probe, linking.Features()
    )
    # Removing members makes their claims' profiles anew from the members left.
    at_once.remove([0, 1])
    left = [m for m in members if m.statement_id not in (0, 1)]
    rebuilt = linking.ClaimIndex.of(left, np.stack(vectors[2:]))
    for claim, p in rebuilt.profiles.items():
        assert np.allclose(p.total, at_once.profiles[claim].total, atol=1e-5)
        assert p.count == at_once.profiles[claim].count


def test_what_states_no_proposition_is_a_claim_of_its_own():
    assert not linking.is_proposition("the cause") and not linking.is_proposition("следующее")
    assert linking.is_proposition("Russia attacked the port")
    assert linking.is_proposition("12", figures=(12.0,))
    index = linking.ClaimIndex()
    base = _unit(60)
    cause = linking.features("the cause", "en")
    assert not cause.proposition and linking.Features.from_dict(cause.as_dict()) == cause
    index.add(linking.Member(1, claim_id=3, features=cause), base)
    close = _unit(61, near=base, noise=0.05)
    # Nothing joins it, and it joins nothing.
    assert (
        linking.link(index, close, linking.features("the cause of the blast", "en")).claim_id
        is None
    )
    index.add(
        linking.Member(2, claim_id=4, features=linking.features("a mine hit the ship", "en")), base
    )
    assert linking.link(index, close, cause).claim_id is None
    # Lines stored before the field existed are propositions.
    assert linking.Features.from_dict({"numbers": [], "lang": "en"}).proposition


@pytest.mark.parametrize(
    ("text", "lang", "back"),
    [
        ("this", "en", True),
        ("these reports", "en", True),
        ("the allegations", "en", True),
        ("эту информацию", "ru", True),
        ("ці звинувачення", "uk", True),
        ("это", "ru", True),
        ("these drones", "en", False),
        ("the depot was hit", "en", False),
        ("эту нефтебазу", "ru", False),
    ],
)
def test_a_content_that_only_points_back(text, lang, back):
    assert linking.refers_back(text, lang) is back


def test_what_a_content_sets_aside_names_no_concept():
    carriers = linking.features("armoured personnel carriers, not farm machinery", "en")
    assert carriers.concepts == (("use", "military"),) and not carriers.negated
    rather = linking.features("individuals under contract rather than a Belarusian unit", "en")
    assert rather.concepts == (("force", "individuals"),)
    these = linking.features("These are not volunteers. This is a regular battalion", "en")
    assert these.concepts == (("force", "unit"),) and not these.negated
    instead = linking.features("служат по контракту вместо службы в батальоне", "ru")
    assert instead.concepts == (("force", "individuals"),)
    # A negated predicate keeps its concept: the denial is about that claim.
    assert linking.features("12 soldiers were not killed", "en").concepts == (
        ("casualty", "killed"),
    )


def test_a_statement_must_agree_with_each_members_concepts_not_their_union():
    """One member speaking of both a battalion and citizens under contract does not open
    the battalion's claim to statements about the citizens alone."""
    index = linking.ClaimIndex()
    battalion = linking.features("a battalion of the Belarusian army was deployed", "en")
    both = linking.features("no foreign units and no Belarusian citizens are there", "en")
    citizens = linking.features("some Belarusian citizens serve under contract", "en")
    v = _unit(1)
    index.add(linking.Member(1, 10, battalion), v)
    index.add(linking.Member(2, 10, both), v)
    assert linking.conflict(citizens, index.profiles[10].features) is None  # the union agrees
    assert index.profiles[10].contradicted_by(citizens)
    assert index.score(10, v, citizens, 1.0) is None
    assert linking.link(index, v, citizens).claim_id is None
