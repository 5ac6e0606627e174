"""Word-level text helpers and the vocabulary shared by retrieval, answering, conversation
and quizzes: the one tokeniser, stop words, the calendar's words."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

# A word: letters and digits, with inner apostrophes, dots and hyphens kept ("porkkala-udd",
# "u.s.", "Stalin's"). Every module that splits text into words uses this one.
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")

MONTHS = (
    "January February March April May June July August September October November December"
).split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
# Short forms of the months, lower-cased, as learners type them ("Aug 13", "Sept").
MONTH_ABBREVIATIONS = {
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}

# Lengths the service holds text to: a question, a quiz topic, and an answer (the one the
# tutor composes, and a learner's answer to a quiz item).
QUESTION_CHARS = 1000
TOPIC_CHARS = 200
ANSWER_CHARS = 500

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can could did didn't do does doesn't doing
    don't down during each either else ever every few for from further had has have having
    he her here hers herself him himself his how however i if in into is isn't it its itself
    just let like me more most much must my myself neither no nor not now of off on once
    only or other others our ours ourselves out over own same shall she should so some such
    than that the their theirs them themselves then there these they this those through thus
    to too under until up upon us very was wasn't we were weren't what when where which
    while who whom whose why will with within without would yet you your yours yourself
    yourselves tell explain describe please know say said get got one ones s""".split()
)

WH_WORDS = frozenset(["what", "when", "where", "which", "who", "whom", "whose", "why", "how"])

_stemmer = snowballstemmer.stemmer("english")

# Irregular verb forms mapped to their base, so "withdrew" matches "withdraw" and "spoke"
# matches "speak" (a stemmer only strips regular suffixes).
_IRREGULAR = {
    form: base
    for base, forms in (
        ("arise", "arose arisen"),
        ("be", "was were been"),
        ("bear", "bore borne born"),
        ("beat", "beaten"),
        ("become", "became"),
        ("begin", "began begun"),
        ("bind", "bound"),
        ("blow", "blew blown"),
        ("break", "broke broken"),
        ("bring", "brought"),
        ("build", "built"),
        ("buy", "bought"),
        ("catch", "caught"),
        ("choose", "chose chosen"),
        ("come", "came"),
        ("deal", "dealt"),
        ("do", "did done"),
        ("draw", "drew drawn"),
        ("drive", "drove driven"),
        ("eat", "ate eaten"),
        ("fall", "fell fallen"),
        ("feel", "felt"),
        ("fight", "fought"),
        ("find", "found"),
        ("flee", "fled"),
        ("fly", "flew flown"),
        ("forbid", "forbade forbidden"),
        ("forget", "forgot forgotten"),
        ("freeze", "froze frozen"),
        ("get", "got gotten"),
        ("give", "gave given"),
        ("go", "went gone"),
        ("grow", "grew grown"),
        ("hang", "hung"),
        ("have", "had has"),
        ("hear", "heard"),
        ("hide", "hid hidden"),
        ("hold", "held"),
        ("keep", "kept"),
        ("know", "knew known"),
        ("lead", "led"),
        ("leave", "left"),
        ("lend", "lent"),
        ("lie", "lay lain"),
        ("lose", "lost"),
        ("make", "made"),
        ("mean", "meant"),
        ("meet", "met"),
        ("pay", "paid"),
        ("ride", "rode ridden"),
        ("rise", "rose risen"),
        ("run", "ran"),
        ("say", "said"),
        ("see", "saw seen"),
        ("seek", "sought"),
        ("sell", "sold"),
        ("send", "sent"),
        ("shake", "shook shaken"),
        ("shoot", "shot"),
        ("show", "shown"),
        ("sink", "sank sunk"),
        ("sit", "sat"),
        ("speak", "spoke spoken"),
        ("spend", "spent"),
        ("stand", "stood"),
        ("steal", "stole stolen"),
        ("strike", "struck stricken"),
        ("swear", "swore sworn"),
        ("take", "took taken"),
        ("teach", "taught"),
        ("tear", "tore torn"),
        ("tell", "told"),
        ("think", "thought"),
        ("throw", "threw thrown"),
        ("understand", "understood"),
        ("undertake", "undertook undertaken"),
        ("wake", "woke woken"),
        ("wear", "wore worn"),
        ("win", "won"),
        ("withdraw", "withdrew withdrawn"),
        ("write", "wrote written"),
        ("overthrow", "overthrew overthrown"),
        ("arise", "arose"),
        ("shine", "shone"),
    )
    for form in forms.split()
}


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated and dotted words stay whole ("porkkala-udd")."""
    return [t.lower().replace("’", "'") for t in WORD.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    word = word.lower()
    if "." in word and not word.replace(".", "").isdigit():
        return word  # an acronym such as "u.s.": stemming would mangle it
    if word.endswith("'s"):
        word = word[:-2]
    word = _IRREGULAR.get(word, word)
    return str(_stemmer.stemWord(word))


def content_words(text: str) -> list[str]:
    """Tokens that carry meaning: not stop words, not single letters."""
    return [t for t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def content_stems(text: str) -> list[str]:
    """Stems of content words, with hyphenated words also split into their parts."""
    out: list[str] = []
    for word in content_words(text):
        out.append(stem(word))
        if "-" in word:
            # "Porkkala-Udd" also finds "Porkkala"; the "u" and "2" of "U-2" are no words
            out.extend(
                stem(p)
                for p in word.split("-")
                if len(p) > 2 and p.isalpha() and p not in STOPWORDS
            )
    return out


def lexical_terms(text: str) -> list[str]:
    """The terms BM25 indexes and matches: stems of content words and their hyphen parts."""
    return content_stems(text)


_LEANS_BACK = re.compile(
    r"^(?:it|its|they|their|them|this|these|those|he|his|she|her|such|there|"
    r"(?:during|after|before|in|at|from|with|by|as a result of|in accordance with|"
    r"according to|despite)\s+(?:it|this|that|them|him|her|these|those|the visit|the meeting)"
    r")\b",
    re.IGNORECASE,
)
# Connectives dropped from the front of an answer: these always link to what came before;
# the phrases only when a comma closes them ("As a result, …", not "As a result of …").


def leans_back(sentence: str) -> bool:
    """True when a sentence opens by pointing at the one before ("It had…", "During it,…")."""
    return bool(_LEANS_BACK.match(sentence))


# Verbs a textbook's objectives and exercises open with ("- Describe the main causes of…"):
# they ask the reader for an answer and state none.
_INSTRUCTS = re.compile(
    r"^(?:(?:\d+[.)]|[-*•])\s+)?(?:describe|explain|list|compare|contrast|discuss|identify|"
    r"define|summari[sz]e|outline|analy[sz]e|evaluate|distinguish)\b",
    re.IGNORECASE,
)


def states_no_fact(sentence: str) -> bool:
    """True for a sentence that asks rather than tells: a question, or an instruction to
    the reader. It can be read as context but never answers."""
    text = sentence.rstrip().rstrip("\"”’'")
    return text.endswith("?") or bool(_INSTRUCTS.match(sentence.lstrip()))
