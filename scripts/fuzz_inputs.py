#!/usr/bin/env python3
"""Fuzz reading and validating the seeds for a while; count the inputs tried and what escaped.

Runs the strategies of ``tests/test_input_fuzz.py`` (mutated articles, entity files and
mappings: YAML punctuation, aliases, control characters, other encodings, raw bytes,
directories in place of files) without stopping at the first failure, and prints how many
inputs ended in located problems and how many in anything else, by exception type, with one
input per kind to reproduce it. The suite runs the same strategies for a few seconds only.

    .venv/bin/python scripts/fuzz_inputs.py --seconds 300
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from tests.test_input_fuzz import check_outcome, corpora, write_corpus  # noqa: E402

PER_INPUT_SECONDS = 20  # an input that takes longer counts as a hang


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no answer within {PER_INPUT_SECONDS} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="how long to fuzz (default 300)")
    args = parser.parse_args()
    outcomes: collections.Counter = collections.Counter()
    escaped: collections.Counter = collections.Counter()
    examples: dict[str, dict] = {}
    signal.signal(signal.SIGALRM, _alarm)

    @settings(max_examples=200, deadline=None, phases=[Phase.generate], database=None,
              suppress_health_check=list(HealthCheck))
    @given(corpora)
    def run(contents):
        with tempfile.TemporaryDirectory() as directory:
            signal.alarm(PER_INPUT_SECONDS)
            try:
                outcomes[check_outcome(write_corpus(Path(directory), contents))] += 1
            except (KeyboardInterrupt, SystemExit):
                raise
            except AssertionError as exc:  # a problem without a place, or spread over lines
                outcomes["unlocated problem"] += 1
                _note(escaped, examples, "unlocated problem", str(exc), contents)
            except BaseException as exc:  # noqa: BLE001 - counting every kind is the point
                outcomes["uncaught exception"] += 1
                _note(escaped, examples, type(exc).__name__, str(exc), contents)
            finally:
                signal.alarm(0)

    start = time.monotonic()
    while time.monotonic() - start < args.seconds:
        run()
    tried = sum(outcomes.values())
    print(f"{tried:,} inputs in {time.monotonic() - start:.0f} s: " +
          ", ".join(f"{count:,} {name}" for name, count in outcomes.most_common()))
    for kind, count in escaped.most_common():
        print(f"  {count:6,}  {kind}")
        for message, contents in examples[kind]:
            print(f"          e.g. {message}\n               {contents!r}"[:600])
    return 1 if escaped else 0


def _note(escaped, examples, kind: str, text: str, contents: dict) -> None:
    """Count by kind; keep the first three inputs of each kind with distinct messages."""
    escaped[kind] += 1
    message = (text.splitlines() or [""])[0][:160]
    seen = examples.setdefault(kind, [])
    if len(seen) < 3 and message not in (m for m, _ in seen):
        seen.append((message, contents))


if __name__ == "__main__":
    sys.exit(main())
