"""Synthetic courses: plausible, varied, distinct history-course sentences from templates.

Every sentence has a verb (so the splitter never joins it to the next as a fragment), no
full stop inside it (no abbreviations or initials) and ends with one. People and towns are
drawn from pools that grow with the course (invented names from syllables), so a large course
has a larger vocabulary, as a real one would. A seeded `random.Random` makes every course
reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path


def _items(text: str) -> list[str]:
    return [" ".join(item.split()) for item in text.split("|")]


COUNTRIES = """Albania Algeria Argentina Austria Belgium Bolivia Brazil Bulgaria Burma Cambodia
Canada Chile China Colombia Cuba Czechoslovakia Denmark Egypt Ethiopia Finland France Ghana
Greece Guinea Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Japan Jordan Kenya
Laos Lebanon Libya Mali Mexico Mongolia Morocco Nepal Netherlands Nigeria Norway Pakistan
Panama Peru Poland Portugal Romania Somalia Spain Sudan Sweden Switzerland Syria Tanzania
Thailand Tunisia Turkey Uganda Uruguay Venezuela Vietnam Yemen Yugoslavia Zambia""".split()

CITIES = """Vienna Geneva Helsinki Warsaw Prague Budapest Belgrade Bucharest Sofia Berlin Bonn
Paris London Rome Madrid Lisbon Athens Ankara Cairo Delhi Beijing Hanoi Jakarta Havana Tokyo
Oslo Stockholm Copenhagen Brussels Amsterdam Baghdad Tehran Damascus Algiers Tunis Rabat Accra
Conakry Nairobi Lima Santiago Caracas Montevideo Ottawa Reykjavik Kabul Rangoon Colombo""".split()

SURNAMES = """Adler Baranov Becker Bianchi Novak Dimitrov Eriksen Ferreira Fischer Garcia Hansen
Horvath Ivanov Jansen Kowalski Kovacs Larsen Lindqvist Marin Moreau Nagy Nielsen Olsen Petrov
Popescu Rossi Santos Schmidt Silva Sokolov Svoboda Toth Varga Volkov Weber Wagner Zielinski
Okafor Mensah Haddad Nasser Karimi Tanaka Suzuki Nguyen Sato Mehta Rao Castillo Morales Ortega
Vargas Herrera Lindgren Aalto Virtanen Korhonen Dalca Georgescu Kostov Angelov Markovic""".split()

SYLLABLES = """ka ro vi len mar do sel tan bor ni gra vos el ur ste pol mi zar den la ko
bre tu sa vel dim or an ri go""".split()
NAME_ENDINGS = ["ov", "ski", "sen", "escu", "ic", "as", "er", "in", "ar", "ova", ""]
TOWN_ENDINGS = ["grad", "burg", "ia", "ovo", "ton", "polis", "sk", "ville", "stad", "an"]

ROLES = _items(
    """foreign minister|prime minister|trade minister|defence minister|ambassador|envoy|party
    secretary|chief negotiator|head of the delegation|general secretary|finance minister|
    president of the council|chairman of the commission|senior diplomat|military attache"""
)

BODIES = _items(
    """foreign ministry|trade ministry|defence council|planning commission|state committee|
    national assembly|central committee|supreme council|economic council|joint commission|
    peace committee|security council|customs union|railway directorate|shipping board|
    energy agency|grain board|science academy|labour federation|press office"""
)

AGREEMENTS = _items(
    """trade agreement|treaty of friendship|border settlement|cultural exchange programme|
    loan agreement|non-aggression pact|fisheries convention|air transport accord|customs treaty|
    mutual assistance pact|armistice agreement|grain supply contract|credit line|shipping
    agreement|scientific cooperation programme|consular convention|pipeline contract|
    arms control protocol|water sharing accord|reparations settlement"""
)

VERBS = """signed negotiated ratified rejected proposed extended renewed suspended announced
drafted approved revised""".split()

BULK_GOODS = _items(
    """grain|cotton|coal|oil|timber|steel|fertiliser|copper|wool|rice|sugar|cement|potash|
    iron ore|bauxite|tea|coffee|tobacco|rubber|salt"""
)

MADE_GOODS = _items(
    """tractors|machine tools|textiles|trucks|turbines|locomotives|fishing boats|medicines|
    radios|sewing machines|buses|generators|cranes|bicycles|pumps"""
)

EVENTS = _items(
    """a long border dispute|a wave of strikes|a change of government|a failed harvest|
    a sharp fall in export prices|a naval incident|the collapse of earlier talks|a state visit|
    a currency crisis|mass demonstrations in the capital|a series of floods|an election victory
    of the opposition|a military coup|a summit of the neutral states|a spy scandal"""
)

OUTCOMES = _items(
    """strengthened trade between the two countries|eased tension on the border|was criticised
    by the opposition press|opened the way to a wider settlement|doubled the volume of exports|
    was welcomed by the neutral states|caused a split inside the ruling party|led to the recall
    of both ambassadors|was later used as a model for other treaties|brought new credits for
    industry|reduced the number of troops in the region|gave fishermen access to the northern
    waters|remained in force for a decade|was quietly abandoned two years later"""
)

ADJECTIVES = _items(
    """difficult|lengthy|secret|public|cautious|decisive|bitter|friendly|tense|formal|
    unexpected|costly|fragile|historic|brief"""
)

TOPICS = _items(
    """trade|borders|security|culture|energy|transport|agriculture|science|finance|fisheries|
    industry|diplomacy|aid|migration|shipping"""
)

MONTHS = """January February March April May June July August September October November
December""".split()

UNITS = ["days", "weeks", "months", "years"]


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _invented(rng: random.Random, n: int, endings: list[str], taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        word = (word + rng.choice(endings)).capitalize()
        if word not in taken:
            taken.add(word)
            names.append(word)
    return names


class CourseWriter:
    """Distinct course sentences, section titles and questions, from a seed.

    `scale` (about the number of sentences the course will have) sizes the pools of invented
    people and towns: one person per ten sentences, one town per twenty.
    """

    def __init__(self, seed: int = 0, scale: int = 1_000):
        self.rng = random.Random(seed)
        self._seen: set[str] = set()
        taken = set(SURNAMES) | set(CITIES) | set(COUNTRIES)
        self.people = SURNAMES + _invented(self.rng, scale // 10, NAME_ENDINGS, taken)
        self.towns = CITIES + _invented(self.rng, scale // 20, TOWN_ENDINGS, taken)

    def _surname(self) -> str:
        return self.rng.choice(self.people)

    def _place(self) -> str:
        return self.rng.choice(self.towns)

    def _actor(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return f"the {rng.choice(BODIES)} of {rng.choice(COUNTRIES)}"
        if r < 0.75:
            return rng.choice(COUNTRIES)
        return f"the {rng.choice(ROLES)} of {rng.choice(COUNTRIES)}, {self._surname()},"

    def _date(self) -> str:
        rng = self.rng
        r = rng.random()
        year = rng.randint(1900, 1999)
        if r < 0.4:
            return f"in {year}"
        if r < 0.8:
            return f"in {rng.choice(MONTHS)} {year}"
        return f"on {rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}"

    def _raw_sentence(self) -> str:
        rng = self.rng
        kind = rng.randrange(8)
        verb = rng.choice(VERBS)
        if kind == 0:
            s = _join(
                self._date() + ",",
                self._actor(),
                verb,
                _a(rng.choice(AGREEMENTS)),
                "with",
                rng.choice(COUNTRIES),
            )
        elif kind == 1:
            s = _join(
                "after",
                rng.choice(EVENTS) + ",",
                self._actor(),
                verb,
                "the",
                rng.choice(AGREEMENTS),
                "and the decision",
                rng.choice(OUTCOMES),
            )
        elif kind == 2:
            s = _join(
                "the",
                rng.choice(ADJECTIVES),
                "talks in",
                self._place(),
                "between",
                rng.choice(COUNTRIES),
                "and",
                rng.choice(COUNTRIES),
                "lasted",
                str(rng.randint(2, 40)),
                rng.choice(UNITS),
                "and ended",
                self._date(),
            )
        elif kind == 3:
            s = _join(
                self._surname() + ",",
                "who served as",
                rng.choice(ROLES),
                "of",
                rng.choice(COUNTRIES),
                "from",
                str(rng.randint(1900, 1990)) + ",",
                "travelled to",
                self._place(),
                "and",
                verb,
                _a(rng.choice(AGREEMENTS)),
            )
        elif kind == 4:
            s = _join(
                "by",
                str(rng.randint(1900, 1999)) + ",",
                rng.choice(COUNTRIES),
                "was exporting",
                f"{rng.randint(2, 900) * 1000:,}",
                "tonnes of",
                rng.choice(BULK_GOODS),
                "a year through the port of",
                self._place(),
            )
        elif kind == 5:
            s = _join(
                "the",
                rng.choice(AGREEMENTS),
                "that",
                self._actor(),
                verb,
                self._date(),
                rng.choice(OUTCOMES),
            )
        elif kind == 6:
            s = _join(
                "historians argue that",
                rng.choice(EVENTS),
                self._date(),
                "forced",
                self._actor(),
                "to rethink its policy on",
                rng.choice(TOPICS),
            )
        else:
            s = _join(
                "according to the",
                rng.choice(BODIES),
                "of",
                rng.choice(COUNTRIES) + ",",
                "the deliveries of",
                rng.choice(MADE_GOODS),
                "to",
                self._place(),
                "rose by",
                str(rng.randint(3, 95)),
                "percent",
                self._date(),
                "because of",
                rng.choice(EVENTS),
            )
        s = s.replace(",,", ",")
        return s[0].upper() + s[1:] + "."

    def sentence(self) -> str:
        """A course sentence never returned before by this writer."""
        for _ in range(1000):
            s = self._raw_sentence()
            if s not in self._seen:
                self._seen.add(s)
                return s
        raise RuntimeError("the sentence templates are exhausted")

    def sentences(self, n: int) -> list[str]:
        return [self.sentence() for _ in range(n)]

    def title(self) -> str:
        rng = self.rng
        return rng.choice(
            [
                f"{rng.choice(COUNTRIES)} and {rng.choice(COUNTRIES)} on {rng.choice(TOPICS)}",
                f"The {rng.choice(ADJECTIVES)} years of {rng.choice(TOPICS)}",
                f"Talks in {self._place()}",
                f"The {rng.choice(BODIES)} and {rng.choice(TOPICS)}",
            ]
        )

    def question(self) -> str:
        rng = self.rng
        return rng.choice(
            [
                f"When did {rng.choice(COUNTRIES)} sign the {rng.choice(AGREEMENTS)}?",
                f"How long did the talks in {self._place()} last?",
                f"Who travelled to {self._place()} to negotiate {_a(rng.choice(AGREEMENTS))}?",
                f"How much {rng.choice(BULK_GOODS)} did {rng.choice(COUNTRIES)} export?",
                f"Why did {rng.choice(COUNTRIES)} rethink its policy on {rng.choice(TOPICS)}?",
                f"What followed {rng.choice(EVENTS)} in {rng.choice(COUNTRIES)}?",
                f"Which {rng.choice(BODIES)} reported more deliveries of {rng.choice(MADE_GOODS)}?",
            ]
        )


def _paragraph_sizes(rng: random.Random, n: int) -> Iterator[int]:
    left = n
    while left > 0:
        size = min(left, rng.randint(2, 7))
        left -= size
        yield size


def write_course(
    folder: Path,
    n_sentences: int,
    *,
    seed: int = 0,
    sentences_per_file: int = 2_000,
    sentences_per_section: int = 40,
) -> int:
    """Write a course of `n_sentences` distinct sentences as Markdown-headed .txt files.

    Returns the number of sentences written (the index may count a few differently if the
    splitter disagrees; the build's manifest has the figure it used).
    """
    writer = CourseWriter(seed, scale=n_sentences)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    part = 0
    while written < n_sentences:
        part += 1
        in_file = min(sentences_per_file, n_sentences - written)
        lines = [f"# Part {part}: {writer.title()}", ""]
        lines += [writer.sentence(), ""]  # the part's introduction
        done = 1
        while done < in_file:
            in_section = min(sentences_per_section, in_file - done)
            lines += [f"## {writer.title()}", ""]
            for size in _paragraph_sizes(writer.rng, in_section):
                lines += [" ".join(writer.sentences(size)), ""]
            done += in_section
        (folder / f"part-{part:04d}.txt").write_text("\n".join(lines), encoding="utf-8")
        written += done
    return written
