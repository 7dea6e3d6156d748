"""Address cleaning: top-1 accuracy on a labelled set of messy addresses and addresses matched per
second, against the town-scale demo (about 19,000 plates).

The town is built into a fresh SQLite file; 5 % of its streets get a former name (as after a
rename) so old names are part of the test. The labelled set comes from `tests.address_cleaning.noise`,
which knows nothing of the matcher. `matcher_build_seconds` is the one database read.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from shared.address_cleaning.matching import build_matcher
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from tests.address_cleaning.noise import messy_addresses, rename_some_streets

LABELLED = 2_000
SPEED_ROUNDS = 5  # the set is matched this many times for the rate
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
            started = time.perf_counter()
            matcher = build_matcher(session)
            build_seconds = time.perf_counter() - started
        engine.dispose()

    results = [matcher.match(a.text) for a in labelled]
    started = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        for address in labelled:
            matcher.match(address.text)
    rate = SPEED_ROUNDS * len(labelled) / (time.perf_counter() - started)

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
    print(f"matcher_build_seconds: {build_seconds:.2f} s")
    for kind, count in sorted(by_kind.items()):
        print(f"  accuracy_{kind}: {100 * (count - wrong_by_kind[kind]) / count:.1f} % of {count}")
