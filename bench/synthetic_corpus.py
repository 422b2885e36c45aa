"""Generate a synthetic seeds directory in the real mapping format, of any size.

The output passes ``kg validate --no-shapes``: every quote is verbatim in its article (the
article is written from the very sentences whose clauses are quoted), every subject, object and
qualifier has a type its predicate or qualifier accepts (read from the ontology through
``graph_model.vocabulary.read_relations()``), and every date names only a year the article text
gives. The same ``seed`` always gives byte-identical files.

Shape of the data, modelled on the curated seeds:

* about ``statements / 5`` entities of all eight types, with a power-law-ish degree: within each
  type the entity of rank ``r`` is drawn with weight ``1 / r**0.9``, so a few entities are in
  thousands of statements and most in a handful;
* predicates in roughly the proportions of the real mapping (``addresses``, ``proposes``,
  ``involves``, ``supports`` ... most often);
* qualifiers (shares of all statements at 100k): a speaker on ~45 % (60 % of the facts that open a
  sentence; the second fact of a sentence has none), a role on ~19 %, a date on ~25 % (day,
  day without year, month, year, early/mid/late year), a place on ~40 %, an event on ~35 %, an
  involvement on every ``involves`` (~9 %), a modality other than asserted on ~15 %;
* ``statements_per_article`` statements per article (the last article takes the remainder);
  about a third of the sentences state two facts, each quoted by its own clause, as real
  articles do.

Usage::

    python bench/synthetic_corpus.py OUT_DIR --statements 10000 [--seed 0] [--per-article 50]
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
from bisect import bisect
from itertools import accumulate
from pathlib import Path

from graph_model.vocabulary import EntityType, read_relations

ZIPF_EXPONENT = 0.9

# Share of entities per type (the real registry is Topic-heavy; agents carry most statements).
TYPE_SHARES = [
    (EntityType.PERSON, 0.22),
    (EntityType.STATE, 0.10),
    (EntityType.ORGANISATION, 0.14),
    (EntityType.INITIATIVE, 0.12),
    (EntityType.EVENT, 0.12),
    (EntityType.PLACE, 0.08),
    (EntityType.TOPIC, 0.14),
    (EntityType.DOCUMENT, 0.08),
]

# Predicate frequencies, roughly those of the curated mapping in seeds/.
PREDICATE_WEIGHTS = {
    "addresses": 27, "proposes": 25, "involves": 19, "supports": 16, "concerns": 16, "promotes": 13,
    "discusses": 12, "opposes": 10, "modelledOn": 9, "expressesConcernAbout": 9, "holdsPosition": 8,
    "participatesIn": 5, "partOf": 5, "heldIn": 5, "affects": 4, "welcomes": 3, "meetsWith": 3,
    "ledTo": 3, "partyTo": 2, "expands": 2, "criticises": 1, "counterpartOf": 1, "allyOf": 1,
    "memberOf": 3, "hasAgreementWith": 1,
}

# The clause stating each fact: {s} subject label, {o} object label; {inv} involvement, {role} role.
CORE_TEMPLATES = {
    "proposes": ["{s} proposed {o}", "{s} put forward the idea of {o}", "{s} suggested launching {o}"],
    "promotes": ["{s} continues to advance {o}", "{s} has been promoting {o}"],
    "supports": ["{s} backs {o}", "{s} is in favour of {o}", "{s} supports {o}"],
    "opposes": ["{s} is against {o}", "{s} urged to avoid {o}", "{s} opposes {o}"],
    "welcomes": ["{s} welcomed {o}", "{s} welcomes the progress of {o}"],
    "expressesConcernAbout": ["{s} voiced concern about {o}", "{s} warned about {o}"],
    "criticises": ["{s} criticised {o}", "{s} blamed {o}"],
    "discusses": ["{s} discussed {o}", "{s} talked about {o}"],
    "involves": ["{s} would be held {inv} {o}", "{s} would take place {inv} {o}"],
    "memberOf": ["{s} is a member of {o}", "{s} belongs to {o}"],
    "partyTo": ["{s} is a party to {o}", "{s} has signed up to {o}"],
    "allyOf": ["{s} is an ally of {o}", "{s} remains a close ally of {o}"],
    "hasAgreementWith": ["{s} has concluded agreements with {o}", "{s} signed treaties with {o}"],
    "holdsPosition": ["{s} serves as {role} of {o}", "{s}, {role} of {o}, took the floor"],
    "counterpartOf": ["{s} is the counterpart of {o}", "{s} spoke with his counterpart {o}"],
    "participatesIn": ["{s} took part in {o}", "{s} spoke at {o}"],
    "meetsWith": ["{s} held talks with {o}", "{s} met {o}"],
    "modelledOn": ["{s} is modelled on {o}", "{s} is similar to {o}", "{s} follows the spirit of {o}"],
    "partOf": ["{s} happens within the framework of {o}", "{s} is part of {o}"],
    "expands": ["{s} is a broader version of {o}", "{s} expands on {o}"],
    "addresses": ["{s} aims at {o}", "{s} deals with {o}", "{s} is meant to tackle {o}"],
    "heldIn": ["{s} takes place in {o}", "{s} was held in {o}"],
    "ledTo": ["{s} resulted in {o}", "{s} led to {o}"],
    "concerns": ["{s} is about {o}", "{s} concerns {o}"],
    "affects": ["{s} has an effect on {o}", "{s} affects {o}"],
}

INVOLVEMENTS = ["under the auspices of", "with the participation of", "hosted by", "in cooperation with",
                "mediated by", "with the support of"]
ROLES = ["Foreign Minister", "President", "Prime Minister", "Secretary General", "Defence Minister",
         "Ambassador", "Special Representative", "Chairperson", "Deputy Foreign Minister", "Spokesperson",
         "Permanent Representative"]
SPEECH_VERBS = ["said", "stressed", "noted", "stated", "told reporters", "underlined", "added", "recalled"]
LEADS = ["Meanwhile,", "At the same time,", "According to the statement,", "In this context,",
         "As reported earlier,", "Moreover,"]
FILLERS = [
    "The meeting lasted for several hours and ended with a joint press conference.",
    "Journalists were not admitted to the closed part of the session.",
    "The full text of the speech is published on the official website.",
    "Observers describe the atmosphere of the talks as constructive.",
    "Further consultations are expected in the coming months.",
    "The delegations exchanged views on a wide range of issues.",
    "Details of the agenda have not yet been made public.",
    "The statement was distributed to all participants after the session.",
]
PUBLISHERS = ["BelTA", "TASS", "Reuters", "Interfax", "AFP", "Xinhua", "Anadolu", "UNIAN", "PAP", "EFE"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kr", "st",
          "tr", "sh", "ch", "vl", "h"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ia", "ei", "ou"]
CODAS = ["", "", "", "n", "r", "s", "l", "k", "v", "m"]


class _Names:
    """Unique pseudo-words and names (case-insensitive), drawn from ``rng``."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: int | None = None) -> str:
        rng = self.rng
        n = syllables or rng.choice((2, 2, 3, 3, 4))
        parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(n)]
        return ("".join(parts) + rng.choice(CODAS)).capitalize()

    def claim(self, name: str) -> bool:
        key = name.casefold()
        if key in self.used:
            return False
        self.used.add(key)
        return True

    def unique(self, make) -> str:
        while True:
            name = make()
            if self.claim(name):
                return name


