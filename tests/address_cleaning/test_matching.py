"""地址清洗: free-text legacy addresses matched to standard plates."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.address_cleaning.matching import AddressMatcher, build_matcher, index_fingerprint
from shared.demo import build_demo_town
from shared.models import RecordStatus, Street
from tests.address_cleaning.conftest import Codes
from tests.address_cleaning.noise import messy_addresses, rename_some_streets
from tests.factories import make_plate


@pytest.mark.parametrize(
    ("text", "village", "street", "number"),
    [
        ("麻一村麻涌大道12号", "麻一村", "麻涌大道", "12"),
        ("东莞市麻涌镇麻一村麻涌大道12号之一", "麻一村", "麻涌大道", "12之一"),
        ("麻涌镇麻一村麻涌大道十二号", "麻一村", "麻涌大道", "12"),
        ("广东省东莞市麻涌麻涌大道15号首层", "麻一村", "麻涌大道", "15"),  # 15 only in 麻一村
        ("麻一村麻涌大道12号之1", "麻一村", "麻涌大道", "12之一"),
        ("麻涌大道12-1号", "麻一村", "麻涌大道", "12之一"),
        ("麻二村麻涌大道１２号", "麻二村", "麻涌大道", "12"),
        ("麻涌大道一百零五号", "麻一村", "麻涌大道", "105"),
        ("古梅路两号", "麻一村", "古梅路", "2"),
        ("麻湧鎮麻一村麻湧大道12號", "麻一村", "麻涌大道", "12"),  # traditional characters
        ("古梅路3号3楼301室", "麻一村", "古梅路", "3"),
        ("古梅路3号A栋", "麻一村", "古梅路", "3"),
        ("古梅路3号旁", "麻一村", "古梅路", "3"),
        ("古梅路3号铺位", "麻一村", "古梅路", "3"),
        ("古梅路 4 号", "麻一村", "古梅路", "4"),
        ("（麻一村）古梅路，4号", "麻一村", "古梅路", "4"),
        ("古梅路5", "麻一村", "古梅路", "5"),
        ("麻涌大道13号（麻一村）", "麻一村", "麻涌大道", "13"),
        ("麻二麻涌大道3号", "麻二村", "麻涌大道", "3"),  # the village's short name
        ("麻一村麻涌大到12号", "麻一村", "麻涌大道", "12"),  # one wrong character
        ("麻一村麻涌道12号", "麻一村", "麻涌大道", "12"),  # one missing
        ("麻一村麻涌大大道12号", "麻一村", "麻涌大道", "12"),  # one extra
        ("古梅璐1号", "麻一村", "古梅路", "1"),
        ("麻一十二巷2号", "麻一村", "麻一十二巷", "2"),  # not 麻一十一巷, one numeral away
        ("麻一十一巷三号", "麻一村", "麻一十一巷", "3"),
        ("麻一十二三号", "麻一村", "麻一十二巷", "3"),  # 巷 left out: 十二 is the lane's, 三 the number
        ("古梅路4号之1101房", "麻一村", "古梅路", "4之一"),  # 之1, then room 101
        ("麻一村麻一村路2号", "麻一村", "麻一新村路", "2"),  # the slip made the village's name
    ],
)
def test_messy_text_finds_the_right_plate(
    matcher: AddressMatcher, codes: Codes, text: str, village: str, street: str, number: str
) -> None:
    result = matcher.match(text)
    assert result.best is not None
    assert result.best.plate_code == codes[(village, street, number)]
    assert result.best.village == village


def test_exact_address_scores_one_and_needs_no_review(matcher: AddressMatcher, codes: Codes) -> None:
    result = matcher.match("东莞市麻涌镇麻一村麻涌大道12号之一")
    assert result.best is not None
    assert (result.best.address, result.best.score, result.needs_review) == ("麻涌大道 12号之一", 1.0, False)


def test_scores_fall_from_exact_to_typo_to_wrong_number(matcher: AddressMatcher) -> None:
    exact, typo, wrong_number = (matcher.match(text).best for text in ("古梅路3号", "古梅璐3号", "古梅路9号"))
    assert exact is not None and typo is not None and wrong_number is not None
    assert exact.score == 1.0 > typo.score >= 0.75 > wrong_number.score
    assert wrong_number.address == "古梅路 5号"  # the nearest number on the street, for a person


def test_a_street_in_two_villages_without_the_village_needs_review(
    matcher: AddressMatcher, codes: Codes
) -> None:
    result = matcher.match("麻涌大道12号")
    assert result.best is not None and result.needs_review
    both = {codes[("麻一村", "麻涌大道", "12")], codes[("麻二村", "麻涌大道", "12")]}
    assert {result.best.plate_code, result.candidates[0].plate_code} == both


def test_the_wrong_village_is_penalised(matcher: AddressMatcher, codes: Codes) -> None:
    result = matcher.match("麻二村古梅路3号")
    assert result.best is not None
    assert result.best.plate_code == codes[("麻一村", "古梅路", "3")]
    assert result.best.score < 0.75 and result.needs_review


def test_a_missing_sub_number_offers_the_main_number_for_review(
    matcher: AddressMatcher, codes: Codes
) -> None:
    result = matcher.match("古梅路3号之一")
    assert result.best is not None and result.best.plate_code == codes[("麻一村", "古梅路", "3")]
    assert result.needs_review


def test_candidates_are_at_most_five_and_ordered(matcher: AddressMatcher) -> None:
    result = matcher.match("麻涌大道12号")
    scores = [c.score for c in result.candidates]
    assert len(result.candidates) <= 5 and scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "12号", "号号号", "麻涌大道", "随便写写123号", "x" * 100_000, "麻" * 5_000 + "12号",
     "\x00\x01\x02", "🏠🏠 12号", "=HYPERLINK(\"http://x\")", "一二三四五六七八九十百千号", None, 12345],
    ids=lambda v: repr(v)[:20],
)  # fmt: skip
def test_garbage_gets_no_plate_and_needs_review(matcher: AddressMatcher, text: object) -> None:
    result = matcher.match(text)
    assert result.best is None and result.candidates == [] and result.needs_review


def test_a_former_street_name_still_matches_after_a_rename(session: Session, codes: Codes) -> None:
    street = session.query(Street).filter_by(name="新港路").one()
    street.name, street.aliases = "新港大道", ["新港路"]
    session.commit()
    matcher = build_matcher(session)
    old, new = matcher.match("麻二村新港路2号"), matcher.match("新港大道2号")
    assert old.best is not None and new.best is not None
    assert old.best.plate_code == new.best.plate_code == codes[("麻二村", "新港路", "2")]
    assert old.best.address == "新港大道 2号"  # the standard address carries the current name
    assert new.best.score == 1.0 > old.best.score >= 0.75 and not old.needs_review


def test_retired_plates_are_not_matched(session: Session, codes: Codes) -> None:
    street = session.query(Street).filter_by(name="古梅路").one()
    make_plate(session, street=street, number="6", code="RETIRED0006", status=RecordStatus.RETIRED)
    session.commit()
    result = build_matcher(session).match("古梅路6号")
    assert result.best is not None and result.best.plate_code != "RETIRED0006"
    assert result.needs_review


def test_the_matcher_works_without_the_database(session: Session, codes: Codes) -> None:
    matcher = build_matcher(session)
    session.close()
    assert matcher.match("古梅路1号").best is not None
    assert matcher.plate_count == len(codes)


def test_an_empty_town_matches_nothing(session: Session) -> None:
    matcher = build_matcher(session)
    assert matcher.plate_count == 0 and matcher.match("麻涌大道12号").best is None


def test_the_fingerprint_changes_with_a_rename(session: Session, codes: Codes) -> None:
    before = index_fingerprint(session)
    assert index_fingerprint(session) == before
    session.query(Street).filter_by(name="新港路").one().aliases = ["旧港路"]
    session.flush()
    assert index_fingerprint(session) != before


# -- the labelled set ------------------------------------------------------------------------------


@pytest.fixture
def demo(session: Session) -> Session:
    """The small demo town, a tenth of its streets renamed, and a 之一 plate squeezed in on five
    streets (the small town has none of its own)."""
    build_demo_town(session, scale="small", seed=2026)
    rename_some_streets(session, share=0.1)
    for street in session.scalars(select(Street).order_by(Street.id).limit(5)):
        make_plate(session, street=street, number="1之一", code=f"SUB{street.id:07d}")
    session.commit()
    return session


def test_labelled_set_is_deterministic_and_covers_every_noise(demo: Session) -> None:
    first = messy_addresses(demo, count=600, seed=7)
    assert first == messy_addresses(demo, count=600, seed=7)
    kinds = {k for a in first for k in a.kinds}
    assert kinds >= {"town", "village", "village_after", "village_short", "alias", "typo", "chinese_numeral",
                     "fullwidth", "sub_number", "no_hao", "unit", "spacing"}  # fmt: skip


def test_top1_accuracy_on_the_labelled_set_is_at_least_90_percent(demo: Session) -> None:
    labelled = messy_addresses(demo, count=600, seed=2026)
    matcher = build_matcher(demo)
    right = sum(
        (r := matcher.match(a.text)).best is not None and r.best.plate_code == a.plate_code for a in labelled
    )
    assert len(labelled) >= 500
    assert right / len(labelled) >= 0.90
