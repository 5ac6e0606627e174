"""English verb forms a question needs: which words are finite verbs, and the base form of
a past-tense verb for "did" ("adopted" → "did … adopt").

Without a tagger or a dictionary, a regular past tense is undone by spelling rules (a
doubled consonant, a silent "e" after "c", "v", "z", "u", a consonant and "l"…); where the
rules cannot tell ("focused" or "used"?), `base_of` says None and the caller asks no
question rather than a misspelt one. Irregular verbs come from a table of common ones.
"""

from __future__ import annotations

import re

# Forms of "be", "have", "do" and the modals: a finite one of these is moved in front of the
# subject to ask a question ("was signed" → "was … signed").
AUXILIARIES = frozenset(
    """am is are was were has have had do does did can could will would shall should may
    might must""".split()
)
# Auxiliaries that can only be followed by a verb (not a noun), so "had a population" is
# "have" as a main verb while "had become" is an auxiliary.
PERFECT = frozenset({"has", "have", "had"})

# base, past, past participle of common irregular verbs
_IRREGULAR = """
arise arose arisen; awake awoke awoken; be was been; bear bore borne; beat beat beaten;
become became become; begin began begun; bend bent bent; bind bound bound; bite bit bitten;
bleed bled bled; blow blew blown; break broke broken; breed bred bred; bring brought brought;
broadcast broadcast broadcast; build built built; burn burnt burnt; burst burst burst;
buy bought bought; cast cast cast; catch caught caught; choose chose chosen; cling clung clung;
come came come; cost cost cost; creep crept crept; cut cut cut; deal dealt dealt; dig dug dug;
do did done; draw drew drawn; dream dreamt dreamt; drink drank drunk; drive drove driven;
dwell dwelt dwelt; eat ate eaten; fall fell fallen; feed fed fed; feel felt felt;
fight fought fought; find found found; flee fled fled; fling flung flung; fly flew flown;
forbid forbade forbidden; forecast forecast forecast; foresee foresaw foreseen;
forget forgot forgotten; forgive forgave forgiven; freeze froze frozen; get got got;
give gave given; go went gone; grind ground ground; grow grew grown; hang hung hung;
have had had; hear heard heard; hide hid hidden; hit hit hit; hold held held; hurt hurt hurt;
keep kept kept; kneel knelt knelt; know knew known; lay laid laid; lead led led;
lean leant leant; leap leapt leapt; learn learnt learnt; leave left left; lend lent lent;
let let let; lie lay lain; light lit lit; lose lost lost; make made made; mean meant meant;
meet met met; mislead misled misled; overcome overcame overcome; overtake overtook overtaken;
overthrow overthrew overthrown; pay paid paid; put put put; quit quit quit; read read read;
rebuild rebuilt rebuilt; ride rode ridden; ring rang rung; rise rose risen; run ran run;
say said said; see saw seen; seek sought sought; sell sold sold; send sent sent; set set set;
shake shook shaken; shed shed shed; shine shone shone; shoot shot shot; show showed shown;
shrink shrank shrunk; shut shut shut; sing sang sung; sink sank sunk; sit sat sat;
sleep slept slept; slide slid slid; speak spoke spoken; spend spent spent; spin spun spun;
split split split; spread spread spread; spring sprang sprung; stand stood stood;
steal stole stolen; stick stuck stuck; sting stung stung; strike struck struck;
strive strove striven; swear swore sworn; sweep swept swept; swim swam swum; swing swung swung;
take took taken; teach taught taught; tear tore torn; tell told told; think thought thought;
throw threw thrown; thrust thrust thrust; undergo underwent undergone;
understand understood understood; undertake undertook undertaken; uphold upheld upheld;
upset upset upset; wake woke woken; wear wore worn; weave wove woven; win won won;
wind wound wound; withdraw withdrew withdrawn; withhold withheld withheld;
withstand withstood withstood; write wrote written
"""

_ROWS = [row.split() for row in _IRREGULAR.replace("\n", " ").split(";") if row.strip()]
_PAST_OF = {past: base for base, past, _ in _ROWS}
_PARTICIPLES = frozenset(part for *_, part in _ROWS)
# Past forms that are more often something else: "left" (the side), "lay", "found" is kept
# ("was found" is a participle anyway), "put"/"cut"/"set" are also present tense.
_AMBIGUOUS_PAST = frozenset({"left", "lay", "read", "lit", "ground", "wound", "bound", "fell"})
_SAME_PRESENT = frozenset(base for base, past, _ in _ROWS if base == past)