def _make_entity(etype: EntityType, names: _Names) -> tuple[str, list[str], str]:
    """(label, aliases, description) for a new entity of ``etype``."""
    rng, word = names.rng, names.word
    aliases: list[str] = []

    def alias(candidate: str) -> None:
        if names.claim(candidate):
            aliases.append(candidate)

    if etype is EntityType.PERSON:
        label = names.unique(lambda: f"{word(2)} {word()}")
        alias(label.split(" ", 1)[1])
        if rng.random() < 0.3:
            alias(f"Mr. {label.split(' ', 1)[1]}")
        return label, aliases, "A politician the articles quote."
    if etype is EntityType.STATE:
        label = names.unique(lambda: word() + rng.choice(["ia", "land", "stan", "ova", ""]))
        alias(f"Republic of {label}")
        return label, aliases, "A state the articles mention."
    if etype is EntityType.ORGANISATION:
        label = names.unique(lambda: rng.choice([
            f"Organisation for {word()} Cooperation", f"{word()} Council", f"{word()} Union",
            f"{word()} Security Forum", f"{word()} Treaty Organisation"]))
        acronym = "".join(w[0] for w in label.split() if w[0].isupper())
        if len(acronym) > 1 and rng.random() < 0.6:
            alias(acronym + word(1)[0].upper())
        return label, aliases, "An international organisation."
    if etype is EntityType.INITIATIVE:
        label = names.unique(lambda: rng.choice([
            f"{word()} Initiative", f"{word()} Process", f"{word()} Peace Plan", f"{word()} Dialogue"]))
        return label, aliases, "An initiative put forward in the articles."
    if etype is EntityType.EVENT:
        label = names.unique(lambda: rng.choice([
            f"{word()} Summit", f"{word()} Conference", f"{word()} Ministerial Meeting", f"{word()} Forum"]))
        return label, aliases, "A meeting the articles report on."
    if etype is EntityType.PLACE:
        label = names.unique(lambda: word() + rng.choice(["", "", "grad", "burg", "ovo", "sk"]))
        return label, aliases, "A city."
    if etype is EntityType.TOPIC:
        label = names.unique(lambda: rng.choice([
            f"{word().lower()} security", f"{word().lower()} cooperation", f"the {word()} crisis",
            f"{word().lower()} disarmament", f"{word().lower()} trade"]))
        return label, aliases, "A topic the articles discuss."
    label = names.unique(lambda: rng.choice([
        f"{word()} Treaty", f"{word()} Charter", f"{word()} Declaration", f"{word()} Agreement",
        f"{word()} Final Act"]))
    return label, aliases, "A document the articles mention."


