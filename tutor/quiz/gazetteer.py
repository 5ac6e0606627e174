"""General knowledge for typing names without a tagger: countries, cities and regions (with
their aliases), and the keywords that say a name is an organisation, an event, a person or a
place. Nothing here is specific to one course.
"""

from __future__ import annotations

import re

from ..text import STOPWORDS, tokens
from .values import FactType

# Countries, with aliases after "|" sharing the first name's identity, so "America" is never
# offered as a wrong answer to a question whose answer is "the United States".
_COUNTRIES = """
afghanistan; albania; algeria; andorra; angola; argentina; armenia; australia; austria;
azerbaijan; bahamas; bahrain; bangladesh; barbados; belarus; belgium; belize; benin; bhutan;
bolivia; bosnia|bosnia and herzegovina; botswana; brazil; brunei; bulgaria; burkina faso;
burundi; cambodia; cameroon; canada; chad; chile; china|prc|people's republic of china;
colombia; congo; costa rica; croatia; cuba; cyprus; czechoslovakia; czech republic|czechia;
denmark; djibouti; dominican republic; ecuador; egypt; el salvador; eritrea; estonia;
ethiopia; fiji; finland; france; gabon; gambia; georgia; germany; ghana; greece; grenada;
guatemala; guinea; guyana; haiti; honduras; hungary; iceland; india; indonesia; iran|persia;
iraq; ireland; israel; italy; ivory coast; jamaica; japan; jordan; kazakhstan; kenya;
korea; north korea|dprk; south korea; kosovo; kuwait; kyrgyzstan; laos; latvia; lebanon;
lesotho; liberia; libya; liechtenstein; lithuania; luxembourg; madagascar; malawi; malaysia;
maldives; mali; malta; mauritania; mauritius; mexico; moldova; monaco; mongolia; montenegro;
morocco; mozambique; myanmar|burma; namibia; nepal; netherlands|holland; new zealand;
nicaragua; niger; nigeria; north macedonia|macedonia; norway; oman; pakistan; palestine;
panama; papua new guinea; paraguay; peru; philippines; poland; portugal; qatar; romania;
russia|russian federation; rwanda; samoa; san marino; saudi arabia; senegal; serbia;
sierra leone; singapore; slovakia; slovenia; somalia; south africa; spain; sri lanka|ceylon;
sudan; suriname; sweden; switzerland; syria; taiwan; tajikistan; tanzania; thailand|siam;
togo; tonga; tunisia; turkey; turkmenistan; uganda; ukraine; uruguay; uzbekistan;
venezuela; vietnam; yemen; yugoslavia; zambia; zimbabwe;
united states|united states of america|usa|us|u.s|u.s.a|america;
ussr|soviet union|u.s.s.r|union of soviet socialist republics;
united kingdom|uk|britain|great britain|england;
gdr|east germany|german democratic republic; frg|west germany|federal republic of germany;
vatican|holy see; ottoman empire; prussia; austria-hungary
"""
_CITIES = """
moscow; leningrad|saint petersburg|st. petersburg|petrograd; kiev|kyiv; minsk; warsaw;
prague; budapest; bucharest; sofia; belgrade; berlin; bonn; vienna; paris; london; rome;
madrid; lisbon; athens; istanbul|constantinople; ankara; cairo; beijing|peking; shanghai;
tokyo; seoul; pyongyang; hanoi; saigon|ho chi minh city; delhi|new delhi; mumbai|bombay;
karachi; tehran; baghdad; damascus; jerusalem; tel aviv; beirut; riyadh; mecca; havana;
mexico city; washington; new york; boston; chicago; los angeles; san francisco; ottawa;
toronto; montreal; buenos aires; rio de janeiro; brasilia; santiago; lima; bogota; caracas;
geneva; zurich; bern; brussels; amsterdam; the hague; copenhagen; stockholm; oslo; helsinki;
reykjavik; dublin; edinburgh; tallinn; riga; vilnius; tbilisi; yerevan; baku; tashkent;
almaty; kabul; islamabad; dhaka; bangkok; jakarta; manila; sydney; melbourne; canberra;
wellington; nairobi; lagos; johannesburg; cape town; algiers; tunis; tripoli; addis ababa;
khartoum; sverdlovsk|yekaterinburg; stalingrad|volgograd; vladivostok; novosibirsk; odessa;
kharkov|kharkiv; munich; hamburg; frankfurt; cologne; dresden; leipzig; milan; venice;
florence; naples; barcelona; marseille; lyon; krakow; gdansk|danzig; potsdam; yalta;
hiroshima; nagasaki; kyoto; osaka; hong kong; taipei; ulaanbaatar; rangoon|yangon;
phnom penh; kuala lumpur; versailles; munich; ankara; suez
"""
_REGIONS = """
europe; asia; africa; north america; south america; latin america; central america; oceania;
antarctica; arctic; middle east; near east; far east; balkans; scandinavia; siberia;
caucasus; baltic|baltics; mediterranean; indochina; manchuria; crimea; central asia;
eastern europe; western europe; central europe
"""
# Regions that need no article, offered when a course names too few regions of its own.
CONTINENTS = (
    "Africa",
    "Asia",
    "Europe",
    "Latin America",
    "North America",
    "Oceania",
    "South America",
)
COMPASS = frozenset(
    """east west north south central eastern western northern southern upper lower greater
    south-eastern south-western north-eastern north-western""".split()
)

