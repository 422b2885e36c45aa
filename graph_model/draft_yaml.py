"""The draft mapping of a new article as YAML, in the curated files' layout, for a person to finish.

Every statement a tool drafted carries ``suggested: true``, which ``kg validate`` and ``kg build``
refuse until a person has checked the statement and deleted the line (or the statement).
Metadata the text seems to give (title line, dateline, publisher) is written commented out,
with the line it came from: a person uncomments what is right. Values given on the command
line are written as they are: the person gave them.
"""

from __future__ import annotations

import yaml

from .draft_metadata import Sourced
from .drafting import Draft


def scalar(value: str) -> str:
    """``value`` as a double-quoted YAML scalar that reads back as exactly ``value``.

    >>> scalar('He said: “go” #1'), scalar("a\\u2028b")
    ('"He said: “go” #1"', '"a\\\\Lb"')
    """
    return yaml.dump(value, Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True,
                     width=1 << 30).rstrip("\n")


def _sourced(item: Sourced) -> str:
    return f"{{value: {scalar(item.value)}, quote: {scalar(item.quote)}}}"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def format_draft_mapping(draft: Draft, file_name: str, *, url: str | None = None, language: str | None = None,
                         language_detected: bool = False, title: Sourced | None = None, date: Sourced | None = None,
                         publisher: Sourced | None = None) -> str:
    """The draft mapping file's text. ``title``, ``date`` and ``publisher`` are the values the
    person gave (each with its words in the text); where they gave none, the text's own
    suggestion is written commented out."""
    text = draft.text
    out = [
        f"# Draft mapping of {file_name}, written by 'kg add'. Everything below marked 'suggested' was",
        "# drafted by a tool: check each statement against the article (subject, predicate, object,",
        "# quote, speaker), then delete its 'suggested: true' line, or delete the statement.",
        "# kg validate and kg build refuse the mapping while a suggestion is left. Add what the tool",
        "# missed: statements whose subject or object the text names only as 'we' or 'our country',",
        "# dates, places and events (docs/mapping-format.md).",
        *_header_notes(draft),
        "",
        "article:",
        f"  file: {file_name}",
    ]
    if url:
        out.append(f"  url: {scalar(url)}")
    if language:
        out.append(f"  language: {language}" + ("  # detected from its commonest words: check"
                                                 if language_detected else ""))
    else:
        out.append("  # language: the text's language, BCP 47 (en, de, ...); not detected")
    meta = draft.metadata
    for name, given, found in (("title", title, meta.title), ("publisher", publisher, meta.publisher),
                               ("date", date, meta.date)):
        if given is not None:
            out.append(f"  {name}: {scalar(given.value) if name == 'title' else _sourced(given)}")
        elif found is not None:
            shown = scalar(found.value) if name == "title" else _sourced(found)
            out.append(f"  # {name}: {shown}  # suggested from line {_line_of(text, found.start)}: uncomment if right")
        else:
            out.append(f"  # {name}: the text gives none")
    out += ["", "statements:" if draft.statements else "statements: []"]
    for statement in draft.statements:
        notes = [f"cue: {', '.join(repr(c) for c in statement.cues)}"]
        if statement.alternatives:
            notes.append(f"or perhaps: {', '.join(statement.alternatives)}")
        if statement.speaker and statement.predicate != "holdsPosition":
            notes.append("speaker from the attribution")
        out += [
            "",
            f"  # line {_line_of(text, statement.start)}; {'; '.join(notes)}",
            f"  - subject: {statement.subject}",
            f"    predicate: {statement.predicate}",
            f"    object: {statement.object}",
            f"    quote: {scalar(statement.quote)}",
        ]
        if statement.occurrence:
            out.append(f"    occurrence: {statement.occurrence}")
        if statement.speaker and statement.predicate != "holdsPosition":
            out.append(f"    speaker: {statement.speaker}")
        if statement.role:
            out.append(f"    role: {scalar(statement.role)}")
        out.append("    suggested: true")
    return "\n".join(out) + "\n"


def _header_notes(draft: Draft) -> list[str]:
    text = draft.text
    notes = ["#"]
    seen: dict[str, list[str]] = {}
    for mention in draft.mentions:
        seen.setdefault(mention.entity, [])
        if mention.text not in seen[mention.entity]:
            seen[mention.entity].append(mention.text)
    notes.append(f"# Known entities the text names ({len(seen)}): "
                 + (", ".join(f"{entity} ({' / '.join(names[:3])})" for entity, names in seen.items()) or "none"))
    if draft.references:
        notes.append("# Taken to refer to a person named before them (check): "
                     + ", ".join(f"'{m.text}' line {_line_of(text, m.start)} = {m.entity}"
                                 for m in draft.references))
    if draft.new_entities:
        notes.append("# Names that match no known entity (add to seeds/entities/ those the statements need):")
        for new in draft.new_entities:
            kind = f"type {new.type} ({new.why})" if new.type else "type: ?"
            similar = ("; similar to " + ", ".join(f"{entity} ({score:.0f}%)" for entity, score in new.similar_to)
                       if new.similar_to else "")
            notes.append(f"#   {new.text!r}, line {_line_of(text, new.start)}: {kind}{similar}")
    bare = [s for s in draft.sentences if not s.statements]
    if bare:
        notes.append("# Sentences naming two or more entities where no cue word suggested a relation:")
        notes += [f"#   line {_line_of(text, s.span.start)} ({', '.join(s.entities)}): "
                  f"{' '.join(s.span.text.split())[:70]}" for s in bare]
    return notes
