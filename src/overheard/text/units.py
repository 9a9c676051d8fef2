"""Rules for the mentions the statistical NER models do not know: military units, equipment
and groups of people described by nationality ("North Korean troops", «российские военные»).

The rules describe the *shape* of a name (ordinal + modifiers + unit noun + complement, a
single-letter or quoted name next to a unit noun, a type designator such as T-72 or Су-34),
so they find units and systems that were never listed. The only word lists are closed classes:
unit nouns, weapon class nouns, and a handful of long-lived weapon family names that look
like ordinary words (HIMARS, «Ланцет»).

Regular expressions over the raw text keep the offsets exact and cost microseconds per
article, which matters because NER is the budget everything else is measured against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- shared pieces ---------------------------------------------------------------------------

_QUOTED = r"(?:«[^«»\n]{1,40}»|\"[^\"\n]{1,40}\"|“[^“”\n]{1,40}”|„[^„“\n]{1,40}“)"

# --- English -----------------------------------------------------------------------------------

_EN_UNIT_NOUN = (
    r"(?:Army|Armies|Brigades?|Divisions?|Regiments?|Battalions?|Corps|Company|Companies|"
    r"Platoons?|Squadrons?|Fleets?|Detachments?|Legions?|Battery|Batteries|Flotillas?|Wing)"
)
_EN_ORDINAL = (
    r"(?:\d{1,4}(?:st|nd|rd|th)|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|"
    r"Tenth|Eleventh|Twelfth)"
)
# Modifiers between the ordinal and the unit noun ("810th Separate Guards Naval Infantry
# Brigade", "58th Combined Arms Army"): capitalised words, or lower-case military adjectives.
_EN_UNIT_MOD = (
    r"(?:[A-Z][a-z]+|(?:separate|guards?|motori[sz]ed|mechani[sz]ed|airborne|air|assault|"
    r"tank|rifle|naval|infantry|marine|artillery|combined|arms|special|purpose|mountain|"
    r"territorial|defen[cs]e|missile|engineer|reconnaissance|brigade|operations?|forces)"
    r")"
)
# Words that start sentences or noun phrases and must never be read as a unit's name.
_EN_NOT_NAME = (
    r"(?!(?:The|A|An|This|That|These|Those|Each|Every|His|Her|Their|Our|Its|My|Your|One|"
    r"Another|Which|What|Whose|No|Any|Some|Russian|Ukrainian|Its)\b)"
)
_EN_NAMED_UNIT = (
    rf"\b{_EN_NOT_NAME}(?:[A-Z]|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}})\s+"
    r"(?:Battalion|Brigade|Corps|Regiment|Division|Fleet|Legion|Detachment|Company)s?\b"
)
EN_MIL_UNIT = [
    rf"\b{_EN_ORDINAL}(?:\s+{_EN_UNIT_MOD}){{0,5}}\s+{_EN_UNIT_NOUN}\b",
    _EN_NAMED_UNIT,
    r"\bUnit\s+\d{3,6}\b",
]

_EN_EQUIP_CLASS = (
    r"(?:drones?|missiles?|tanks?|howitzers?|rocket\s+launchers?|launchers?|rockets?|"
    r"helicopters?|fighter\s+jets?|jets?|warships?|submarines?|artillery(?:\s+systems?)?|"
    r"air[\s-]defen[cs]e\s+systems?|armou?red\s+vehicles?|mortars?|munitions|"
    r"glide\s+bombs?|bombs?|interceptors?|radars?)"
)
# Weapon families whose names are ordinary words or bare acronyms; years-long, not news of
# the week. Anything else is caught by shape (designator, or name + class noun).
_EN_FAMILIES = (
    r"(?:HIMARS|ATACMS|MLRS|NASAMS|IRIS-T|Javelins?|Stingers?|Bayraktars?|Shaheds?|Lancets?|"
    r"Iskanders?|Kalibrs?|Kinzhals?|Storm\s+Shadows?|Leopards?|Abrams|Geran-?\d?|Starlink)"
)
_EN_DESIGNATOR = (
    r"(?!(?:G|H|COVID|P|K|N|I|A|B|C|E|W)-)(?:[A-Z][A-Za-z]{0,3}-\d{1,3}[A-Z0-9]{0,3}"
    r"(?:[A-Z][a-z]+)?|M\d{3,4}[A-Z0-9]{0,2})"
)
EN_EQUIPMENT = [
    # name or designator followed by its class noun: "Shahed drones", "Su-34 fighter jets"
    rf"\b(?:{_EN_FAMILIES}|{_EN_DESIGNATOR}|{_EN_NOT_NAME}[A-Z][a-z]+)\s+{_EN_EQUIP_CLASS}\b",
    rf"\b{_EN_FAMILIES}(?:\s+(?:systems?|launchers?))?(?![\w-])",
    rf"\b{_EN_DESIGNATOR}\b",
    rf"\b{_EN_EQUIP_CLASS}\b",
]

_EN_NATIONALITY = (
    r"(?:(?:North|South|East|West)\s+)?(?:U\.S\.|US|[A-Z][a-z]+(?:an|ian|ish|ese|i|ic|ch|ern))"
)
_EN_GROUP_NOUN = (
    r"(?:troops|soldiers|forces|military|officials|fighters|servicemen|mercenaries|"
    r"authorities|units|commanders|diplomats|militants|volunteers|sailors|pilots|marines|"
    r"paratroopers|conscripts|personnel|intelligence|officers|prisoners|POWs|leaders|"
    r"lawmakers|government|army|navy|air\s+force|border\s+guards|special\s+forces)"
)
_EN_GROUP_MOD = (
    r"(?:military|intelligence|special|elite|government|regular|army|naval|security|border|"
    r"armed|defen[cs]e|senior)"
)
# "Russian military uniforms": the group noun is a modifier of another noun, not a group.
_EN_NOT_HEAD = (
    r"(?!\s+(?:uniforms?|operations?|aid|gear|equipment|assistance|service|bases?|exercises?|"
    r"drills?|vehicles?|hardware|cooperation|installations?|sources?|officials|leaders?|"
    r"agency|agencies|services?|reports?|assessments?|chiefs?|budget))"
)
EN_GROUP = [
    rf"\b{_EN_NATIONALITY}(?:\s+{_EN_GROUP_MOD})?\s+{_EN_GROUP_NOUN}\b{_EN_NOT_HEAD}",
    # "the North Koreans", "the Russians": a nationality as a plural noun is a group.
    r"(?<=\bthe )(?:(?:North|South)\s+)?[A-Z][a-z]+(?:ans|ians|eans)\b",
]

# --- Russian and Ukrainian ----------------------------------------------------------------------

_RU_ORDINAL = (
    r"(?:\d{1,4}(?:-?(?:й|я|е|го|ой|ая|ий|ый|ое|ые|му|м|ю|х|ых|ей|ом|ого|ої|ій|та|ша|ма|ї|і|му))?)"
)
_RU_ADJ = (
    r"(?:[А-ЯЁІЇЄа-яёіїє]+(?:ой|ая|ый|ий|ое|ые|ого|ому|ым|ом|ую|ых|ыми|ей|его|ему|ее|ие|"
    r"их|ими|ої|ій|а|у|і|им))"
)
_RU_UNIT_NOUN = (
    r"(?:арми(?:я|и|ю|ей|ею)|армі(?:я|ї|ю|єю)|бригад[аыуеоийію]*|дивизи(?:я|и|ю|ей|ях|ям)|"
    r"дивізі(?:я|ї|ю|єю)|полк(?:а|у|ом|е|и|ов)?|батальон(?:а|у|ом|е|ы|ов)?|"
    r"батальйон(?:а|у|ом|і|и|ів)?|корпус(?:а|у|ом|е)?|рот(?:а|ы|у|ой|е|и)|взвод(?:а|у|ом|е)?|"
    r"флот(?:а|у|ом|е)?|отряд(?:а|у|ом|е)?|загін|загону|флотили(?:я|и|ю|ей))"
)
# Genitive complement after the unit noun: «морской пехоты», «специального назначения».
_RU_COMPLEMENT = (
    r"(?:\s+[а-яёіїє]+(?:ой|ого|их|ей|ых|ої|ого)\s+"
    r"(?:пехоты|піхоти|назначения|призначення|обороны|оборони|флота|флоту|войск|військ|"
    r"армии|армії|округа|округу|бригады|дивизии|полка|разведки|розвідки|десанта|штурмовиков))"
)
# A quoted name, a single capital letter («батальон К», but not the initial in «К. Иванов»),
# or «имени Х».
_RU_NAME_AFTER = (
    rf"(?:\s+(?:{_QUOTED}|[А-ЯЁA-Z](?![\w.]\w)|имени\s+[А-ЯЁ][\w-]+(?:\s+[А-ЯЁ][\w-]+)?))"
)
RU_MIL_UNIT = [
    # «155-я отдельная бригада морской пехоты», «58-й армии», «3-го армейского корпуса»
    rf"(?<![\w-]){_RU_ORDINAL}(?:\s+{_RU_ADJ}){{0,4}}\s+{_RU_UNIT_NOUN}\b{_RU_COMPLEMENT}?{_RU_NAME_AFTER}?",
    # «батальон К», «батальона «Ахмат»», «бригада "Азов"»
    rf"(?<![\w-])(?:{_RU_ADJ}\s+){{0,2}}(?i:{_RU_UNIT_NOUN})\b{_RU_COMPLEMENT}?{_RU_NAME_AFTER}",
    # a capitalised modifier names the unit: «Черноморского флота», «Северный флот»
    rf"(?<![\w-])[А-ЯЁІЇЄ][а-яёіїє]+(?:ого|ий|ый|ой|ая|ому|им|ым|ом)\s+{_RU_UNIT_NOUN}\b",
]

_RU_EQUIP_CLASS = (
    r"(?:дрон\w{0,4}|беспилотник\w{0,3}|БПЛА|БпЛА|безпілотник\w{0,3}|танк(?:а|и|ов|ом|у|ами|ах)?|"
    r"ракет(?:а|ы|у|ой|е|ами|ах)?|гаубиц\w{0,3}|РСЗО|ЗРК|ПТРК|ЗРПК|артиллери\w{1,3}|"
    r"артилері\w{1,3}|бронетехник\w{1,3}|вертол[её]т\w{0,3}|гелікоптер\w{0,3}|"
    r"бомб(?:а|ы|у|ой|ами)?|КАБ\w{0,2})"
)
_RU_FAMILIES = (
    r"(?:Ланцет\w{0,3}|Искандер\w{0,3}|Калибр\w{0,3}|Кинжал\w{0,3}|Шахед\w{0,3}|"
    r"Герань\w{0,3}|Герани\w{0,2}|Байрактар\w{0,3}|Хаймарс\w{0,3}|Javelin\w{0,2}|HIMARS|"
    r"ATACMS|Storm\s+Shadow|Старлинк\w{0,3}|Starlink)"
)
_RU_DESIGNATOR = r"(?:[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z]{0,3}-\d{1,3}[А-ЯЁа-яёA-Z0-9]{0,3})"
RU_EQUIPMENT = [
    rf"(?<![\w-]){_RU_EQUIP_CLASS}(?:\s+{_RU_DESIGNATOR}|\s+{_QUOTED})",
    rf"(?<![\w-]){_RU_FAMILIES}(?!\w)",
    rf"(?<![\w-]){_RU_DESIGNATOR}(?![\w-])",
    rf"(?<![\w-]){_RU_EQUIP_CLASS}(?!\w)",
]

# Plural nouns for people: the adjective before them must be plural too, so «Сибирского
# военного округа» (a district) is not read as «военные» (soldiers).
_RU_GROUP_PLURAL = (
    r"(?:военн(?:ые|ых|ым|ыми)|солдат(?:ы|ам|ами|ах)?|войск(?:а|ам|ами|ах)?|"
    r"бойц(?:ы|ов|ам|ами|ах)|военнослужащ(?:ие|их|им|ими)|сил(?:ы|ам|ами|ах)?|"
    r"наемник(?:и|ов|ам|ами)|наёмник(?:и|ов|ам|ами)|командир(?:ы|ов|ам|ами)|"
    r"чиновник(?:и|ов|ам|ами)|власт(?:и|ей|ям|ями)|спецслужб(?:ы|ам|ами)|"
    r"подразделени(?:я|й|ям|ями)|дипломат(?:ы|ов|ам|ами)|оккупант(?:ы|ов|ам|ами)|"
    r"військов(?:і|их|им|ими)|солдат(?:и|ів)|війська|військ|бійц(?:і|ів|ям)|сил(?:и|ам)|"
    r"окупант(?:и|ів|ам))"
)
_RU_ADJ_PLURAL = r"(?:[А-ЯЁІЇЄа-яёіїє]+-)?[А-ЯЁІЇЄа-яёіїє]+(?:ск|цк|ськ|цьк)(?:ие|их|им|ими|і)"
# Collective singular nouns take a singular adjective: «российская разведка».
_RU_GROUP_COLLECTIVE = r"(?:разведк(?:а|и|у|ой|е)|розвідк(?:а|и|у|ою|і)|спецслужб(?:а|ы|у|ой))"
_RU_ADJ_SINGULAR = r"(?:[А-ЯЁІЇЄа-яёіїє]+-)?[А-ЯЁІЇЄа-яёіїє]+(?:ск|цк)(?:ая|ой|ую|ей|а|ої|у)"
RU_GROUP = [
    rf"(?<![\w-]){_RU_ADJ_PLURAL}\s+{_RU_GROUP_PLURAL}(?!\w)",
    rf"(?<![\w-]){_RU_ADJ_SINGULAR}\s+{_RU_GROUP_COLLECTIVE}(?!\w)",
]


@dataclass(frozen=True)
class RuleSpan:
    start: int
    end: int
    label: str
    rule: str


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


_RULES: dict[str, list[tuple[str, list[re.Pattern[str]]]]] = {
    "en": [
        ("MIL_UNIT", _compile(EN_MIL_UNIT)),
        ("GROUP", _compile(EN_GROUP)),
        ("EQUIPMENT", _compile(EN_EQUIPMENT)),
    ],
    "ru": [
        ("MIL_UNIT", _compile(RU_MIL_UNIT)),
        ("GROUP", _compile(RU_GROUP)),
        ("EQUIPMENT", _compile(RU_EQUIPMENT)),
    ],
}
_RULES["uk"] = _RULES["ru"]


def find_rule_spans(text: str, lang: str) -> list[RuleSpan]:
    """Non-overlapping rule matches; earlier rule families and longer matches win."""
    found: list[RuleSpan] = []
    taken: list[tuple[int, int]] = []
    for label, patterns in _RULES.get(lang, _RULES["en"]):
        candidates: list[RuleSpan] = []
        for i, pattern in enumerate(patterns):
            for m in pattern.finditer(text):
                start, end = _trim(text, m.start(), m.end())
                if end > start:
                    candidates.append(RuleSpan(start, end, label, f"{label}.{i}"))
        candidates.sort(key=lambda s: (-(s.end - s.start), s.start))
        for span in candidates:
            if all(span.end <= a or span.start >= b for a, b in taken):
                taken.append((span.start, span.end))
                found.append(span)
    found.sort(key=lambda s: s.start)
    return found


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t\n,.;:":
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    # A quote mark that opens the name but whose partner is outside the match is not ours.
    inner = text[start + 1 : end]
    if end > start and text[start] in '«"“' and not any(c in inner for c in '»"”'):
        start += 1
    inner = text[start : end - 1]
    if end > start and text[end - 1] in '»"”' and not any(c in inner for c in '«"“'):
        end -= 1
    return start, end
