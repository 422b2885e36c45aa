"""kg add, coverage: bringing a new article in, and seeing what the mappings leave out."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .group import main
from .options import echo, seeds_option


@main.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="The article's title, verbatim from its text.")
@click.option("--date", help="The article's date as the text gives it: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD.")
@click.option("--publisher", help="The publisher, as the text names it (e.g. BelTA).")
@click.option("--url", help="The address the article was taken from.")
@click.option("--language", help="The text's language, BCP 47 (en, de); detected when left out.")
@click.option("--force", is_flag=True, help="Add it even if it is a near copy of an article in the seeds.")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as one JSON object.")
@seeds_option
def add(article, title, date, publisher, url, language, force, as_json, seeds_dir):
    """Copy ARTICLE (a UTF-8 text file) into the seeds unchanged, with a draft of its mapping.

    The draft names the known entities the text mentions, names that match none, and one
    suggested statement per cue word in each sentence naming two or more entities, each marked
    'suggested: true' for a person to check. Nothing already in the seeds is replaced.

    \b
    Example:
      kg add ~/articles/belta-2017-07-05.txt --url https://www.belta.by/... --language en
    """
    from ..add_article import add_article, add_result_data, format_add_summary

    result = add_article(seeds_dir, article, title=title, date=date, publisher=publisher, url=url,
                         language=language, force=force)
    echo(json.dumps(add_result_data(result), ensure_ascii=False, indent=2) if as_json else format_add_summary(result))


@main.command()
@click.argument("article", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@seeds_option
def coverage(article, as_json, seeds_dir):
    """Per article: sentences naming two or more known entities that no statement quotes.

    Also the entities the text names that no statement of the article uses, and the share of
    sentences covered. ARTICLE (an id or file name) limits it to one article.

    \b
    Example:
      kg coverage 001_193587b326805307
    """
    from ..coverage import compute_coverage, format_coverage

    echo(format_coverage(compute_coverage(seeds_dir, article), as_json=as_json))