ORG_WORDS = frozenset(
    """council organization organisation pact union party congress ministry assembly club
    treaty republic committee government presidium league alliance bank fund company
    corporation university academy institute society church army navy front movement court
    parliament senate agency bureau department commission federation association guild
    school college museum library agreement accord accords convention charter declaration
    cabinet politburo soviet duma nations community office service forces corps board
    foundation protocol confederation coalition brotherhood order""".split()
)
# A numeral after a name's head word: a Roman one or digits.
_ORDINAL_SUFFIX = re.compile(r"[ivx]{1,4}|\d{1,3}")
EVENT_WORDS = frozenset(
    """war wall crisis revolution uprising rebellion revolt conference summit games olympics
    curtain blockade affair incident massacre battle siege plan doctrine campaign offensive
    operation spring famine fire plague reforms expedition exhibition fair festival trials
    trial election crusade""".split()
)
# Words that name a person's role: before a name they say the name is a person's.
PERSON_TITLES = frozenset(
    """president king queen prince princess emperor empress tsar czar general mayor minister
    chancellor pope sir lord lady dr mr mrs ms professor captain colonel admiral bishop
    archbishop duke duchess count countess baron senator governor sultan shah marshal premier
    secretary chairman diplomat leader merchant architect poet writer painter composer
    scientist engineer explorer commander ambassador officer philosopher abbot priest saint
    founder banker scholar physician judge""".split()
)
# Nouns that follow a person's possessive ("Stalin's death") or precede "of" + a person.
PERSON_NOUNS = frozenset(
    """death birth life wife husband son daughter father mother brother sister successor
    predecessor reign rule funeral speech murder assassination resignation memoirs biography
    displacement dismissal overthrow widow heir""".split()
)
# Verbs a person does; a name just before one is voted a person.
PERSON_VERBS = frozenset(
    """announced asserted said spoke proposed refused learned believed thought wrote married
    died decided argued claimed insisted visited met led ruled founded began told replied
    declared stated promised demanded apologized apologised resigned became knew saw""".split()
)
MODALS = frozenset("could would should will can did must might may shall".split())
# Prepositions before a place ("in Vienna", "near Sverdlovsk"); "to"/"at" count half.
PLACE_PREPS = {
    "in": 1.0,
    "near": 1.0,
    "into": 1.0,
    "from": 1.0,
    "across": 1.0,
    "outside": 1.0,
    "inside": 1.0,
    "throughout": 1.0,
    "towards": 1.0,
    "toward": 1.0,
    "to": 0.5,
    "at": 0.5,
}
PLACE_NOUNS = frozenset(
    """territory city town capital province region coast island port village kingdom banks
    streets outskirts suburbs walls harbour harbor district county state""".split()
)
# Nationality adjectives that a suffix rule cannot see ("Soviet leadership", "French army").
ADJECTIVES = frozenset(
    """soviet greek thai swiss french dutch welsh irish scottish czech slovak polish danish
    finnish turkish spanish british nazi communist socialist catholic orthodox protestant
    muslim christian jewish arab slav""".split()
)
ADJECTIVE_SUFFIX = re.compile(r"(?:an|ian|ean|ese|ish|ic|ch|ern|i)$", re.IGNORECASE)
NAME_PARTICLES = frozenset("de von van der da di del la le bin ibn al".split())
OPENERS = STOPWORDS | frozenset(
    """having despite under key let following during after before since until although
    while meanwhile besides accordingly basically indeed finally later today""".split()
)


def _alias_table(spec: str) -> dict[str, str]:
    """{name: identity} from "a|b; c" lists: aliases share the first name's identity."""
    table: dict[str, str] = {}
    for entry in spec.replace("\n", " ").split(";"):
        names = [n.strip() for n in entry.split("|") if n.strip()]
        for name in names:
            table.setdefault(name, names[0])
    return table


COUNTRIES = _alias_table(_COUNTRIES)
CITIES = _alias_table(_CITIES)
REGIONS = _alias_table(_REGIONS)


def gazetteer(name: str) -> tuple[FactType, str] | None:
    """The place type and identity of a name the gazetteer knows, with a compass prefix
    ("East Berlin", "Central Europe") making a part of a known place."""
    low = name.lower().replace("’", "'")
    if low in COUNTRIES:
        return FactType.COUNTRY, COUNTRIES[low]
    if low in CITIES:
        return FactType.PLACE, CITIES[low]
    if low in REGIONS:
        return FactType.REGION, REGIONS[low]
    head, _, rest = low.partition(" ")
    if head in COMPASS and rest in CITIES:
        return FactType.PLACE, low
    if head in COMPASS and (rest in COUNTRIES or rest in REGIONS):
        return FactType.REGION, low
    return None


def static_type(words: tuple[str, ...]) -> tuple[FactType, str] | None:
    """A name's type when its own words decide it; None when the course must vote."""
    name = " ".join(words)
    known = gazetteer(name)
    if known:
        return known
    low = [w.lower() for w in words]
    if len(low) > 2 and _ORDINAL_SUFFIX.fullmatch(low[-1]):
        low = low[:-1]  # "World War II", "Vatican Council 2": the head is before the number
    if len(words) > 1 and (low[-1] in ORG_WORDS or low[0] in ORG_WORDS):
        return FactType.ORG, name.lower()
    if len(words) > 1 and low[-1] in EVENT_WORDS:
        return FactType.EVENT, name.lower()
    return None


def distinct_words(name: str) -> set[str]:
    """A name's own words, without the generic ones ("Council", "Union", "the")."""
    return {w for w in tokens(name) if w not in STOPWORDS and w not in ORG_WORDS | COMPASS}
