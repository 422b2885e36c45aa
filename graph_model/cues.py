"""Cue words: the words in a sentence that suggest which relation of the ontology it states.

Each cue names the predicates it suggests, best first; :mod:`graph_model.drafting` keeps only
those whose domain and range (from the ontology, ``vocabulary.read_relations``) fit the types of
the entities the sentence mentions. English and German; patterns match word beginnings, so
"proposes", "proposed", "proposal" are one cue, and case is ignored.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# (pattern, predicates best first). A pattern starts at a word boundary; \w* takes endings.
_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # proposing, putting forward
    (r"propos\w*|put(?:s|ting)? forward|suggest\w*|initiative\w*|idea\b|call(?:s|ed|ing)? for|"
     r"vorschlag\w*|vorgeschlagen|schl[äa]g\w*(?: \w+){0,4} vor\b|schlug\w*(?: \w+){0,4} vor\b|vorzuschlagen|initiativ\w*|anreg\w*|"
     r"idee\b|forder\w*", ("proposes", "supports")),
    (r"promot\w*|advanc\w*|work(?:s|ed|ing)? on|develop\w*|launch\w*|realiz\w*|realis\w*|implement\w*|"
     r"f[öo]rder\w*|voranbring\w*|voranzubringen|entwickel\w*|umsetz\w*|verwirklich\w*",
     ("promotes", "supports")),
    (r"support\w*|in favou?r of|advocat\w*|back(?:s|ed|ing)?\b|endors\w*|want(?:s|ed)? to|keen|seek\w*|"
     r"establish\w*|need(?:s|ed)? to|values? of|must|important to|return to|align\w*|ready to|"
     r"unterst[üu]tz\w*|bef[üu]rwort\w*|will\w* \w+|wollen|m[üu]ssen|setzt\w* sich f[üu]r",
     ("supports",)),
    (r"oppos\w*|against\b|avoid\w*|reject\w*|stop\w*|abandon\w*|not going to|do not want|"
     r"ablehn\w*|lehnt\w*(?: \w+){0,4} ab\b|gegen\b|vermeid\w*", ("opposes",)),
    (r"welcom\w*|begr[üu][ßs]\w*", ("welcomes",)),
    (r"concern\w*|warn\w*|worr\w*|sorge\w*|besorg\w*|warnt\w*", ("expressesConcernAbout",)),
    (r"criticis\w*|criticiz\w*|blam\w*|condemn\w*|kritisier\w*|verurteil\w*", ("criticises",)),
    (r"discuss\w*|talk(?:s|ed)? about|mention\w*|focus\w*|point(?:s|ed)? to|recall\w*|"
     r"refer\w* to|noted|think\w*|believ\w*|know\w*|besprech\w*|diskutier\w*|er[öo]rter\w*|sprach\w* \w* ?[üu]ber|erw[äa]hn\w*", ("discusses",)),
    (r"under the auspices|auspices|involv\w*|engag\w*|participants?|"
     r"unter der schirmherrschaft|schirmherrschaft|beteilig\w*|einbezieh\w*", ("involves",)),
    (r"members?\b|membership|mitglied\w*", ("memberOf",)),
    (r"party to|parties to|vertragspartei\w*", ("partyTo",)),
    (r"all(?:y|ies|ied)\b|verb[üu]ndet\w*", ("allyOf",)),
    (r"agreements?\b|treat(?:y|ies)|abkommen|vertr[äa]g\w*", ("hasAgreementWith",)),
    (r"counterparts?|amtskolleg\w*", ("counterpartOf",)),
    (r"speak\w* at|spoke at|attend\w*|participat\w*|tak\w* part|took part|"
     r"teilnehm\w*|nahm\w*(?: \w+){0,4} teil\b|sprach\w* auf", ("participatesIn",)),
    (r"meet\w*|met with|talks with|news conference|press conference|consultations|"
     r"treff\w*|traf\w*|gespr[äa]ch\w*|pressekonferenz", ("meetsWith",)),
    (r"similar to|modell?ed on|in the spirit of|like the|[äa]hnlich\w*|nach dem vorbild|im geiste", ("modelledOn",)),
    (r"in the framework of|within the framework|as part of|part of|im rahmen|teil de[rs]", ("partOf",)),
    (r"expan\w*|broader|enlarg\w*|erweiter\w*", ("expands",)),
    (r"aim\w* at|address\w*|fight\w*|to overcome|to strengthen|to ensure|to resolve|"
     r"zielt\w*|bek[äa]mpf\w*|zu [üu]berwinden|zu st[äa]rken", ("addresses",)),
    (r"held in|take place in|took place in|in\b|fand\w* in|findet\w* in|statt", ("heldIn", "locatedIn")),
    (r"led to|lead(?:s|ing)? to|result\w* in|facilitat\w*|root\w*|caus\w*|brought about|sources? of|"
     r"f[üu]hrt\w* zu|f[üu]hrte\w* zu", ("ledTo",)),
    (r"about\b|concern(?:s|ing)\b|regarding|on\b|[üu]ber\b|betr\w*", ("concerns",)),
    (r"affect\w*|impact\w*|consequences|auswirk\w*|betroff\w*", ("affects",)),
    (r"located|in the cent(?:er|re) of|lieg\w* in|im zentrum", ("locatedIn",)),
    (r"cooperat\w*|co-operat\w*|work\w* closely|together with|zusammenarb\w*|kooperier\w*", ("cooperatesWith",)),
    (r"adopt\w*|verabschied\w*|annehm\w*|beschlie[ßs]\w*", ("adopts",)),
)
# Position words: a person holding a position in a state or organisation ("Foreign Minister").
ROLE_PATTERN = (r"(?:(?:vice|deputy|prime|foreign|defen[cs]e|interior|first)[ -])?"
                r"(?:president|minister|chancellor|head of state|leader|secretary[ -]general|secretary|"
                r"ambassador|spokes(?:man|woman|person)|chairman|chair|diplomat|"
                r"präsident\w*|außenminister\w*|aussenminister\w*|minister\w*|kanzler\w*|staatschef\w*|"
                r"botschafter\w*|sprecher\w*|vorsitzend\w*)")


@dataclass(frozen=True, order=True)
class Cue:
    """``sentence[start:end] == text`` suggests ``predicates`` (best first)."""

    start: int
    end: int
    text: str
    predicates: tuple[str, ...]


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    cues = [(re.compile(rf"(?<!\w)(?:{pattern})", re.IGNORECASE), predicates) for pattern, predicates in _CUES]
    cues.append((re.compile(rf"(?<!\w){ROLE_PATTERN}(?!\w)", re.IGNORECASE), ("holdsPosition",)))
    return tuple(cues)


def find_cues(sentence: str) -> list[Cue]:
    """The cue words in ``sentence``, by position; "in" alone counts only before a capital
    ("in Minsk"), as it is in nearly every sentence otherwise.

    >>> [(c.text, c.predicates[0]) for c in find_cues("Lukashenko put forward an initiative in Minsk.")]
    [('put forward', 'proposes'), ('initiative', 'proposes'), ('in', 'heldIn')]
    >>> [c.text for c in find_cues("Belarus schlägt eine Konferenz vor und unterstützt sie.")]
    ['schlägt eine Konferenz vor', 'unterstützt']
    """
    found: dict[tuple[int, int], Cue] = {}
    for pattern, predicates in _compiled():
        for match in pattern.finditer(sentence):
            word = match.group()
            if word.lower() in ("in", "on", "über", "uber") and not sentence[match.end():].lstrip()[:1].isupper():
                continue
            key = (match.start(), match.end())
            if key in found:
                predicates = tuple(dict.fromkeys((*found[key].predicates, *predicates)))
            found[key] = Cue(match.start(), match.end(), word, predicates)
    # A cue inside a longer one ("in" in "held in") adds nothing.
    cues = sorted(found.values(), key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    for cue in cues:
        if kept and kept[-1].start <= cue.start and cue.end <= kept[-1].end:
            continue
        kept.append(cue)
    return kept