def _slug(label: str) -> str:
    return "-".join("".join(c for c in part.lower() if c.isalnum()) for part in label.split()
                    if any(c.isalnum() for c in part))


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Pool:
    """Entities of some types, drawn with their power-law weights."""

    def __init__(self, entities: list[dict]):
        self.entities = entities
        self.cum = list(accumulate(e["weight"] for e in entities))

    def draw(self, rng: random.Random, avoid: dict | None = None) -> dict:
        for _ in range(20):
            entity = self.entities[bisect(self.cum, rng.random() * self.cum[-1])]
            if entity is not avoid:
                return entity
        return next(e for e in self.entities if e is not avoid)


def _make_entities(count: int, rng: random.Random, names: _Names) -> list[dict]:
    counts = [(t, max(3, round(count * share))) for t, share in TYPE_SHARES]
    entities = []
    for etype, n in counts:
        group = []
        for _ in range(n):
            label, aliases, description = _make_entity(etype, names)
            group.append({"type": etype, "label": label, "aliases": aliases, "description": description})
        rng.shuffle(group)  # rank (and so degree) independent of generation order
        for rank, entity in enumerate(group, start=1):
            entity["weight"] = 1.0 / rank ** ZIPF_EXPONENT
        entities.extend(group)
    used_ids: set[str] = set()
    for entity in entities:
        base = _slug(entity["label"]) or "entity"
        entity_id, n = base, 2
        while entity_id in used_ids:
            entity_id, n = f"{base}-{n}", n + 1
        used_ids.add(entity_id)
        entity["id"] = entity_id
    return entities


