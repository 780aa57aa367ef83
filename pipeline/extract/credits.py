"""What a byline credit names: a person, a news agency, or the outlet itself.

Bylines mix three things that analysts need apart. A person ("Jane Doe") is an author. An
agency ("dpa", "Associated Press in Valencia", "Quelle: sid/dpa") says the text is wire copy:
it goes into ``agency`` and makes the article ``wire``, but it is nobody's name. The outlet's
own name ("LTO" on lto.de, "Deutsche Welle (www.dw.com)") says only who published the page --
which the source already records -- so it is dropped. Desk codes and labels around a name
("Elena Oberholzer (obe)", "Quelle:") are cut before the credit is judged.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from enum import Enum

from pipeline.extract.text import compact_key

# News agencies by the names bylines give them (kinds.py reads datelines with the same list).
WIRE_AGENCIES = (
    r"Reuters|AP|Associated Press|AFP|Agence France-Presse|dpa|Deutsche Presse-Agentur|Bloomberg"
    r"|UPI|ANSA|EFE|Xinhua|PA|PA Media|APA|KNA|epd|sid|Kyodo|Yonhap|Interfax|TASS|RIA Novosti"
    r"|Anadolu(?: Ajansı| Agency)?|AA|Keystone-SDA|SDA|ATS|Belga|ANP|NTB|TT|Ritzau|CTK|PAP|MTI"
    r"|Lusa|Europa Press|Jiji|CNA|Bernama|Antara|IANS|PTI|ANI|AAP|CP|The Canadian Press|dts"
)
# "Associated Press in Valencia", "AFP, MANILA" (the place is split off before), "The AP".
_AGENCY = re.compile(
    rf"^(?:the\s+)?(?:{WIRE_AGENCIES})(?:\s+(?:staff|reporters?|in\s+\S.*|with\s+\S.*))?$",
    re.IGNORECASE,
)
# A credit that gives a web address names a website: "Deutsche Welle (www.dw.com)".
_WEB_ADDRESS = re.compile(
    r"\bwww\.|\b[\w-]{2,}\.(?:com|net|org|info|news|tv|io|de|at|ch|fr|it|es|nl|pl|cz|ru|tr|jp"
    r"|kr|vn|in|za|uk|co\.\w\w)\b",
    re.IGNORECASE,
)
# Desk codes after a name: "Elena Oberholzer (obe)", "Corina Gall (cog.)", "Max Muster/mm".
DESK_CODE = re.compile(r"\s*\(\s*[a-zäöü]{2,5}\.?\s*\)\s*$|\s*/\s*[a-z]{2,4}\s*$")
# Labels that introduce the credit's source rather than its author.
SOURCE_LABEL = re.compile(
    r"^\s*(?:quelle|source|sources|fuente|fonte|kaynak|bron|źródło)\s*:\s*", re.IGNORECASE
)
# A credit shorter than this must equal a site name to name it ("ap" is in many site names).
_MIN_CONTAINED = 4


class Credit(Enum):
    """What a single cleaned credit names."""

    PERSON = "person"
    AGENCY = "agency"
    OUTLET = "outlet"


def is_agency(name: str) -> bool:
    """True for a news agency's credit ("dpa", "The Associated Press", "AFP in Manila")."""
    return _AGENCY.match(name.strip()) is not None


def classify_credit(name: str, sites: Collection[str]) -> Credit:
    """Person, agency or the outlet; ``sites`` are compact keys of the site's own names."""
    if is_agency(name):
        return Credit.AGENCY
    if _WEB_ADDRESS.search(name):
        return Credit.OUTLET
    key = compact_key(name)
    first_word = compact_key(name.split()[0]) if name.split() else ""
    for site in sites:
        # The credit is the site's name, part of it ("VnExpress" of vnexpress.net), or opens
        # with it ("MDR THÜRINGEN" on mdr.de); a person's name merely containing the letters
        # of a short site name ("Max Zeitler" on zeit.de) is none of these.
        if key == site or first_word == site or (len(key) >= _MIN_CONTAINED and key in site):
            return Credit.OUTLET
    return Credit.PERSON