_VOWELS = "aeiou"
# Regular verbs whose spelling rules below would get wrong, and four with a short past.
_SPECIAL_PAST = {"created": "create", "died": "die", "tied": "tie", "lied": "lie", "eyed": "eye"}
_EED_PAST = frozenset({"agreed", "disagreed", "freed", "guaranteed", "decreed", "refereed"})
# Endings after which a base may or may not have had a silent "e" ("visit"/"unite",
# "monitor"/"restore"): the closed sets of verbs that have one; every other base has none.
_E_VERBS = frozenset(
    """unite reunite invite cite excite ignite recite incite expedite restore ignore explore
    store score bore adore deplore implore phone atone postpone condone clone zone dethrone
    enthrone hope cope elope scope slope rope escape shape drape scrape tape gape note vote
    quote devote promote demote denote invoke provoke evoke revoke smoke poke joke stroke
    choke complete delete compete deplete secrete""".split()
)
_AMBIGUOUS_ENDING = re.compile(r"(?:it|or|on|op|ap|ot|ok|et)$")
# A vowel pair before the last consonant keeps the base as it is ("remained", "appeared",
# "avoided", "looked"), unless the first vowel is a "u" sounding as a consonant after "q"
# or "g" ("acquired", "guided"), or the pair is "ia", "ua" ("negotiated"); an "s", "c", "v"
# or "z" after a vowel pair still had its "e" ("caused", "received", "seized").
_VOWEL_PAIR = re.compile(r"(?<![qg])(?!ia|ua)[aeiou]{2}[^aeiouscvz]$")
# After these endings a regular "-ed" took the place of a silent "e": announc(e)d,
# receiv(e)d, organiz(e)d, argu(e)d, settl(e)d, chang(e)d, judg(e)d, includ(e)d, stat(e)d…
_SILENT_E = re.compile(
    r"(?:[cvzu]|[^aeiou]l|[^s]s|[^oi]ng|rg|dg|ag|ig|ik|at|ut|id|ud|ad|in|ir|ar|ur|ib|od|um|am|om)$"
)
_KEPT_S = re.compile(r"(?:ss|ocus)$")  # "passed", "focused"
# A doubled consonant after a short vowel is undoubled: stopped, planned, committed,
# occurred; but "ll" is kept after "a", "i", "u" (called, filled, pulled) and cannot be told
# after "e", "o" (controlled/polled, expelled/spelled).
_DOUBLED = re.compile(r"(?<=[^aeiou][aeiou])([bdgkmnprtl])\1$")
_DOUBLE_KEPT = frozenset({"add", "ebb", "err", "purr"})


def past_base(word: str) -> str | None:
    """The base form of a past tense ("adopted" → "adopt", "broke" → "break"), or None when
    the word is no past tense or its base cannot be told from its spelling."""
    w = word.lower()
    if w in _PAST_OF and w not in _AMBIGUOUS_PAST:
        return _PAST_OF[w]
    if w in _SPECIAL_PAST:
        return _SPECIAL_PAST[w]
    if w in _EED_PAST:
        return w[:-1]
    if not w.endswith("ed") or len(w) < 5 or w.endswith("eed"):
        return None
    if w.endswith("ied") and w[-4] not in _VOWELS:
        return w[:-3] + "y"  # carried, tried
    stem = w[:-2]
    if _DOUBLED.search(stem) and stem not in _DOUBLE_KEPT:
        if stem.endswith("ll"):
            return stem if stem[-3] in "aiu" else None
        return stem[:-1]
    if _AMBIGUOUS_ENDING.search(stem) and not _VOWEL_PAIR.search(stem):
        return stem + "e" if stem + "e" in _E_VERBS else stem
    if _VOWEL_PAIR.search(stem) or _KEPT_S.search(stem):
        return stem
    if _SILENT_E.search(stem):
        return stem + "e"
    return stem


def is_past(word: str, after: str = "") -> bool:
    """Whether `word` reads as a finite past-tense verb (not an adjective such as "the
    leased territory": `after` is the word before it, which must not be a determiner)."""
    w = word.lower()
    if w in _AMBIGUOUS_PAST or w in _SAME_PRESENT:
        return False
    return (
        w in _PAST_OF or (w.endswith("ed") and len(w) >= 5)
    ) and after.lower() not in _DETERMINERS


def is_participle(word: str) -> bool:
    w = word.lower()
    return w.endswith(("ed", "en")) or w in _PARTICIPLES or w == "been"


_DETERMINERS = frozenset(
    """a an the this that these those its their his her our my your some any no every each
    such so-called""".split()
)