def _date_phrase(rng: random.Random, year: int, other_year: int) -> tuple[str, str]:
    """(mapping date value, the words that give it in the text)."""
    kind = rng.random()
    y = year if rng.random() < 0.8 else other_year
    month = rng.randrange(12)
    day = rng.randint(1, MONTH_DAYS[month])
    if kind < 0.45:
        return f"{y}-{month + 1:02d}-{day:02d}", f"on {day} {MONTHS[month]} {y}"
    if kind < 0.65:
        return f"--{month + 1:02d}-{day:02d}", f"on {day} {MONTHS[month]}"
    if kind < 0.80:
        return str(y), f"in {y}"
    if kind < 0.90:
        return f"{y}-{month + 1:02d}", f"in {MONTHS[month]} {y}"
    part = rng.choice(["early", "mid", "late"])
    return f"{part} {y}", f"in {part} {y}"


class _Generator:
    def __init__(self, statements: int, seed: int, per_article: int):
        self.rng = random.Random(seed)
        self.names = _Names(self.rng)
        self.statements = statements
        self.per_article = per_article
        self.relations = read_relations()
        missing = set(self.relations) - set(PREDICATE_WEIGHTS)
        if missing:  # a relation added to the ontology: give it a small weight rather than fail
            PREDICATE_WEIGHTS.update({name: 1 for name in sorted(missing)})
        self.predicates = sorted(name for name in PREDICATE_WEIGHTS if name in self.relations)
        self.predicate_cum = list(accumulate(PREDICATE_WEIGHTS[p] for p in self.predicates))
        self.entities = _make_entities(max(40, round(statements / 5)), self.rng, self.names)
        self.used: set = set()  # the registry lists only entities some statement mentions, as kg validate asks
        self._pools: dict[frozenset, _Pool] = {}

    def pool(self, types) -> _Pool:
        key = frozenset(types)
        if key not in self._pools:
            self._pools[key] = _Pool([e for e in self.entities if e["type"] in key])
        return self._pools[key]

    def predicate(self) -> str:
        return self.predicates[bisect(self.predicate_cum, self.rng.random() * self.predicate_cum[-1])]

    # ---------------------------------------------------------------- one fact

    def fact(self, year: int, other_year: int, speaker_allowed: bool) -> dict:
        """A statement: its fields, its core clause and the qualifier words that follow it."""
        rng = self.rng
        predicate = self.predicate()
        relation = self.relations[predicate]
        subject = self.pool(relation.subject_types).draw(rng)
        obj = self.pool(relation.object_types).draw(rng, avoid=subject)
        st: dict = {"subject": subject["id"], "predicate": predicate, "object": obj["id"]}
        fmt = {"s": subject["label"], "o": obj["label"]}
        if predicate == "holdsPosition":
            fmt["role"] = st["role"] = rng.choice(ROLES)
        if predicate == "involves":
            fmt["inv"] = st["involvement"] = rng.choice(INVOLVEMENTS)
        # a relation the ontology gained after these templates were written: its label as the verb
        templates = CORE_TEMPLATES.get(predicate) or ["{s} " + relation.label.replace("{", "").replace("}", "") + " {o}"]
        core = rng.choice(templates).format(**fmt)
        if predicate in ("proposes", "involves") and rng.random() < 0.5:
            st["modality"] = "proposed"
        elif rng.random() < 0.05:
            st["modality"] = "possible"
            core = core.replace(f"{subject['label']} ", f"{subject['label']} possibly ", 1)
        quals = []
        if rng.random() < 0.40:
            place = self.pool((EntityType.PLACE, EntityType.STATE)).draw(rng)
            st["place"] = place["id"]
            quals.append(f"in {place['label']}")
        if rng.random() < 0.35:
            event = self.pool((EntityType.EVENT,)).draw(rng)
            st["event"] = event["id"]
            quals.append(f"at the {event['label']}")
        if rng.random() < 0.25:
            st["date"], words = _date_phrase(rng, year, other_year)
            quals.append(words)
        speaker = None
        if speaker_allowed and rng.random() < 0.60:
            if subject["type"] is EntityType.PERSON and rng.random() < 0.7:
                speaker = subject
            else:
                speaker = self.pool((EntityType.PERSON,)).draw(rng)
            st["speaker"] = speaker["id"]
            if rng.random() < 0.35 and "role" not in st:
                st["role"] = rng.choice(ROLES)
        return {"st": st, "core": core, "quals": " ".join(quals), "speaker": speaker}

    # ---------------------------------------------------------------- one article

    def article(self, index: int, n_statements: int) -> tuple[str, str, str]:
        """(file stem, article text, mapping YAML) of one article with ``n_statements`` statements."""
        rng = self.rng
        year = rng.randint(2005, 2023)
        other_year = year - rng.randint(1, 12)
        month = rng.randrange(12)
        day = rng.randint(1, MONTH_DAYS[month])
        publisher = PUBLISHERS[index % len(PUBLISHERS)]
        city = self.pool((EntityType.PLACE,)).draw(rng)["label"]

        sentences: list[str] = []
        statements: list[dict] = []
        seen: set[tuple] = set()

        def add(fact: dict, quote: str) -> bool:
            st = fact["st"]
            key = (st["subject"], st["predicate"], st["object"], quote)
            if key in seen:
                return False
            seen.add(key)
            statements.append({**st, "quote": quote})
            self.used.update(st.get(k) for k in ("subject", "object", "speaker", "place", "event"))
            return True

        while len(statements) < n_statements:
            first = self.fact(year, other_year, speaker_allowed=True)
            clause = first["core"] + (" " + first["quals"] if first["quals"] else "")
            quote = clause if not first["quals"] or rng.random() < 0.7 else first["core"]
            speaker = first["speaker"]
            style = "plain" if speaker is None else rng.choice(("reported", "direct"))
            lead = rng.choice(LEADS) + " " if style == "plain" and rng.random() < 0.3 else ""
            # The sentence starts with the clause when it is plain without a lead or direct speech:
            # then its first letter is a capital in the text, and so in the quote.
            capital = (style == "plain" and not lead) or style == "direct"
            if capital:
                clause, quote = clause[0].upper() + clause[1:], quote[0].upper() + quote[1:]
            if not add(first, quote):
                continue
            body = clause
            # A third of the sentences state a second fact in a clause of their own.
            if len(statements) < n_statements and rng.random() < 0.33:
                second = self.fact(year, other_year, speaker_allowed=False)
                second_clause = second["core"] + (" " + second["quals"] if second["quals"] else "")
                if add(second, second_clause):
                    body = f"{clause}, while {second_clause}"
            if style == "plain":
                sentence = f"{lead}{body}."
            else:
                role = first["st"].get("role")
                who = speaker["label"] if not role or first["st"]["predicate"] == "holdsPosition" \
                    else f"{role} {speaker['label']}"
                verb = rng.choice(SPEECH_VERBS)
                sentence = f"{who} {verb} that {body}." if style == "reported" \
                    else f"\u201c{body},\u201d {who} {verb}."
            sentences.append(sentence)
            if rng.random() < 0.1:
                sentences.append(rng.choice(FILLERS))

        title_fact = statements[0]
        title = f"{self._label(title_fact['subject'])} {title_fact['predicate']} " \
                f"{self._label(title_fact['object'])}: report from {city}"
        paragraphs, i = [], 0
        while i < len(sentences):
            size = rng.randint(2, 5)
            paragraphs.append(" ".join(sentences[i:i + size]))
            i += size
        paragraphs[0] = f"{city.upper()}, {day} {MONTHS[month]} ({publisher}) \u2013 {paragraphs[0]}"
        date_quote = f"{day} {MONTHS[month][:3]} {year}"
        text = "\n\n".join([f"{publisher} News", date_quote, title, *paragraphs]) + "\n"
        stem = f"{index:06d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"

        out = [f"# Synthetic article {index} (bench/synthetic_corpus.py).", "", "article:",
               f"  file: {stem}.txt", f"  title: {_yaml_str(title)}",
               f"  publisher: {{value: {publisher}, quote: {_yaml_str('(' + publisher + ')')}}}",
               f"  date: {{value: \"{year}-{month + 1:02d}-{day:02d}\", quote: {_yaml_str(date_quote)}}}",
               "", "statements:"]
        for st in statements:
            out.append("")
            out.append(f"  - subject: {st['subject']}")
            out.append(f"    predicate: {st['predicate']}")
            out.append(f"    object: {st['object']}")
            for key in ("role", "involvement", "modality"):
                if key in st:
                    out.append(f"    {key}: {_yaml_str(st[key])}")
            out.append(f"    quote: {_yaml_str(st['quote'])}")
            if text.count(st["quote"]) > 1:  # a clause repeated in the article: say which one
                out.append("    occurrence: 1")
            for key in ("speaker", "date", "place", "event"):
                if key in st:
                    value = _yaml_str(st[key]) if key == "date" else st[key]
                    out.append(f"    {key}: {value}")
        return stem, text, "\n".join(out) + "\n"

    def _label(self, entity_id: str) -> str:
        if not hasattr(self, "_labels"):
            self._labels = {e["id"]: e["label"] for e in self.entities}
        return self._labels[entity_id]

    # ---------------------------------------------------------------- the entity registry

    def entity_files(self) -> dict[str, str]:
        files = {}
        for etype, _ in TYPE_SHARES:
            lines = [f"# Synthetic {etype.value} entities (bench/synthetic_corpus.py).", "", "entities:"]
            for e in sorted((e for e in self.entities if e["type"] is etype and e["id"] in self.used),
                            key=lambda e: e["id"]):
                lines += ["", f"  - id: {e['id']}", f"    type: {etype.value}", f"    label: {_yaml_str(e['label'])}"]
                if e["aliases"]:
                    lines.append("    aliases:")
                    lines += [f"      - {_yaml_str(a)}" for a in e["aliases"]]
                lines.append(f"    description: {_yaml_str(e['description'])}")
            files[f"{etype.value.lower()}.yaml"] = "\n".join(lines) + "\n"
        return files


