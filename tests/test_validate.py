"""The data contract: every rule of validation and of the file format, with its exact message
and line, on the one-article corpus of conftest (TINY_*) changed in one place.

Each case asserts the complete list of problems, so a rule that goes missing, fires twice or
drags follow-on problems along fails here. Paths are shown relative to the seeds folder
(``SEEDS``).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graph_model.build import validate
from graph_model.cli import main
from graph_model.vocabulary import read_relations

from .conftest import TINY_ARTICLE, TINY_ENTITIES, TINY_MAPPING, write_seeds

DATE_FORMS = "Write YYYY-MM-DD, YYYY-MM, YYYY, early/mid/late YYYY, or --MM-DD when the text gives no year."
ID_RULE = "Ids are at most 64 characters: lowercase letters and digits, with single '-' between them, e.g. 'osce-pa'."
STATEMENT_FIELDS = ("date, event, involvement, modality, object, occurrence, place, predicate, quote, role, speaker, "
                    "subject, suggested")
ENTITY_FIELDS = "aliases, description, id, label, type"
LANGUAGE_HINT = "Write the language's code, e.g. 'en' or 'de', with a region if it matters, e.g. 'de-AT' (BCP 47)."
URL_HINT = "Write the address the article was read at, e.g. https://www.belta.by/president/view/1234."
DATES_HINT = "Record one of them, the month or year alone, or drop the date."
UNUSED_HINT = "Add a statement that mentions it (with its quote), or remove it from the registry."
NEAR_HINT = ("If they are one, merge the two entries and keep both spellings as aliases; if they are two, nothing "
             "needs doing.")
# The tiny article with its last clause twice more, on lines 2 and 3.
THRICE = TINY_ARTICLE + "The talks would be held under the auspices of the OSCE.\nAgain: under the auspices of the OSCE.\n"
GERMAN = "Minsk, 17. Juli 2017. Präsident Alexander Lukashenko hat am 15. Juli einen “new Helsinki process” vorgeschlagen, under the auspices of the OSCE.\n"
TYPES = "Person, State, Organisation, Initiative, Event, Place, Topic, Document"
SECOND_STATEMENT = TINY_MAPPING[TINY_MAPPING.index("  - subject: helsinki-2"):]
NATO = "  - id: nato\n    type: Organisation\n    label: NATO\n"


def problems(seeds) -> list[str]:
    """Every problem ``validate`` reports for ``seeds``, as printed, with SEEDS for the folder."""
    report = validate(seeds, shapes=False)
    return [str(p).replace(str(seeds), "SEEDS") for p in report.sorted_problems()]


def warnings(seeds) -> tuple[list[str], list[str]]:
    """(problems, warnings) ``validate`` reports for ``seeds``, as printed."""
    report = validate(seeds, shapes=False)
    return ([str(p).replace(str(seeds), "SEEDS") for p in report.sorted_problems()],
            [str(p).replace(str(seeds), "SEEDS") for p in report.sorted_warnings()])


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def mapping_with(old: str, new: str) -> str:
    return edited(TINY_MAPPING, old, new)


def entities_with(old: str, new: str) -> str:
    return edited(TINY_ENTITIES, old, new)


def test_the_tiny_corpus_is_valid(tmp_path):
    assert problems(write_seeds(tmp_path / "seeds")) == []


# (mapping, entities, expected problems) for a corpus differing from the tiny one in one place.
MAPPING = "SEEDS/mapping/001_tiny.yaml"
ENTITIES = "SEEDS/entities/entities.yaml"
CASES = {
    # ---- articles and mappings pair up
    "article file not found": (
        mapping_with("file: 001_tiny.txt", "file: 001_tinny.txt"), TINY_ENTITIES,
        [f"{MAPPING}:2: article file '001_tinny.txt' not found in SEEDS/articles. Did you mean '001_tiny.txt'? "
         "Copy the article there unchanged, or fix 'file:'."]),
    "file is a path out of the articles folder": (
        mapping_with("file: 001_tiny.txt", "file: ../../articles/001_tiny.txt"), TINY_ENTITIES,
        [f"{MAPPING}:2: 'file' must be the name of a file in SEEDS/articles, not a path: "
         "'../../articles/001_tiny.txt'. Did you mean '001_tiny.txt'? Write only the file name; "
         "articles are read from that folder alone."]),
    "file is an absolute path": (
        mapping_with("file: 001_tiny.txt", "file: /etc/passwd"), TINY_ENTITIES,
        [f"{MAPPING}:2: 'file' must be the name of a file in SEEDS/articles, not a path: '/etc/passwd'. "
         "Write only the file name; articles are read from that folder alone."]),
    # ---- article metadata
    "title not in the text": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  title: Lukashenko meets Putin\n"),
        TINY_ENTITIES,
        [f"{MAPPING}:3: title is not in the article text. A title must be verbatim from the article; "
         "remove it if the text has none."]),
    "publisher quote not in the text": (
        mapping_with("  file: 001_tiny.txt\n", '  file: 001_tiny.txt\n  publisher: {value: BelTA, quote: "(BelTA)"}\n'),
        TINY_ENTITIES,
        [f"{MAPPING}:3: publisher quote not found in the article. Copy the passage from the article."]),
    "article date quote not in the text": (
        mapping_with('quote: "5 July 2017"', 'quote: "5 June 2017"'), TINY_ENTITIES,
        [f'{MAPPING}:3: date quote not found in the article. Closest passage in the article: "5 July 2017"']),
    "article date malformed": (
        mapping_with('{value: "2017-07-05"', '{value: "2017-13"'), TINY_ENTITIES,
        [f"{MAPPING}:3: bad date: 2017-13 has no month 13. {DATE_FORMS}"]),
    "article date names a year the text never gives": (
        mapping_with('{value: "2017-07-05"', '{value: "2016"'), TINY_ENTITIES,
        [f"{MAPPING}:3: date 2016 names the year 2016, which the article never gives. Record only dates the "
         "text gives; use --MM-DD for a day without a year, or drop the date."]),
    # ---- statements: predicate, entities, types
    "unknown predicate": (
        mapping_with("predicate: proposes", "predicate: propose"), TINY_ENTITIES,
        [f"{MAPPING}:6: unknown predicate 'propose'. Did you mean 'proposes' or 'opposes' or 'promotes'?"]),
    "unknown predicate, nothing close": (
        mapping_with("predicate: proposes", "predicate: xyzzy"), TINY_ENTITIES,
        [f"{MAPPING}:6: unknown predicate 'xyzzy'. Allowed: {', '.join(sorted(read_relations()))}."]),
    "unknown subject": (
        mapping_with("  - subject: lukashenko", "  - subject: lukashenka"), TINY_ENTITIES,
        [f"{MAPPING}:5: unknown entity 'lukashenka'. Did you mean 'lukashenko'? Add it to seeds/entities/ or fix "
         "the id."]),
    "subject written as a label": (
        mapping_with("  - subject: lukashenko", "  - subject: Lukashenko"), TINY_ENTITIES,
        [f"{MAPPING}:5: subject 'Lukashenko' is not a valid id. Did you mean 'lukashenko'? {ID_RULE}"]),
    "object id of 100,000 characters": (
        mapping_with("object: osce", "object: " + "o" * 100_000), TINY_ENTITIES,
        [f"{MAPPING}:14: object '{'o' * 60}…' (100,000 characters) is not a valid id. {ID_RULE}"]),
    "subject of the wrong type": (
        mapping_with("predicate: involves", "predicate: memberOf").replace("    involvement: under the auspices of\n", ""),
        TINY_ENTITIES,
        [f"{MAPPING}:12: subject 'helsinki-2' is an Initiative, but 'memberOf' takes an Organisation or a Person "
         "or a State as subject. Choose another predicate (docs/mapping-format.md lists them) or fix the entity's "
         "type."]),
    "object of the wrong type": (
        mapping_with("    object: helsinki-2\n    quote: 'Alex", "    object: osce\n    quote: 'Alex"), TINY_ENTITIES,
        [f"{MAPPING}:7: object 'osce' is an Organisation, but 'proposes' takes a Document or an Event or an "
         "Initiative as object. Choose another predicate (docs/mapping-format.md lists them) or fix the entity's "
         "type."]),
    "subject is its own object": (
        mapping_with("predicate: proposes\n    object: helsinki-2", "predicate: discusses\n    object: lukashenko"),
        TINY_ENTITIES,
        [f"{MAPPING}:7: subject and object are the same entity 'lukashenko'. A statement relates two different "
         "entities; fix the subject or the object."]),
    "unknown speaker": (
        mapping_with("speaker: lukashenko", "speaker: putin"), TINY_ENTITIES,
        [f"{MAPPING}:9: unknown entity 'putin'. Add it to seeds/entities/ or fix the id."]),
    "speaker of the wrong type": (
        mapping_with("speaker: lukashenko", "speaker: helsinki-2"), TINY_ENTITIES,
        [f"{MAPPING}:9: speaker 'helsinki-2' is an Initiative; a speaker must be an Organisation or a Person or "
         "a State. Fix the id or the entity's type."]),
    "place of the wrong type": (
        mapping_with("    role: President\n", "    role: President\n    place: osce\n"), TINY_ENTITIES,
        [f"{MAPPING}:12: place 'osce' is an Organisation; a place must be a Place or a State. Fix the id or the "
         "entity's type."]),
    "event of the wrong type": (
        mapping_with("    role: President\n", "    role: President\n    event: osce\n"), TINY_ENTITIES,
        [f"{MAPPING}:12: event 'osce' is an Organisation; an event must be an Event. Fix the id or the entity's "
         "type."]),
    "holdsPosition without a role": (
        mapping_with("predicate: proposes\n    object: helsinki-2", "predicate: holdsPosition\n    object: osce")
        .replace("    role: President\n", ""), TINY_ENTITIES,
        [f"{MAPPING}:5: 'holdsPosition' needs a 'role'. Add role: with the position as the text names it, "
         "e.g. 'Foreign Minister'."]),
    "involvement on another predicate": (
        mapping_with("    role: President\n", "    role: President\n    involvement: by\n"), TINY_ENTITIES,
        [f"{MAPPING}:12: 'involvement' qualifies only 'involves', not 'proposes'. Move the wording into a separate "
         "'involves' statement or drop it."]),
    # ---- quotes and dates of statements
    "quote not in the article": (
        mapping_with("quote: under the auspices of the OSCE", "quote: under the auspices of the UN"), TINY_ENTITIES,
        [f'{MAPPING}:15: quote not found in the article. Closest passage in the article: "under the auspices of '
         'the"']),
    "date malformed": (
        mapping_with('    date: "2017-07-05"', '    date: "2017-7-5"'), TINY_ENTITIES,
        [f"{MAPPING}:10: bad date: '2017-7-5' is not a date in an accepted form. {DATE_FORMS}"]),
    "date in other digits": (
        mapping_with('    date: "2017-07-05"', '    date: "٢٠١٧"'), TINY_ENTITIES,
        [f"{MAPPING}:10: bad date: '٢٠١٧' is not a date in an accepted form. {DATE_FORMS}"]),
    "date not in the calendar": (
        mapping_with('    date: "2017-07-05"', '    date: "2017-02-30"'), TINY_ENTITIES,
        [f"{MAPPING}:10: bad date: 2017-02-30 is not a day of the calendar. {DATE_FORMS}"]),
    "date names a year the text never gives": (
        mapping_with('    date: "2017-07-05"', '    date: "late 2018"'), TINY_ENTITIES,
        [f"{MAPPING}:10: date late 2018 names the year 2018, which the article never gives. Record only dates the "
         "text gives; use --MM-DD for a day without a year, or drop the date."]),
    "date names a day the text never gives": (
        mapping_with('    date: "2017-07-05"', '    date: "2017-07-06"'), TINY_ENTITIES,
        [f"{MAPPING}:10: date 2017-07-06 names a day the article never gives. The article gives 2017-07-05 "
         f"('5 July 2017', line 1). {DATES_HINT}"]),
    "date names a month the text never gives": (
        mapping_with('    date: "2017-07-05"', '    date: "2017-06"'), TINY_ENTITIES,
        [f"{MAPPING}:10: date 2017-06 names a month the article never gives. The article gives 2017-07-05 "
         f"('5 July 2017', line 1). {DATES_HINT}"]),
    "date without a year names a day the text never gives": (
        mapping_with('    date: "2017-07-05"', '    date: "--05-07"'), TINY_ENTITIES,
        [f"{MAPPING}:10: date --05-07 names a day the article never gives. The article gives 2017-07-05 "
         f"('5 July 2017', line 1). {DATES_HINT}"]),
    "article date names a day the text never gives": (
        mapping_with('{value: "2017-07-05"', '{value: "2017-07-06"'), TINY_ENTITIES,
        [f"{MAPPING}:3: date 2017-07-06 names a day the article never gives. The article gives 2017-07-05 "
         f"('5 July 2017', line 1). {DATES_HINT}"]),
    "unreviewed suggestion": (
        mapping_with("    role: President\n", "    role: President\n    suggested: true\n"), TINY_ENTITIES,
        [f"{MAPPING}:12: unreviewed suggestion: check it against the article, then delete 'suggested: true' (or "
         "delete the statement)."]),
    "suggested neither true nor false": (
        mapping_with("    role: President\n", "    role: President\n    suggested: maybe\n"), TINY_ENTITIES,
        [f"{MAPPING}:12: 'suggested' must be true or false, not the text 'maybe'. Write 'suggested: true' or remove "
         "the line."]),
    "occurrence of a quote found once": (
        mapping_with("    quote: under the auspices of the OSCE\n",
                     "    quote: under the auspices of the OSCE\n    occurrence: 2\n"), TINY_ENTITIES,
        [f"{MAPPING}:16: occurrence 2 is out of range: the quote occurs once in the article (line 1). Remove "
         "'occurrence:' or give 1."]),
    "occurrence not a number": (
        mapping_with("    quote: under the auspices of the OSCE\n",
                     "    quote: under the auspices of the OSCE\n    occurrence: second\n"), TINY_ENTITIES,
        [f"{MAPPING}:16: 'occurrence' must be a whole number, not the text 'second'. Write e.g. 'occurrence: 2'."]),
    "statement recorded twice": (
        TINY_MAPPING + SECOND_STATEMENT, TINY_ENTITIES,
        [f"{MAPPING}:18: duplicate statement: same subject, predicate, object and quote. It is already recorded "
         "at line 12; remove one."]),
    # ---- the registry
    "one name for two entities, one of them decomposed": (
        TINY_MAPPING, entities_with("    label: OSCE\n", "    label: OSCE\n    aliases: [Ha\u0308rstedt]\n")
        .replace("aliases: [Lukashenko]", "aliases: [Lukashenko, Härstedt]"),
        [f"{ENTITIES}:10: name 'Ha\u0308rstedt' of 'osce' also names 'lukashenko'. A name must find one entity; keep "
         "it on one of them (SEEDS/entities/entities.yaml:2)."]),
    "alias in a language that does not exist": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: [Lukashenko, {value: Lukaschenko, lang: xx}]"),
        [f"{ENTITIES}:5: alias 'Lukaschenko' of 'lukashenko': language 'xx' is not a known language code. "
         f"{LANGUAGE_HINT}"]),
    "alias block without its value": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: [Lukashenko, {lang: de}]"),
        [f"{ENTITIES}:5: missing field 'value'. Add 'value:' to this block."]),
    "alias block with an unknown field": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: [{value: Lukaschenko, language: de}]"),
        [f"{ENTITIES}:5: unknown field 'language'. Did you mean 'lang'? Allowed fields: lang, value."]),
    "one name for two entities": (
        TINY_MAPPING, entities_with("    label: OSCE\n", "    label: OSCE\n    aliases: [lukashenko]\n"),
        [f"{ENTITIES}:10: name 'lukashenko' of 'osce' also names 'lukashenko'. A name must find one entity; keep it "
         "on one of them (SEEDS/entities/entities.yaml:2)."]),
    "duplicate entity id": (
        TINY_MAPPING, TINY_ENTITIES + "  - id: osce\n    type: Organisation\n    label: Another OSCE\n",
        [f"{ENTITIES}:13: duplicate entity id 'osce'. It is already defined at SEEDS/entities/entities.yaml:10; "
         "merge the two entries or rename one."]),
    # ---- the file format (schema): one problem at its cause, no unknown-entity echo after it
    "empty label": (
        TINY_MAPPING, entities_with("label: OSCE", "label: ''"),
        [f"{ENTITIES}:12: 'label' is empty. Give 'label' a value or remove the line."]),
    "entity id not an id": (
        TINY_MAPPING, entities_with("id: osce", "id: OSCE"),
        [f"{ENTITIES}:10: id 'OSCE' is not a valid id. {ID_RULE}"]),
    "entity id too long": (
        mapping_with("object: osce", "object: " + "o" * 65), entities_with("id: osce", "id: " + "o" * 65),
        [f"{ENTITIES}:10: id '{'o' * 60}…' (65 characters) is not a valid id. {ID_RULE}"]),
    "entity type unknown": (
        TINY_MAPPING, entities_with("type: Person", "type: Persn"),
        [f"{ENTITIES}:3: 'Persn' is not an allowed type. Did you mean 'Person'? Allowed: {TYPES}."]),
    "entity field unknown": (
        TINY_MAPPING, entities_with("    description: President.", "    descripton: President."),
        [f"{ENTITIES}:6: unknown field 'descripton'. Did you mean 'description'? Allowed fields: {ENTITY_FIELDS}."]),
    "entity field missing": (
        TINY_MAPPING, entities_with("    type: Organisation\n", ""),
        [f"{ENTITIES}:10: missing field 'type'. Add 'type:' to this block."]),
    "label not text": (
        TINY_MAPPING, entities_with("label: OSCE", "label: [OSCE]"),
        [f"{ENTITIES}:12: 'label' must be text, not a list. Write it as text on the same line."]),
    "label a YAML boolean": (
        TINY_MAPPING, entities_with("label: OSCE", "label: yes"),
        [f"{ENTITIES}:12: 'label' must be text, not true/false. Put it in quotes: unquoted, yes, no, on, off, "
         "true and false mean true or false."]),
    "aliases not a list": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: Lukashenko"),
        [f"{ENTITIES}:5: 'aliases' must be a list, not the text 'Lukashenko'. Write each item on its own line as "
         "'- item'."]),
    "alias not a name": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: [[Lukashenko]]"),
        [f"{ENTITIES}:5: 'aliases' item 1 must be a name, not a list. Write the name as text, or as "
         "{value: Makej, lang: de} for a spelling in one language."]),
    "alias a YAML boolean": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: [no]"),
        [f"{ENTITIES}:5: 'aliases' item 1 must be a name, not true/false. Put it in quotes: unquoted, yes, no, on, "
         "off, true and false mean true or false."]),
    "alias empty": (
        TINY_MAPPING, entities_with("aliases: [Lukashenko]", "aliases: ['']"),
        [f"{ENTITIES}:5: 'aliases' item 1 is empty. Give 'aliases' item 1 a value or remove the line."]),
    "entity not a block": (
        TINY_MAPPING, TINY_ENTITIES + "  - nato\n",
        [f"{ENTITIES}:13: an entity must be a block of fields, not the text 'nato'. Write it with the fields "
         f"{ENTITY_FIELDS} (docs/mapping-format.md)."]),
    "entity file without its list": (
        TINY_MAPPING, TINY_ENTITIES.replace("entities:", "entity:", 1),
        [f"{ENTITIES}:1: no 'entities:' list. An entity file holds 'entities:' followed by a list of entities.",
         f"{MAPPING}:5: unknown entity 'lukashenko', and 4 more references to entities not in the registry. The "
         "entity registry (SEEDS/entities) could not be read completely; fix the problems reported there, then "
         "run kg validate again."]),
    "entity file with another top-level field": (
        TINY_MAPPING, TINY_ENTITIES + "people: []\n",
        [f"{ENTITIES}:13: unknown field 'people'. An entity file holds only 'entities:'; move the entry into that "
         "list."]),
    "statement field unknown": (
        mapping_with("    role: President", "    rol: President"), TINY_ENTITIES,
        [f"{MAPPING}:11: unknown field 'rol'. Did you mean 'role'? Allowed fields: {STATEMENT_FIELDS}."]),
    "statement field missing": (
        mapping_with("    quote: under the auspices of the OSCE\n", ""), TINY_ENTITIES,
        [f"{MAPPING}:12: missing field 'quote'. Add 'quote:' to this block."]),
    "statement modality not allowed": (
        mapping_with("modality: proposed", "modality: maybe"), TINY_ENTITIES,
        [f"{MAPPING}:17: 'maybe' is not an allowed modality. Allowed: asserted, proposed, possible."]),
    "statement not a block": (
        TINY_MAPPING + "  - lukashenko proposes helsinki-2\n", TINY_ENTITIES,
        [f"{MAPPING}:18: a statement must be a block of fields, not the text 'lukashenko proposes helsinki-2'. "
         f"Write it with the fields {STATEMENT_FIELDS} (docs/mapping-format.md)."]),
    "statements not a list": (
        "article:\n  file: 001_tiny.txt\nstatements: none\n", TINY_ENTITIES.split("  - id: lukashenko")[0] + "  []\n",
        [f"{MAPPING}:3: 'statements' must be a list. Write each statement as a '- subject: ...' item."]),
    "statements a YAML boolean": (
        "article:\n  file: 001_tiny.txt\nstatements: no\n", TINY_ENTITIES.split("  - id: lukashenko")[0] + "  []\n",
        [f"{MAPPING}:3: 'statements' must be a list. Write each statement as a '- subject: ...' item."]),
    "mapping top-level field unknown": (
        TINY_MAPPING + "statement: []\n", TINY_ENTITIES,
        [f"{MAPPING}:18: unknown field 'statement'. Did you mean 'statements'? Allowed fields: article, left_out, "
         "statements."]),
    "article block missing": (
        TINY_MAPPING.replace("article:\n  file: 001_tiny.txt\n", "").replace(
            '  date: {value: "2017-07-05", quote: "5 July 2017"}\n', ""), TINY_ENTITIES,
        [f"{MAPPING}:1: missing field 'article'. Add 'article:' to this block."]),
    "article block field unknown": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  author: BelTA\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: unknown field 'author'. Allowed fields: date, file, language, publisher, title, url."]),
    "publisher as a plain value the text does not give": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  publisher: BelTA\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: publisher 'BelTA' is not in the article text. Give the words that name it: "
         'publisher: {value: BelTA, quote: "..."}, or remove it if the text does not name it.']),
    "publisher a list": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  publisher: [BelTA]\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: 'publisher' must be {{value: ..., quote: ...}}, not a list. Write publisher: "
         '{value: ..., quote: "..."} with the words of the article that give it.']),
    "article date as a plain value": (
        mapping_with('date: {value: "2017-07-05", quote: "5 July 2017"}', 'date: "2017-07-05"'), TINY_ENTITIES,
        [f"{MAPPING}:3: 'date' must be {{value: ..., quote: ...}}, not the text '2017-07-05'. Write date: "
         '{value: \'2017-07-05\', quote: "..."} with the words of the article that give it.']),
    "url not http": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  url: ftp://belta.by/1\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: url 'ftp://belta.by/1' is not an absolute http(s) address. {URL_HINT}"]),
    "url without its scheme": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  url: www.belta.by/1\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: url 'www.belta.by/1' is not an absolute http(s) address. {URL_HINT}"]),
    "url with a space": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  url: https://belta.by/a b\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: url 'https://belta.by/a b' holds ' ', which an address may not hold. Write it "
         "percent-encoded (a space is %20), as a browser's address bar copies it."]),
    "language unknown": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  language: ger\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: language 'ger' is not a known language code. Did you mean 'de' (German)? {LANGUAGE_HINT}"]),
    "language not a tag": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  language: English\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: language 'English' is not a BCP 47 language tag. Did you mean 'en' (English)? "
         f"{LANGUAGE_HINT}"]),
    "language region unknown": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  language: de-XY\n"), TINY_ENTITIES,
        [f"{MAPPING}:3: language 'XY' in 'de-XY' is not a known region code. A region is two letters, e.g. 'AT' or "
         "'GB'; or leave it out."]),
    "a wrong language reads no days: the one problem is the tag": (
        mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  language: xx\n")
        .replace('    date: "2017-07-05"', '    date: "2017-07-06"'), TINY_ENTITIES,
        [f"{MAPPING}:3: language 'xx' is not a known language code. {LANGUAGE_HINT}"]),
    "left-out passage not in the article": (
        TINY_MAPPING + "left_out:\n  - quote: the weather was fine\n    reason: not about the initiative\n",
        TINY_ENTITIES,
        [f"{MAPPING}:19: left-out quote not found in the article. Copy the passage from the article."]),
    "left-out passage without a reason": (
        TINY_MAPPING + "left_out:\n  - quote: Minsk\n    reason: ''\n", TINY_ENTITIES,
        [f"{MAPPING}:20: 'reason' is empty. Give 'reason' a value or remove the line."]),
    "left-out passage missing its reason": (
        TINY_MAPPING + "left_out:\n  - quote: Minsk\n", TINY_ENTITIES,
        [f"{MAPPING}:19: missing field 'reason'. Add 'reason:' to this block."]),
    "left_out not a list": (
        TINY_MAPPING + "left_out: Minsk\n", TINY_ENTITIES,
        [f"{MAPPING}:18: 'left_out' must be a list. Write each passage as a '- quote: ...' item with its "
         "'reason:'."]),
    "mapping file empty": (
        "# nothing yet\n", TINY_ENTITIES.split("  - id: lukashenko")[0] + "  []\n",
        [f"{MAPPING}:1: the mapping file is empty. A mapping holds 'article:' and 'statements:'; see "
         "docs/mapping-format.md."]),
    "mapping file a list": (
        "- article: 001_tiny.txt\n", TINY_ENTITIES.split("  - id: lukashenko")[0] + "  []\n",
        [f"{MAPPING}:1: a mapping file must be a YAML mapping. Start it with 'article:' and 'statements:'."]),
    # ---- YAML itself
    "YAML syntax error": (
        mapping_with("statements:", "statements: ["), TINY_ENTITIES,
        [f"{MAPPING}:5: YAML syntax error: did not find expected node content (column 3). Check the indentation "
         "and quoting on this line and the one before; quotes containing ':' or '\"' need single quotes."]),
    "YAML duplicate key": (
        mapping_with("    role: President\n", "    role: President\n    role: Head of State\n"), TINY_ENTITIES,
        [f"{MAPPING}:12: duplicate key 'role'. Each key may appear once in a block; merge the two or remove one."]),
}


# (article, mapping, expected problems) for rules that need another article text.
TEXT_CASES = {
    "quote found three times, occurrence not given": (
        THRICE, TINY_MAPPING,
        [f"{MAPPING}:15: the quote occurs 3 times in the article (lines 1, 2, 3): add 'occurrence: N'. N counts "
         "from the start of the article: 1 to 3."]),
    "occurrence out of range": (
        THRICE, mapping_with("    quote: under the auspices of the OSCE\n",
                             "    quote: under the auspices of the OSCE\n    occurrence: 4\n"),
        [f"{MAPPING}:16: occurrence 4 is out of range: the quote occurs 3 times in the article (lines 1, 2, 3). "
         "Give a number from 1 to 3."]),
    "occurrence zero": (
        THRICE, mapping_with("    quote: under the auspices of the OSCE\n",
                             "    quote: under the auspices of the OSCE\n    occurrence: 0\n"),
        [f"{MAPPING}:16: occurrence 0 is out of range: the quote occurs 3 times in the article (lines 1, 2, 3). "
         "Give a number from 1 to 3."]),
    "article date a day after the text's '8 Jun 2018'": (
        TINY_ARTICLE.replace("5 July 2017", "8 Jun 2018"),
        mapping_with('date: {value: "2017-07-05", quote: "5 July 2017"}', 'date: {value: "2018-06-09", quote: "8 Jun 2018"}')
        .replace('    date: "2017-07-05"\n', ""),
        [f"{MAPPING}:3: date 2018-06-09 names a day the article never gives. The article gives 2018-06-08 "
         f"('8 Jun 2018', line 1). {DATES_HINT}"]),
    "German text: a day after 'am 15. Juli'": (
        GERMAN, mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  language: de\n")
        .replace('date: {value: "2017-07-05", quote: "5 July 2017"}', 'date: {value: "2017-07-17", quote: "17. Juli 2017"}')
        .replace("proposed a", "hat am 15. Juli einen").replace('    date: "2017-07-05"', '    date: "2017-07-16"')
        .replace(' "new Helsinki process"\'', ' "new Helsinki process" vorgeschlagen\''),
        [f"{MAPPING}:11: date 2017-07-16 names a day the article never gives. The article gives 2017-07-17 "
         f"('17. Juli 2017', line 1), --07-15 ('15. Juli', line 1). {DATES_HINT}"]),
    "German text read as English": (
        GERMAN, mapping_with('date: {value: "2017-07-05", quote: "5 July 2017"}', 'date: {value: "2017-07-17", quote: "17. Juli 2017"}')
        .replace("proposed a", "hat am 15. Juli einen").replace('    date: "2017-07-05"', '    date: "2017-07-15"')
        .replace(' "new Helsinki process"\'', ' "new Helsinki process" vorgeschlagen\''),
        [f"{MAPPING}:3: date 2017-07-17 names a day the article never gives. The article gives no day or month "
         "(read as English: set 'language:' in the article block if it is not). Record the year alone, or drop "
         "the date.",
         f"{MAPPING}:10: date 2017-07-15 names a day the article never gives. The article gives no day or month "
         "(read as English: set 'language:' in the article block if it is not). Record the year alone, or drop "
         "the date."]),
}


@pytest.mark.parametrize("mapping, entities, expected", CASES.values(), ids=CASES.keys())
def test_each_rule_reports_its_message_at_its_line(tmp_path, mapping, entities, expected):
    seeds = write_seeds(tmp_path / "seeds", mapping=mapping, entities=entities)
    assert problems(seeds) == expected


@pytest.mark.parametrize("article, mapping, expected", TEXT_CASES.values(), ids=TEXT_CASES.keys())
def test_each_rule_on_the_text_reports_its_message_at_its_line(tmp_path, article, mapping, expected):
    seeds = write_seeds(tmp_path / "seeds", article=article, mapping=mapping)
    assert problems(seeds) == expected


LUKASCHENKO = "  - id: lukaschenko\n    type: Person\n    label: Lukaschenko\n"
HARSTEDT = ("  - id: harstedt\n    type: Person\n    label: Kent Härstedt\n"
            "  - id: harstedt-2\n    type: Person\n    label: Kent Harstedt\n")
# (entities, expected warnings) for a corpus with no problem.
WARNING_CASES = {
    "entity used by no statement": (
        TINY_ENTITIES + NATO,
        [f"{ENTITIES}:13: entity 'nato' is used by no statement. {UNUSED_HINT}"]),
    "entity spelt as another is transliterated": (
        TINY_ENTITIES + LUKASCHENKO,
        [f"{ENTITIES}:13: entity 'lukaschenko' ('Lukaschenko') may be the same as 'lukashenko' ('Lukashenko', "
         f"SEEDS/entities/entities.yaml:2): their names differ only in accents or transliteration. {NEAR_HINT}",
         f"{ENTITIES}:13: entity 'lukaschenko' is used by no statement. {UNUSED_HINT}"]),
    "entities whose names differ by an accent": (
        TINY_ENTITIES + HARSTEDT,
        [f"{ENTITIES}:13: entity 'harstedt' is used by no statement. {UNUSED_HINT}",
         f"{ENTITIES}:16: entity 'harstedt-2' ('Kent Harstedt') may be the same as 'harstedt' ('Kent Härstedt', "
         f"SEEDS/entities/entities.yaml:13): their names differ only in accents or transliteration. {NEAR_HINT}",
         f"{ENTITIES}:16: entity 'harstedt-2' is used by no statement. {UNUSED_HINT}"]),
}


@pytest.mark.parametrize("entities, expected", WARNING_CASES.values(), ids=WARNING_CASES.keys())
def test_each_warning_reports_its_message_at_its_line(tmp_path, entities, expected):
    seeds = write_seeds(tmp_path / "seeds", entities=entities)
    assert warnings(seeds) == ([], expected)


def test_a_mapping_named_for_another_article(tmp_path):
    seeds = write_seeds(tmp_path / "seeds", mapping=mapping_with("file: 001_tiny.txt", "file: 002_other.txt"))
    (seeds / "articles" / "002_other.txt").write_text(TINY_ARTICLE + "Another line.\n", encoding="utf-8")
    assert problems(seeds) == [
        f"{MAPPING}:2: mapping file is named '001_tiny.yaml' but maps '002_other.txt'. Rename it to 002_other.yaml "
        "so article and mapping pair up."]


def test_an_article_without_a_mapping(tmp_path):
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / "articles" / "002_other.txt").write_text("Another article.\n", encoding="utf-8")
    assert problems(seeds) == [
        "SEEDS/articles/002_other.txt: article has no mapping. Create seeds/mapping/002_other.yaml with its metadata "
        "and statements (docs/mapping-format.md)."]


def test_unused_entities_are_reported_only_once_the_rest_is_valid(tmp_path):
    """A mistyped id would otherwise also make its entity look unused: two problems for one."""
    seeds = write_seeds(tmp_path / "seeds", mapping=mapping_with("object: osce", "object: osc"))
    assert problems(seeds) == [
        f"{MAPPING}:14: unknown entity 'osc'. Did you mean 'osce'? Add it to seeds/entities/ or fix the id."]


@pytest.mark.parametrize("missing, expected", [
    ("articles", ["SEEDS/articles: directory is missing. A seeds directory holds articles/, entities/ and "
                  "mapping/; pass --seeds to point at one."]),
    ("mapping", ["SEEDS/mapping: directory is missing. A seeds directory holds articles/, entities/ and mapping/; "
                 "pass --seeds to point at one."]),
    ("entities", ["SEEDS/entities: directory is missing. A seeds directory holds articles/, entities/ and "
                  "mapping/; pass --seeds to point at one.",
                  f"{MAPPING}:5: unknown entity 'lukashenko', and 4 more references to entities not in the "
                  "registry. The entity registry (SEEDS/entities) could not be read completely; fix the problems "
                  "reported there, then run kg validate again."]),
])
def test_a_missing_folder_is_reported_once_with_what_follows_summarised(tmp_path, missing, expected):
    import shutil

    seeds = write_seeds(tmp_path / "seeds")
    shutil.rmtree(seeds / missing)
    assert problems(seeds) == expected


def test_a_seeds_folder_that_does_not_exist_is_one_problem(tmp_path):
    assert problems(tmp_path / "nowhere") == [
        "SEEDS: seeds directory: no such directory. A seeds directory holds articles/, entities/ and mapping/; "
        "pass --seeds to point at one."]


def test_an_entity_file_that_does_not_parse_is_reported_once(tmp_path):
    """Its entities are unknown to every statement: one summary, not one problem per reference."""
    seeds = write_seeds(tmp_path / "seeds", entities=entities_with("label: OSCE", "label: [OSCE"))
    assert problems(seeds) == [
        f"{ENTITIES}:13: YAML syntax error: did not find expected ',' or ']' (column 1). Check the indentation and "
        "quoting on this line and the one before; quotes containing ':' or '\"' need single quotes.",
        f"{MAPPING}:5: unknown entity 'lukashenko', and 4 more references to entities not in the registry. The "
        "entity registry (SEEDS/entities) could not be read completely; fix the problems reported there, then run "
        "kg validate again."]


def test_an_unreadable_article_is_reported_once(tmp_path):
    """Not also 'article file not found' in its mapping, nor 'article has no mapping'."""
    seeds = write_seeds(tmp_path / "seeds")
    (seeds / "articles" / "001_tiny.txt").write_bytes(TINY_ARTICLE.replace("“", '"').replace("”", '"')
                                                      .replace("Minsk", "Mińsk").encode("utf-8")
                                                      .replace("ń".encode("utf-8"), b"\xf1"))
    assert problems(seeds) == [
        "SEEDS/articles/001_tiny.txt:1: not UTF-8: byte 0xF1 at column 3 cannot be decoded. The bytes look like "
        "Windows-1252 or Latin-1, where 0xF1 is 'ñ' (in 'Miñsk, 5 July 2'). Re-save the file as UTF-8 (in an "
        "editor, or with iconv -f WINDOWS-1252 -t UTF-8)."]


def test_the_real_seeds_with_a_broken_label_give_one_problem(seeds_copy):
    """Issue 9: one empty label used to bring 154 follow-on 'unknown entity' problems."""
    path = seeds_copy / "entities" / "core.yaml"
    path.write_text(edited(path.read_text(encoding="utf-8"), "label: Alexander Lukashenko", "label: ''"),
                    encoding="utf-8")
    assert [p.split(": ", 1)[1] for p in problems(seeds_copy)] == [
        "'label' is empty. Give 'label' a value or remove the line."]


def test_the_real_seeds_without_their_registry_give_two_problems(seeds_copy):
    """Issue 9: a missing entities/ folder used to bring 799 problems."""
    import shutil

    shutil.rmtree(seeds_copy / "entities")
    found = problems(seeds_copy)
    assert len(found) == 2
    assert found[0].startswith("SEEDS/entities: directory is missing.")
    assert "more references to entities not in the registry" in found[1]


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_seeds_folder_that_does_not_exist_is_a_usage_error(tmp_path, command):
    nowhere = tmp_path / "nowhere"
    result = CliRunner().invoke(main, [command, "--seeds", str(nowhere)], prog_name="kg")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Usage: kg {command} [OPTIONS]", f"Try 'kg {command} --help' for help.", "",
        f"Error: Invalid value for '--seeds': Directory '{nowhere}' does not exist."]


def _second_article(seeds, text: str, mapping: str, name: str = "002_other") -> None:
    (seeds / "articles" / f"{name}.txt").write_text(text, encoding="utf-8")
    (seeds / "mapping" / f"{name}.yaml").write_text(mapping.replace("001_tiny.txt", f"{name}.txt"), encoding="utf-8")


OTHER_ARTICLE = ("Vienna, 5 July 2017. The OSCE heard that Alexander Lukashenko proposed a “new Helsinki process” "
                 "under the auspices of the OSCE, long ago.\n")
WITH_URL = mapping_with("  file: 001_tiny.txt\n", "  file: 001_tiny.txt\n  url: https://www.belta.by/view/1\n")


def test_two_articles_from_one_address(tmp_path):
    seeds = write_seeds(tmp_path / "seeds", mapping=WITH_URL)
    _second_article(seeds, OTHER_ARTICLE, WITH_URL.replace("https://www.belta.by", "HTTPS://WWW.BelTA.by")
                    .replace("/view/1", "/view/1#top"))
    assert problems(seeds) == [
        "SEEDS/mapping/002_other.yaml:3: url 'HTTPS://WWW.BelTA.by/view/1#top' is also the url of 001_tiny "
        "(SEEDS/mapping/001_tiny.yaml:3). Each article comes from its own address: fix the url, or, if the two are "
        "one article, remove one of them with its mapping."]


def test_an_article_added_twice(tmp_path):
    seeds = write_seeds(tmp_path / "seeds")
    _second_article(seeds, TINY_ARTICLE, TINY_MAPPING)
    assert warnings(seeds) == ([
        "SEEDS/articles/002_other.txt: the same bytes as SEEDS/articles/001_tiny.txt. An article is added once: "
        "remove one of the two, with its mapping."], [])


def test_an_article_nearly_the_same_as_another_is_a_warning(tmp_path):
    """The same report with its dateline changed: two mappings of one text."""
    seeds = write_seeds(tmp_path / "seeds")
    _second_article(seeds, TINY_ARTICLE + "Updated at noon.\n", TINY_MAPPING)
    assert warnings(seeds) == ([], [
        "SEEDS/articles/002_other.txt: nearly the same wording as SEEDS/articles/001_tiny.txt (similarity 0.84). "
        "If one is a republication or a new version of the other, keep one; if they are two reports, nothing needs "
        "doing."])


def test_two_reports_of_one_event_are_not_near_duplicates(tmp_path):
    seeds = write_seeds(tmp_path / "seeds")
    _second_article(seeds, OTHER_ARTICLE, TINY_MAPPING)
    assert warnings(seeds) == ([], [])


GERMAN_MAPPING = """\
article:
  file: 001_tiny.txt
  url: https://www.belta.by/president/view/1234
  language: de
  title: "Minsk, 17. Juli 2017"
  publisher: OSCE
  date: {value: "2017-07-17", quote: "17. Juli 2017"}
