"""Character error rate: exact edit distance over NFC text with whitespace folded."""

from __future__ import annotations

import random
import unicodedata

import pytest

from pipeline.evaluate.cer import CerScore, join_lines, levenshtein, normalize_text, score, total


def _reference(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_levenshtein_matches_the_textbook_recurrence() -> None:
    rng = random.Random(4)
    alphabet = "aăâbđêôơư ỦỹẠ"
    for _ in range(300):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert levenshtein(a, b) == _reference(a, b), (a, b)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "", 3), ("", "xy", 2), ("kitten", "sitting", 3), ("Nguyễn", "Nguyen", 1)],
)
def test_known_distances(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance


def test_decomposed_accents_and_whitespace_do_not_count() -> None:
    truth = "Họ và tên: NGUYỄN VĂN AN\nNgày sinh: 01/02/1990"
    found = unicodedata.normalize("NFD", "Họ  và tên:\tNGUYỄN VĂN AN\n\n  Ngày sinh: 01/02/1990 ")
    assert score(found, truth) == CerScore(edits=0, length=len(normalize_text(truth)))


def test_reading_order_matters() -> None:
    """Lines OCR'd out of order are errors: the comparison is not a bag of lines."""
    lines = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    swapped = "\n".join(reversed(lines))
    assert score(swapped, join_lines(lines)).cer > 0.5


def test_cer_is_edits_over_truth_length() -> None:
    result = score("Số: 12/2O24", "Số: 12/2024")
    assert (result.edits, result.length) == (1, 11)
    assert result.cer == pytest.approx(1 / 11)
    assert score("rác", "").cer == 1.0 and score("", "").cer == 0.0


def test_pooled_total_weights_long_pages() -> None:
    pooled = total([CerScore(edits=1, length=10), CerScore(edits=0, length=990)])
    assert pooled.cer == pytest.approx(0.001)