def generate_corpus(out_dir: Path, statements: int, *, seed: int = 0, statements_per_article: int = 50) -> dict:
    """Write a seeds directory (articles/, entities/, mapping/) with exactly ``statements`` statements.

    ``out_dir`` must not hold articles/, entities/ or mapping/ files already (they are overwritten
    only if they have the same names). Returns counts: articles, entities, statements.
    """
    if statements < 1:
        raise ValueError("statements must be at least 1")
    if statements_per_article < 1:
        raise ValueError("statements_per_article must be at least 1")
    out_dir = Path(out_dir)
    for sub in ("articles", "entities", "mapping"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    gen = _Generator(statements, seed, statements_per_article)
    n_articles = math.ceil(statements / statements_per_article)
    for index in range(n_articles):
        n = min(statements_per_article, statements - index * statements_per_article)
        stem, text, mapping = gen.article(index, n)
        (out_dir / "articles" / f"{stem}.txt").write_bytes(text.encode("utf-8"))
        (out_dir / "mapping" / f"{stem}.yaml").write_bytes(mapping.encode("utf-8"))
    for name, content in gen.entity_files().items():
        (out_dir / "entities" / name).write_bytes(content.encode("utf-8"))
    return {"articles": n_articles, "entities": len(gen.used - {None}), "statements": statements}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, help="the seeds directory to write")
    parser.add_argument("--statements", type=int, required=True, help="exact number of statements")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-article", type=int, default=50, help="statements per article (default 50)")
    args = parser.parse_args(argv)
    counts = generate_corpus(args.out_dir, args.statements, seed=args.seed,
                             statements_per_article=args.per_article)
    print(f"wrote {args.out_dir}: {counts['articles']} articles, {counts['entities']} entities, "
          f"{counts['statements']} statements", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
