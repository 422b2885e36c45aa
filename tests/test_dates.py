"""Dates in the mapping's forms, the dates a text gives (text_dates) and language tags."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, strategies as st

from graph_model.dates import DatePrecision, parse_date
from graph_model.languages import LanguageTagError, check_language_tag
from graph_model.text_dates import find_text_dates, gives_date

days = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31))
EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December"]
DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
      "Dezember"]
# How newspapers write a day, in English and in German, as (format, language); {m} the month's
# name, {mon} its first three letters, {d} the day, {y} the year.
FORMS = [
    ("{d} {m} {y}", "en"), ("{d} {mon} {y}", "en"), ("{m} {d}, {y}", "en"), ("{mon}. {d}, {y}", "en"),
    ("{d}th of {m} {y}", "en"), ("{y}-{mm}-{dd}", "en"), ("{dd}.{mm}.{y}", "en"),
    ("{d}. {m} {y}", "de"), ("{d} {m} {y}", "de"), ("am {d}. {m} {y}", "de"), ("{dd}.{mm}.{y}", "de"),
]


def _written(form: str, day: datetime.date, language: str) -> str:
    months = DE if language == "de" else EN
    return form.format(d=day.day, dd=f"{day.day:02d}", m=months[day.month - 1], mon=EN[day.month - 1][:3],
                       mm=f"{day.month:02d}", y=day.year)


@given(days, st.sampled_from(FORMS), st.sampled_from(["Minsk, ", "It was on ", ""]), st.sampled_from([".", ", when", ""]))
def test_every_written_day_is_read_as_that_day(day, form, before, after):
    text = before + _written(form[0], day, form[1]) + after
    assert [d.value for d in find_text_dates(text, form[1])] == [day.isoformat()]


@given(days, st.sampled_from([("{d} {m}", "en"), ("{m} {d}", "en"), ("am {d}. {m}", "de"), ("{d}. {m}", "de")]))
def test_a_day_without_a_year_is_read_without_one(day, form):
    text = _written(form[0], day, form[1]) + " there were talks."
    assert [d.value for d in find_text_dates(text, form[1])] == [f"--{day.month:02d}-{day.day:02d}"]


@given(days)
def test_a_day_is_supported_by_itself_and_by_no_other_day(day):
    found = find_text_dates(f"On {day.day} {EN[day.month - 1]} {day.year} they met.")
    assert gives_date(parse_date(day.isoformat()), found)
    assert gives_date(parse_date(f"{day.year}-{day.month:02d}"), found)
    assert gives_date(parse_date(f"--{day.month:02d}-{day.day:02d}"), found)
    other = day + datetime.timedelta(days=1)
    assert not gives_date(parse_date(other.isoformat()), found)


def test_the_cases_of_the_issue():
    """An article date of 2018-06-09 against '8 Jun 2018'; a statement of 2017-07-16 against 'am 15. Juli'."""
    assert not gives_date(parse_date("2018-06-09"), find_text_dates("Minsk, 8 Jun 2018 (BelTA)"))
    german = find_text_dates("Berlin, 17 Juli 2017. Lukaschenko hatte am 15. Juli gesprochen.", "de")
    assert [(d.value, d.quote) for d in german] == [("2017-07-17", "17 Juli 2017"), ("--07-15", "15. Juli")]
    assert not gives_date(parse_date("2017-07-16"), german)
    assert gives_date(parse_date("2017-07-15"), german)  # the year is given elsewhere in the text


@pytest.mark.parametrize("text, language, values", [
    ("June 8–9, 2018", "en", ["2018-06-08", "2018-06-09"]),
    ("8-9 June", "en", ["--06-08", "--06-09"]),
    ("in June 2018 and in July", "en", ["2018-06", None]),
    ("6/8/2018", "en", ["2018-06-08", "2018-08-06"]),  # the US and the British reading
    ("15.07.2017", "en", ["2017-07-15"]),
    ("8 июня 2018 г.", "ru", ["2018-06-08"]),
    ("le 1er juin 2018", "fr", ["2018-06-01"]),
    ("Wien, 3. Jänner 2019", "de-AT", ["2019-01-03"]),
    ("Wien, 3. Jänner 2019", "de", ["2019-01-03"]),  # every regional spelling of the language
    ("June 8", "de", ["--06-08"]),  # English is read in every language
    ("31 June 2018", "en", ["2018-06"]),  # no such day: the month stands
    ("they may march on 5 sites", "en", []),  # "may", "march": words, not months, here
    ("8/6/18", "en", []),  # a two-digit year's century would be a guess
    ("Section 3.2.2018 of the act", "en", ["2018-02-03"]),
])
def test_forms_and_languages(text, language, values):
    assert [d.value for d in find_text_dates(text, language)] == values


def test_the_seed_articles_give_their_dates(seeds_curated):
    text = (seeds_curated / "articles" / "001_193587b326805307.txt").read_text(encoding="utf-8")
    assert {d.value for d in find_text_dates(text)} >= {"2017-07-05", "--07-05"}


def test_years_and_parts_of_years_need_no_day():
    assert gives_date(parse_date("late 2016"), ())
    assert gives_date(parse_date("2016"), ())
    assert parse_date("2017-07-05").precision is DatePrecision.DAY


@pytest.mark.parametrize("tag, canonical", [("en", "en"), ("de-at", "de-AT"), ("SR-latn-rs", "sr-Latn-RS"),
                                            ("es-419", "es-419"), ("de-DE-1996", "de-DE-1996")])
def test_language_tags_in_canonical_case(tag, canonical):
    assert check_language_tag(tag) == canonical


@pytest.mark.parametrize("tag, message", [
    ("xx", "'xx' is not a known language code"),
    ("und", "'und' is not a known language code"),
    ("en_GB", "'en_GB' is not a BCP 47 language tag"),
    ("de-ZZ", "'ZZ' in 'de-ZZ' is not a known region code"),
    ("sr-Abcd", "'Abcd' in 'sr-Abcd' is not a known script code"),
    ("", "'' is not a BCP 47 language tag"),
])
def test_language_tags_refused(tag, message):
    with pytest.raises(LanguageTagError, match=f"^{message}$"):
        check_language_tag(tag)
