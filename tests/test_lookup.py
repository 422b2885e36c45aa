"""The one entity-lookup rule: the name key, the rule on a mapping, on a store and on the projection,
and the same key in the browser's JavaScript."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from graph_model.analyze import find_entity
from graph_model.errors import UsageError
from graph_model.lookup import find_entity_id, find_store_entity_id, graph_names, match_entity_ids, name_key, store_names
from graph_model.queries import resolve_entity, run_named_query

# The white space JavaScript's \s matches (ECMAScript WhiteSpace and LineTerminator).
JS_SPACES = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000\ufeff"
ACCENTS = "\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0327\u0328"  # grave, acute, circumflex, ... ogonek

ascii_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.'()", min_size=1,
                      max_size=12)
spaces = st.text(alphabet=JS_SPACES, min_size=1, max_size=4)


def _assigned(char: str) -> bool:
    # Characters this Python's Unicode database knows, so Python and the browser (whose ICU may
    # be a newer Unicode) agree on what they are; surrogates cannot cross into JavaScript.
    return unicodedata.category(char) not in ("Cn", "Cs", "Co")


any_text = st.text(alphabet=st.characters(codec="utf-8").filter(_assigned), max_size=40)


@st.composite
def accented(draw, word: str) -> str:
    """``word`` with combining accents on some letters, composed where Unicode can (é, not e + ◌́)."""
    out = []
    for char in word:
        out.append(char)
        if char.isalpha() and draw(st.booleans()):
            out.append(draw(st.sampled_from(ACCENTS)))
    return unicodedata.normalize("NFC", "".join(out))


@st.composite
def respelled(draw, words: list[str]) -> str:
    """The name ``words`` spell, as a person might type it: other case, accents, odd spacing."""
    parts = []
    for word in words:
        word = draw(accented(word))
        word = draw(st.sampled_from([word, word.upper(), word.lower(), word.swapcase()]))
        parts.append(word)
    text = draw(spaces).join(parts)
    return draw(st.sampled_from(["", " ", "\u00a0", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))


# ---- name_key


@given(st.lists(ascii_words, min_size=1, max_size=4), st.data())
def test_name_key_ignores_case_accents_and_spacing(words, data):
    plain = " ".join(words).lower()
    assert name_key(data.draw(respelled(words))) == plain


@given(any_text)
def test_name_key_is_one_spaced_and_trimmed(text):
    key = name_key(text)
    assert key == key.strip(" ") and "  " not in key
    assert not any(char in JS_SPACES and char != " " for char in key)


@given(ascii_words, ascii_words)
def test_name_key_keeps_different_letters_apart(a, b):
    assume(a.lower() != b.lower())
    assert name_key(a) != name_key(b)


def test_name_key_examples():
    assert name_key("Lukašenko") == name_key("LUKASENKO") == "lukasenko"
    assert name_key("  new\u00a0Helsinki\u2003 process\n") == "new helsinki process"
    assert name_key("Łukaszenko") != name_key("Lukaszenko")  # Ł has no decomposition: another letter
    assert name_key("ﬁnland") == "finland"  # NFKD: compatibility ligature


CHROMIUM = "/usr/bin/chromium"  # as in test_browser.py: Debian's, installed by scripts/setup
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


# The expression lookup.py's docstring gives the page, verbatim.
JS_NAME_KEY = r"s => s.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()"


def test_the_docstring_gives_the_page_this_expression():
    import graph_model.lookup

    assert JS_NAME_KEY.removeprefix("s => ") in graph_model.lookup.__doc__


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(any_text, st.lists(ascii_words, min_size=1).flatmap(respelled)), min_size=1, max_size=40))
def test_name_key_is_the_pages_javascript_key(browser_page, texts):
    in_browser = browser_page.evaluate(f"texts => texts.map({JS_NAME_KEY})", texts)
    assert [name_key(t) for t in texts] == in_browser


# ---- the rule on a mapping

NAMES = {
    "helsinki-2": ["Helsinki-2", "new Helsinki process", "Helsinki 2"],
    "osce": ["OSCE", "Organization for Security and Co-operation in Europe"],
    "lukashenko": ["Alexander Lukashenko", "Lukashenko"],
    "minsk": ["Minsk"],
    "minsk-group": ["OSCE Minsk Group"],
}


@given(st.sampled_from(sorted(NAMES)), st.data())
def test_any_spelling_of_a_name_finds_its_entity(entity_id, data):
    name = data.draw(st.sampled_from(NAMES[entity_id]))
    assert find_entity_id(NAMES, data.draw(respelled(name.split(" ")))) == entity_id


@given(st.lists(ascii_words, min_size=1, max_size=3), st.data())
def test_two_entities_sharing_a_name_key_are_ambiguous_unless_the_text_is_an_id(words, data):
    name = " ".join(words)
    names = {"first": [name], "second": [data.draw(respelled(words))], "other": ["unrelated entity"]}
    text = data.draw(respelled(words))
    assume(text not in names)
    with pytest.raises(UsageError, match=r"names several entities: first, second\. Pass one of the ids instead"):
        find_entity_id(names, text)


def test_an_exact_id_wins_over_a_name():
    names = {"b": ["B"], "belarus": ["Belarus", "b"]}
    assert find_entity_id(names, "b") == "b"
    with pytest.raises(UsageError, match=r"'B' names several entities: b, belarus\. Pass one of the ids"):
        find_entity_id(names, "B")  # not an id: the label of b and the alias of belarus


def test_an_id_matches_exactly_only():
    assert match_entity_ids({"nato": ["North Atlantic Treaty Organization"]}, "NATO") == []


def test_unknown_name_suggests_ids_and_names():
    with pytest.raises(UsageError) as info:
        find_entity_id(NAMES, "Lukashenka")
    assert str(info.value) == "no entity named 'Lukashenka'. Did you mean 'lukashenko' or 'Alexander Lukashenko'?"
    with pytest.raises(UsageError, match="Pass an entity's id, label or alias"):
        find_entity_id(NAMES, "zzzzzzzz")


# ---- one rule everywhere: store, networkx projection, named-query parameters


def _outcome(function, *args):
    try:
        return function(*args)
    except UsageError as exc:
        return f"error: {exc}"


def test_store_and_projection_and_mapping_agree_on_every_seed_name(seed_store, seed_graph):
    names = store_names(seed_store)
    assert {i: set(ns) for i, ns in names.items()} == {i: set(ns) for i, ns in graph_names(seed_graph).items()}
    respell = [str.upper, lambda n: f"  {n.lower()} ", lambda n: unicodedata.normalize("NFD", n.replace("a", "á"))]
    all_names = sorted(name for entity_names in names.values() for name in entity_names)
    texts = all_names + [respell[i % 3](name) for i, name in enumerate(all_names)]
    texts += sorted(names) + [i.upper() for i in sorted(names)[::4]] + ["natoo", "Lukašenko", "x"]
    for text in texts:
        expected = _outcome(find_entity_id, names, text)
        assert _outcome(find_store_entity_id, seed_store, text) == expected, text
        assert _outcome(find_entity, seed_graph, text) == expected, text
    for text in ("Lukašenko", "natoo", "helsinki-2", " new Helsinki  PROCESS"):
        assert _outcome(resolve_entity, seed_store, text) == _outcome(find_entity_id, names, text)


def test_store_names_hold_labels_and_aliases(seed_store):
    names = store_names(seed_store)
    assert set(names["helsinki-2"]) >= {"Helsinki-2", "new Helsinki process"}


def test_named_query_parameter_takes_an_accented_spaced_name(seed_store):
    by_id = run_named_query(seed_store, "proposers", {"initiative": "helsinki-2"}).records()
    assert by_id
    assert run_named_query(seed_store, "proposers", {"initiative": " NÉW  helsinki PROCESS "}).records() == by_id


def test_on_a_store_an_exact_label_is_still_ambiguous_when_another_entity_shares_its_key():
    from graph_model.store import GraphStore

    entities = {"first": ("Helsinki 2", []), "second": ("Second", ["helsinki  2"]), "b": ("B", []),
                "belarus": ("Belarus", ["b"])}
    lines = []
    for entity_id, (label, aliases) in entities.items():
        iri = f"<https://newsgraph.example/entity/{entity_id}>"
        lines.append(f'{iri} <https://newsgraph.example/ontology#entityType> <https://newsgraph.example/ontology#Topic> .')
        lines.append(f'{iri} <http://purl.org/dc/terms/identifier> "{entity_id}" .')
        lines.append(f'{iri} <http://www.w3.org/2004/02/skos/core#prefLabel> "{label}" .')
        lines += [f'{iri} <http://www.w3.org/2004/02/skos/core#altLabel> "{alias}" .' for alias in aliases]
    store = GraphStore.in_memory()
    store.load_nquads("\n".join(lines).encode())
    names = {entity_id: [label, *aliases] for entity_id, (label, aliases) in entities.items()}
    assert store_names(store).keys() == names.keys()
    for text in ("Helsinki 2", "HELSINKI 2", "b", "B", "Belarus", "second", "Sécond", "nothing"):
        assert _outcome(find_store_entity_id, store, text) == _outcome(find_entity_id, names, text), text
    assert _outcome(find_store_entity_id, store, "Helsinki 2") == \
        "error: 'Helsinki 2' names several entities: first, second. Pass one of the ids instead."
