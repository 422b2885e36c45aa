"""The suite's seed fixtures are the seeds as curated: a user's additions do not reach them."""

from __future__ import annotations

import hashlib
import shutil

from graph_model.build import validate

from .conftest import CURATED_ARTICLES, SEEDS, copy_curated_seeds

SIXTH = "MINSK, 3 March 2021 (BelTA) – Belarus and the OSCE discussed the new Helsinki process again.\n"
SIXTH_MAPPING = """\
article:
  file: 005_added.txt
statements:
  - subject: belarus
    predicate: discusses
    object: helsinki-2
    quote: Belarus and the OSCE discussed the new Helsinki process
    suggested: true
"""
NEW_ENTITY = "  - id: minsk-city-council\n    type: Organisation\n    label: Minsk City Council\n"


def test_an_added_article_stays_out_of_the_curated_copy(tmp_path):
    """What `kg add` leaves behind: a sixth article (listed in ARTICLES.sha256 too), its draft
    mapping with an unreviewed suggestion, and a new registry entry."""
    user = tmp_path / "user-seeds"
    shutil.copytree(SEEDS, user)
    (user / "articles" / "005_added.txt").write_text(SIXTH, encoding="utf-8")
    (user / "mapping" / "005_added.yaml").write_text(SIXTH_MAPPING, encoding="utf-8")
    with (user / "ARTICLES.sha256").open("a", encoding="utf-8") as manifest:
        manifest.write(f"{hashlib.sha256(SIXTH.encode()).hexdigest()}  005_added.txt\n")
    registry = sorted((user / "entities").glob("*.yaml"))[-1]
    registry.write_text(registry.read_text(encoding="utf-8") + NEW_ENTITY, encoding="utf-8")
    assert "unreviewed suggestion" in " ".join(p.message for p in validate(user, shapes=False).problems)

    copy = copy_curated_seeds(user, tmp_path / "copy")
    assert sorted(p.stem for p in (copy / "articles").iterdir()) == list(CURATED_ARTICLES)
    assert sorted(p.stem for p in (copy / "mapping").iterdir()) == list(CURATED_ARTICLES)
    assert len((copy / "ARTICLES.sha256").read_text(encoding="utf-8").splitlines()) == 5
    report = validate(copy, shapes=False)
    assert report.problems == []
    assert [w.message for w in report.warnings] == ["entity 'minsk-city-council' is used by no statement"]


def test_the_curated_copy_refuses_an_article_changed_since_it_was_listed(tmp_path):
    user = tmp_path / "user-seeds"
    shutil.copytree(SEEDS, user)
    article = user / "articles" / f"{CURATED_ARTICLES[0]}.txt"
    article.write_bytes(article.read_bytes() + b" ")
    try:
        copy_curated_seeds(user, tmp_path / "copy")
    except AssertionError as exc:
        assert str(exc) == f"{CURATED_ARTICLES[0]}.txt is not listed in {user / 'ARTICLES.sha256'} with its checksum"
    else:
        raise AssertionError("a changed article was copied as curated")


def test_the_seed_fixtures_use_the_curated_copy(seeds_curated, seed_build):
    assert sorted(seed_build[0].articles) == list(CURATED_ARTICLES)
    assert seed_build[0].seeds_dir == seeds_curated
