"""Fecha compromiso: N días hábiles after the capture date (weekends, LFT art. 74, municipio)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.bundles.apply import parse_payload
from desktop.bundles.signing import bundle_payload, read_bundle_file
from desktop.demo import DEMO_BUNDLE_PATH
from desktop.documents.business_days import add_business_days, federal_rest_days


@pytest.mark.parametrize(("start", "days", "due"), [
    (date(2026, 11, 6), 1, date(2026, 11, 9)),     # Friday → Monday, across the weekend
    (date(2026, 11, 7), 0, date(2026, 11, 7)),     # Inmediato: the capture date, even a Saturday
    (date(2026, 11, 4), 5, date(2026, 11, 11)),    # a whole week
    (date(2026, 9, 15), 1, date(2026, 9, 17)),     # 16 Sep (Wednesday) is skipped
    (date(2026, 9, 11), 3, date(2026, 9, 17)),     # weekend and 16 Sep together
    (date(2026, 11, 13), 1, date(2026, 11, 17)),   # weekend, then 16 Nov (third Monday)
    (date(2026, 11, 23), 15, date(2026, 12, 14)),  # the sample acuse
    (date(2026, 12, 24), 1, date(2026, 12, 28)),   # 25 Dec
    (date(2026, 12, 31), 1, date(2027, 1, 4)),     # 1 Jan, then the weekend
    (date(2027, 1, 29), 1, date(2027, 2, 2)),      # first Monday of February
    (date(2027, 3, 12), 1, date(2027, 3, 16)),     # third Monday of March (15 Mar 2027)
    (date(2026, 4, 30), 1, date(2026, 5, 4)),      # 1 May (Friday), then the weekend
    (date(2030, 9, 30), 1, date(2030, 10, 2)),     # 1 Oct 2030: the executive changes
    (date(2031, 9, 30), 1, date(2031, 10, 1)),     # …but not in 2031
])
def test_worked_examples(start: date, days: int, due: date) -> None:
    assert add_business_days(start, days) == due


def test_the_municipalitys_dias_inhabiles_are_skipped_too() -> None:
    assert add_business_days(date(2026, 11, 9), 1, [date(2026, 11, 10)]) == date(2026, 11, 11)
    assert add_business_days(date(2026, 11, 9), 0, [date(2026, 11, 9)]) == date(2026, 11, 9)


def test_federal_rest_days_of_2030() -> None:
    assert federal_rest_days(2030) == {
        date(2030, 1, 1), date(2030, 2, 4), date(2030, 3, 18), date(2030, 5, 1),
        date(2030, 9, 16), date(2030, 10, 1), date(2030, 11, 18), date(2030, 12, 25)}
    assert date(2036, 10, 1) in federal_rest_days(2036)
    assert date(2018, 12, 1) in federal_rest_days(2018)


def test_a_negative_plazo_is_refused() -> None:
    with pytest.raises(ValueError):
        add_business_days(date(2026, 11, 9), -1)


def test_dias_inhabiles_are_optional_and_old_bundles_keep_their_bytes() -> None:
    payload, _ = read_bundle_file(DEMO_BUNDLE_PATH)
    bundle = parse_payload(payload)
    assert bundle.dias_inhabiles == []
    assert bundle_payload(bundle) == payload  # the signed bytes are unchanged
    with_days = bundle.model_copy(update={"dias_inhabiles": [date(2026, 12, 12)]})
    assert b'"dias_inhabiles":["2026-12-12"]' in bundle_payload(with_days)
