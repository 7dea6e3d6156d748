"""Address cleaning: top-1 accuracy on a labelled set of messy addresses and addresses matched per
second, against the town-scale demo (about 19,000 plates).

The town is built into a fresh SQLite file; 5 % of its streets get a former name (as after a
rename) so old names are part of the test. The labelled set comes from `tests.address_cleaning.noise`,
which knows nothing of the matcher; the unfiltered set from `tests.address_cleaning.hard_noise`,
which keeps every slip as typed and adds the hard classes (swaps, 廿/卅/壹拾贰 numerals, sub-numbers
written other ways, retired plates, numbers the street does not have). `matcher_build_seconds` is
the one database read.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from shared.address_cleaning.index import PlateRow, load_plate_rows
from shared.address_cleaning.matching import AddressMatcher, MatchResult, build_matcher
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from tests.address_cleaning.hard_noise import unfiltered_addresses
from tests.address_cleaning.noise import LabelledAddress, messy_addresses, rename_some_streets

LABELLED = 2_000
SPEED_ROUNDS = 5  # each set is matched this many times for its rate
TODAY = date(2026, 11, 25)


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'match.db'}")
        upgrade_database(engine)
        with Session(engine) as session:
            build_demo_town(session, scale="town", seed=2026, today=TODAY)
            rename_some_streets(session, share=0.05, seed=2026)
            session.commit()
            labelled = messy_addresses(session, count=LABELLED, seed=2026)
            unfiltered = unfiltered_addresses(session, count=LABELLED, seed=2027)
            started = time.perf_counter()
            matcher = build_matcher(session)
            build_seconds = time.perf_counter() - started
            rows = load_plate_rows(session)
        engine.dispose()

    results = [matcher.match(a.text) for a in labelled]
    rate, cpu_rate = _rate(rows, [a.text for a in labelled])

    right = [
        r.best is not None and r.best.plate_code == a.plate_code
        for a, r in zip(labelled, results, strict=True)
    ]
    flagged = sum(r.needs_review for r in results)
    wrong_unflagged = sum(not ok and not r.needs_review for ok, r in zip(right, results, strict=True))
    by_kind, wrong_by_kind = Counter[str](), Counter[str]()
    for address, ok in zip(labelled, right, strict=True):
        by_kind.update(address.kinds)
        if not ok:
            wrong_by_kind.update(address.kinds)
    print(f"match_plates_indexed: {matcher.plate_count}")
    print(f"match_labelled_addresses: {len(labelled)}")
    print(f"match_top1_accuracy: {100 * sum(right) / len(labelled):.2f} %")
    print(f"match_needs_review: {100 * flagged / len(labelled):.2f} %")
    print(f"match_wrong_and_not_flagged: {wrong_unflagged}")
    print(f"addresses_matched_per_second: {rate:.0f} /s")
    print(f"addresses_matched_per_cpu_second: {cpu_rate:.0f} /s (this process's CPU time)")
    print(f"matcher_build_seconds: {build_seconds:.2f} s")
    print(f"match_load_average: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    for kind, count in sorted(by_kind.items()):
        print(f"  accuracy_{kind}: {100 * (count - wrong_by_kind[kind]) / count:.1f} % (of {count})")
    _report_unfiltered(matcher, rows, unfiltered)


def _report_unfiltered(
    matcher: AddressMatcher, rows: list[PlateRow], labelled: list[LabelledAddress]
) -> None:
    """Accuracy on the unfiltered set. An address labelled "" names a number its street does not
    have: right when flagged. `typo_collision` (a slip that typed another real street's name) is
    the one miss a careful reader makes too, so the figures are also given without it."""
    results = [matcher.match(a.text) for a in labelled]
    rate, cpu_rate = _rate(rows, [a.text for a in labelled])
    right = [_is_right(a, r) for a, r in zip(labelled, results, strict=True)]
    wrong_unflagged = [not ok and not r.needs_review for ok, r in zip(right, results, strict=True)]
    plain = [i for i, a in enumerate(labelled) if "typo_collision" not in a.kinds]
    print(f"match_unfiltered_addresses: {len(labelled)}")
    print(f"accuracy_unfiltered: {100 * sum(right) / len(labelled):.2f} %")
    print(f"confident_wrong_unfiltered: {100 * sum(wrong_unflagged) / len(labelled):.2f} %")
    print(f"accuracy_unfiltered_without_collisions: {100 * sum(right[i] for i in plain) / len(plain):.2f} %")
    wrong_plain = sum(wrong_unflagged[i] for i in plain)
    print(f"confident_wrong_unfiltered_without_collisions: {100 * wrong_plain / len(plain):.2f} %")
    print(f"needs_review_unfiltered: {100 * sum(r.needs_review for r in results) / len(results):.2f} %")
    print(f"addresses_matched_per_second_unfiltered: {rate:.0f} /s")
    print(f"addresses_matched_per_cpu_second_unfiltered: {cpu_rate:.0f} /s")
    by_kind, right_by_kind = Counter[str](), Counter[str]()
    for address, ok in zip(labelled, right, strict=True):
        by_kind.update(address.kinds)
        right_by_kind.update(address.kinds if ok else ())
    for kind, count in sorted(by_kind.items()):
        print(f"  unfiltered_accuracy_{kind}: {100 * right_by_kind[kind] / count:.1f} % (of {count})")


def _rate(rows: list[PlateRow], texts: list[str]) -> tuple[float, float]:
    """Addresses matched per second of the clock and per second of this process's CPU time (on
    a shared machine the two part ways), each round by a fresh matcher: what it remembers of the
    street texts it has seen must not flatter the figure."""
    seconds, cpu_seconds = 0.0, 0.0
    for _ in range(SPEED_ROUNDS):
        matcher = AddressMatcher(rows)
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            matcher.match(text)
        seconds += time.perf_counter() - started
        cpu_seconds += time.process_time() - cpu_started
    count = SPEED_ROUNDS * len(texts)
    return count / seconds, count / max(cpu_seconds, 1e-9)


def _is_right(address: LabelledAddress, result: MatchResult) -> bool:
    if not address.plate_code:
        return result.needs_review
    return result.best is not None and result.best.plate_code == address.plate_code
