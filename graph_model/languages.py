"""Language tags (BCP 47) and the CLDR locales (through Babel) that say how a language writes dates.

A mapping names an article's language (``language: de``) and an alias's (``{value: Makej,
lang: de}``) with a BCP 47 tag: a language code, optionally a script and a region, as in
``en``, ``de-AT``, ``sr-Latn``. :func:`check_language_tag` says whether a tag is well formed
and names a language, script and region CLDR knows, and gives the tag in its canonical case;
:func:`locales_of` gives the Babel locales of a tag's language, whose month names
:mod:`graph_model.dates` reads. Babel ships the CLDR data: nothing is fetched.
"""

from __future__ import annotations

import functools
import re

# RFC 5646 language[-script][-region][-variant...]; extended language subtags, extensions and
# private use are left out: news articles need none, and a tag that has them is refused with a
# hint rather than half-checked.
_TAG = re.compile(r"([a-z]{2,3})(?:-([a-z]{4}))?(?:-([a-z]{2}|[0-9]{3}))?((?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)",
                  re.IGNORECASE)
TAG_HINT = "Write the language's code, e.g. 'en' or 'de', with a region if it matters, e.g. 'de-AT' (BCP 47)."


class LanguageTagError(ValueError):
    """A tag that is no BCP 47 tag of a known language; ``hint`` says what to write."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


@functools.lru_cache(maxsize=1)
def _cldr_names() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(languages, scripts, territories) CLDR knows, each code -> English name."""
    from babel import Locale

    english = Locale("en")
    return dict(english.languages), dict(english.scripts), dict(english.territories)


@functools.lru_cache(maxsize=256)
def check_language_tag(tag: str) -> str:
    """``tag`` in canonical case (language lower, Script title, REGION upper).

    Raises LanguageTagError if it is not well formed or names a language, script or region
    CLDR does not know.

    >>> check_language_tag("de-at"), check_language_tag("sr-latn"), check_language_tag("en")
    ('de-AT', 'sr-Latn', 'en')
    >>> check_language_tag("ger")
    Traceback (most recent call last):
    ...
    graph_model.languages.LanguageTagError: 'ger' is not a known language code
    """
    from .errors import show_value

    match = _TAG.fullmatch(tag)
    languages, scripts, territories = _cldr_names()
    if match is None:
        raise LanguageTagError(f"{show_value(tag)} is not a BCP 47 language tag", _suggest(tag) + TAG_HINT)
    language, script, region, variants = match.groups()
    language = language.lower()
    if language not in languages or language == "und":  # CLDR's codes for "unknown" are no language
        raise LanguageTagError(f"{show_value(language)} is not a known language code", _suggest(language) + TAG_HINT)
    parts = [language]
    if script:
        if script.title() not in scripts or script.title() == "Zzzz":
            raise LanguageTagError(f"{show_value(script)} in {show_value(tag)} is not a known script code",
                                   "A script is four letters, e.g. 'Latn' or 'Cyrl'; or leave it out.")
        parts.append(script.title())
    if region:
        if region.upper() not in territories or region.upper() == "ZZ":
            raise LanguageTagError(f"{show_value(region)} in {show_value(tag)} is not a known region code",
                                   "A region is two letters, e.g. 'AT' or 'GB'; or leave it out.")
        parts.append(region.upper())
    return "-".join(parts) + variants.lower()


def _suggest(text: str) -> str:
    """'Did you mean ...?' for a language written as its English name or its first letters
    ("German", "ger", "eng": the ISO 639-2 codes some tools write); empty if nothing fits."""
    languages = _cldr_names()[0]
    key = text.strip().casefold()
    if len(key) < 3:
        return ""
    found = [code for code, name in sorted(languages.items())
             if len(code) == 2 and (name.casefold() == key or name.casefold().startswith(key))]
    if not found:
        return ""
    return "Did you mean " + " or ".join(f"'{code}' ({languages[code]})" for code in found[:3]) + "? "


@functools.lru_cache(maxsize=64)
def locales_of(tag: str) -> tuple:
    """The Babel locales of ``tag``'s language, in its script if the tag names one: every
    regional variant, since an article in German may write Austria's "Jänner". ``tag`` must be
    canonical (see :func:`check_language_tag`); a language CLDR has no locale for gives ()."""
    from babel import Locale, UnknownLocaleError
    from babel.localedata import locale_identifiers

    language, _, rest = tag.partition("-")
    script = rest.split("-")[0] if rest[:4].isalpha() and len(rest.split("-")[0]) == 4 else None
    found = []
    for identifier in sorted(locale_identifiers()):
        if identifier.split("_")[0] != language:
            continue
        try:
            locale = Locale.parse(identifier)
        except (UnknownLocaleError, ValueError):  # an identifier Babel lists but cannot load
            continue
        if locale.script == script:
            found.append(locale)
    return tuple(found)
