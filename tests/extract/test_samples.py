"""The 10 real sample reports against their hand-checked gold records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.score import score_case
from service.batch import extract_file
from service.config import Settings
from tests.conftest import GOLD, SAMPLES

GOLD_FILES = sorted(GOLD.glob("*.json"))


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_sample_matches_gold(gold_path: Path, settings: Settings) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    source = next(SAMPLES.glob(gold_path.stem + ".*"))
    record = extract_file(source, settings).to_json_dict()
    score = score_case(gold_path.stem, "samples", record, gold)
    assert score.wrong == []
    assert score.cells >= 180
    assert dict(score.fp) == dict.fromkeys(score.fp, 0), f"unexpected findings: {record['findings']}"
    assert dict(score.fn) == dict.fromkeys(score.fn, 0), f"missed findings, got {record['findings']}"
    assert record["status"] == gold["expected_status"]


def test_all_ten_samples_have_gold() -> None:
    stems = {p.stem for p in SAMPLES.iterdir()}
    assert {p.stem for p in GOLD_FILES} == stems
    assert len(stems) == 10


def test_run_together_digits_are_split_by_the_identities(settings: Settings) -> None:
    record = extract_file(next(SAMPLES.glob("pingtan*")), settings).to_json_dict()
    apps = record["applications"]
    assert apps["new_received"] == {
        "natural_person": 80,
        "commercial_enterprise": 1,
        "research_institution": 0,
        "public_interest_org": 0,
        "legal_service_org": 0,
        "other_org": 0,
        "total": 81,
    }
    assert apps["granted"]["natural_person"] == 22 and apps["partially_granted"]["total"] == 20
    ev = record["evidence"]["applications.new_received.natural_person"]
    assert ev["raw"] == "80" and ev["method"] == "template"
    assert record["status"] == "needs_review"
    ambiguous = [f for f in record["findings"] if f["rule"] == "AMBIGUOUS"]
    assert ambiguous and set(ambiguous[0]["cells"]) == {
        "active_disclosure.normative_documents.repealed",
        "active_disclosure.normative_documents.in_force",
    }
    assert record["active_disclosure"]["normative_documents"]["repealed"] is None  # never guessed
    assert record["active_disclosure"]["normative_documents"]["issued"] == 77  # fixed by the prose


def test_prose_decides_between_table_two_readings(settings: Settings) -> None:
    record = extract_file(next(SAMPLES.glob("hebei*")), settings).to_json_dict()
    assert record["active_disclosure"]["normative_documents"] == {"issued": 1, "repealed": 1, "in_force": 53}


def test_pdf_numbers_before_labels_and_table_across_pages(settings: Settings) -> None:
    record = extract_file(next(SAMPLES.glob("hongze*")), settings).to_json_dict()
    apps = record["applications"]
    assert apps["unable_needs_creation"]["total"] == 1  # value row printed before its label, on page 4
    assert apps["not_processed_mass_repeated"]["total"] == 0
    assert apps["other_handling"]["total"] == 0 and "other_no_amendment" not in apps
    assert record["evidence"]["applications.unable_not_held.total"]["page"] == 3
    assert record["evidence"]["applications.unable_needs_creation.total"]["page"] == 4
    assert {f["rule"] for f in record["findings"]} == {"TX-NEW", "SHAPE"}


def test_blank_review_cells_are_null_not_zero(settings: Settings) -> None:
    record = extract_file(next(SAMPLES.glob("002_*")), settings).to_json_dict()
    assert record["reviews"]["administrative_review"] == dict.fromkeys(
        ("upheld", "corrected", "other", "pending", "total")
    )
    assert record["reviews"]["litigation_direct"]["total"] == 0
