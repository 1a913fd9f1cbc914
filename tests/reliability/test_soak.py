"""The reliability soak at its reduced size (CI, `make test-slow`): real processes killed with
SIGKILL, the fault proxy, a rogue machine and a restore from a copy; the oracle must find nothing
lost, duplicated, stuck or missing. `make reliability` runs the full size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.soak import main

pytestmark = pytest.mark.slow


@pytest.mark.timeout(900)
def test_reduced_soak_loses_duplicates_and_strands_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = os.environ.get("SOAK_SEED", "13")
    status = main(["--records", os.environ.get("SOAK_REDUCED_RECORDS", "300"),
                   "--kills", "10", "--windows", "3", "--seed", seed, "--minutes", "10",
                   "--dir", str(tmp_path / "soak")])
    printed = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + printed)
    assert status == 0, printed