statements:
  - subject: lukashenko
    predicate: proposes
    object: helsinki-2
    quote: 'Alexander Lukashenko hat am 15. Juli einen "new Helsinki process"'
    date: "2017-07-15"
  - subject: helsinki-2
    predicate: involves
    object: osce
    quote: under the auspices of the OSCE
    occurrence: 2
    involvement: under the auspices of
left_out:
  - quote: Präsident
    reason: a title, not a statement
"""


def test_every_addition_to_the_format_validates_when_right(tmp_path):
    """url, language (and German dates), a plain publisher, occurrence, left_out, an alias in a language."""
    article = GERMAN + "Again under the auspices of the OSCE.\n"
    entities = entities_with("aliases: [Lukashenko]", "aliases: [Lukashenko, {value: Lukaschenko, lang: de}]")
    seeds = write_seeds(tmp_path / "seeds", article=article, mapping=GERMAN_MAPPING, entities=entities)
    assert warnings(seeds) == ([], [])


def test_a_draft_validates_once_each_suggestion_is_accepted_or_deleted(tmp_path):
    draft = TINY_MAPPING.replace("    role: President\n", "    role: President\n    suggested: true\n") \
        .replace("    modality: proposed\n", "    modality: proposed\n    suggested: true\n")
    seeds = write_seeds(tmp_path / "seeds", mapping=draft)
    assert [p.split(": ", 1)[0] for p in problems(seeds)] == [f"{MAPPING}:12", f"{MAPPING}:19"]
    accepted = draft.replace("    role: President\n    suggested: true\n", "    role: President\n")
    write_seeds(seeds, mapping=accepted)
    assert [p.split(": ", 1)[0] for p in problems(seeds)] == [f"{MAPPING}:18"]
    deleted = accepted[:accepted.index("  - subject: helsinki-2")]
    write_seeds(seeds, mapping=deleted, entities=TINY_ENTITIES)
    assert warnings(seeds) == ([], [f"{ENTITIES}:10: entity 'osce' is used by no statement. {UNUSED_HINT}"])


def test_a_syntax_error_in_a_mapping_is_its_one_problem(tmp_path):
    """Its statements are lost, so its entities look unused and its article unmapped: neither is said."""
    seeds = write_seeds(tmp_path / "seeds", mapping=mapping_with("    role: President\n", "    role: [President\n"))
    assert warnings(seeds) == ([
        f"{MAPPING}:12: YAML syntax error: did not find expected ',' or ']' (column 12). Check the indentation and "
        "quoting on this line and the one before; quotes containing ':' or '\"' need single quotes."], [])


def test_a_decomposed_article_matches_composed_quotes_and_names(tmp_path):
    """Text saved on macOS or from a PDF: "u" + U+0308 for "ü". The quote is typed composed."""
    article = TINY_ARTICLE.replace("Minsk", "Mi\u0301nsk").replace("auspices", "\u0075\u0308spices")
    mapping = mapping_with("quote: under the auspices of the OSCE", "quote: under the üspices of the OSCE")
    seeds = write_seeds(tmp_path / "seeds", article=article, mapping=mapping)
    report = validate(seeds, shapes=False)
    assert report.problems == []
    match = report.quote_matches[("001_tiny", 12)]
    assert article[match.start:match.end] == match.exact == "under the u\u0308spices of the OSCE"


def test_the_mapping_format_doc_says_what_validation_allows():
    """docs/mapping-format.md: every field of a statement and of the article block, and each
    predicate's subject and object types as the ontology has them."""
    import re
    from pathlib import Path

    from graph_model.schema import ArticleSchema, StatementSchema

    doc = (Path(__file__).resolve().parent.parent / "docs" / "mapping-format.md").read_text(encoding="utf-8")
    listed = {name for row in re.findall(r"^\| `(\w+)`(?:, `(\w+)`)? \|", doc, re.MULTILINE) for name in row}
    assert set(StatementSchema.model_fields) | set(ArticleSchema.model_fields) <= listed
    groups = {"Agent": {"Person", "State", "Organisation"}, "Any": set(TYPES.split(", "))}
    for name, relation in read_relations().items():
        row = re.search(rf"^\| `{name}` \| ([^|]+) \| ([^|]+) \|", doc, re.MULTILINE)
        assert row, name
        subjects, objects = ({t for part in cell.split(",") for t in groups.get(part.strip(), {part.strip()})}
                             for cell in row.groups())
        assert (subjects, objects) == ({t.value for t in relation.subject_types},
                                       {t.value for t in relation.object_types}), name
