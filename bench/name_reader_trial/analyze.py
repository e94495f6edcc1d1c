"""Step 3: score sohoa, asterocr (each input variant) and the combination rules on the names.

    .venv/bin/python bench/name_reader_trial/analyze.py \
        /tmp/ntrial/names.jsonl /tmp/ntrial/aster.jsonl [VARIANT]

VARIANT (e.g. ``train/tight``) picks the asterocr reading used for the combination and for the
per-profile/face tables (default: the variant with most names exact).

asterocr's output goes through sohoa's own name normaliser (normalize_name: NFC, stray
punctuation dropped, upper case), as it would if it fed the pipeline. "Flagged" is field level:
a review reason names the field (``<field>:...``); "doc" is the whole document in review, which
is what ``sohoa eval fields`` counts as flagged.

Combination rules (never invent: asterocr may only move marks on letters sohoa read):
- ``marks``: take asterocr's reading when it has the same letters as sohoa's (word by word, after
  removing every mark, Đ → D) and every syllable is spellable (pipeline.syllables.is_syllable);
- ``marks+known``: as ``marks``, and asterocr's reading is a name the name model does not doubt
  (pipeline.names.doubts == []);
- ``doubted``: as ``marks+known``, only for names sohoa itself sends to review (name_uncertain);
- ``doubted+spaces``: as ``doubted``, and the letters may also be split differently into words
  (VŨ THANHLONG → VŨ THANH LONG): same letters once marks and spaces are removed.
A changed name keeps sohoa's other reasons and gets ``name_uncertain`` iff the name model
doubts it; an unchanged one keeps sohoa's flags. ``+disagree``: the field also goes to review
whenever the two readers still disagree after the rule.
A card name read from the QR code (rule ``qr``) is kept as is: exact data.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pipeline.evaluate.cer import levenshtein
from pipeline.extract.normalize import normalize_name
from pipeline.names import doubts, fold_marks
from pipeline.syllables import is_syllable

RULES = ("marks", "marks+known", "doubted", "doubted+spaces")
REPORTED = "doubted+spaces"


def norm(text: str | None) -> str:
    return (normalize_name(text) or "") if text else ""


def same_letters(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    return all(fold_marks(x) == fold_marks(y) for x, y in zip(wa, wb, strict=True))


def same_letters_spaced(a: str, b: str) -> bool:
    return fold_marks(a.replace(" ", "")) == fold_marks(b.replace(" ", ""))


def load(names: Path, aster: Path) -> list[dict]:
    rows = [json.loads(line) for line in names.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r.get("field")]
    reads = {(a["doc"], a["field"]): a for a in map(json.loads, aster.read_text().splitlines())}
    for r in rows:
        a = reads[(r["doc"], r["field"])]
        r["aster_raw"] = a["reads"]
        r["aster"] = {k: norm(v) for k, v in a["reads"].items()}
        r["ms"] = a["ms"]
        r["squeezed"] = a["squeezed"]
    return rows


def _aster_reading(variant: str) -> Callable[[dict], str | None]:
    """asterocr's reading of a row in one input variant (bound now, not at the loop's end)."""
    return lambda row: row["aster"].get(variant)


def cer(rows: list[dict], value: Callable[[dict], str | None]) -> float:
    errors = sum(levenshtein(value(r) or "", r["truth"]) for r in rows)
    return errors / sum(len(r["truth"]) for r in rows)


def combine(r: dict, variant: str, rule: str, disagree: bool) -> tuple[str, bool, bool]:
    """(value, field flagged, changed) under a combination rule."""
    if r["rule"] == "qr":
        return r["sohoa"], r["field_flagged"], False
    base = r["ocr_value"] or ""
    other = [x for x in r["reasons"] if not x.endswith(":name_uncertain")]
    flagged = r["field_flagged"]
    a = r["aster"].get(variant, "")
    value, changed = base, False
    alike = same_letters_spaced if rule == "doubted+spaces" else same_letters
    take = bool(base and a and a != base and alike(a, base))
    take = take and all(is_syllable(w) for w in a.split())
    if rule in ("marks+known", "doubted", "doubted+spaces"):
        take = take and not doubts(a)
    if rule in ("doubted", "doubted+spaces"):
        take = take and f"{r['field']}:name_uncertain" in r["reasons"]
    if take:
        value, changed = a, True
        flagged = bool(other) or bool(doubts(a))
    if disagree and a != value:
        flagged = True
    return value, flagged, changed


def doc_flags(rows: list[dict], variant: str, rule: str, disagree: bool) -> dict[str, bool]:
    """Whole document in review under the rule: a reason for another field, or a name flagged."""
    out: dict[str, bool] = {}
    by_doc = defaultdict(list)
    for r in rows:
        by_doc[r["doc"]].append(r)
    for doc, rs in by_doc.items():
        name_fields = {r["field"] for r in rs}
        other = any(x.split(":", 1)[0] not in name_fields for x in rs[0]["doc_reasons"])
        out[doc] = other or any(combine(r, variant, rule, disagree)[1] for r in rs)
    return out


def main(names: Path, aster: Path, variant: str | None) -> None:
    rows = load(names, aster)
    n = len(rows)
    variants = list(next(r for r in rows if r["aster"])["aster"])
    print(
        f"names: {n} in {len({r['doc'] for r in rows})} documents; "
        f"from card QR: {sum(r['rule'] == 'qr' for r in rows)}; "
        f"no printed box: {sum(not r['aster'] for r in rows)}"
    )
    print(f"\n{'reader':34} {'exact':>9} {'%':>6} {'CER%':>6}")

    def line(label, ok, c):
        print(f"{label:34} {ok:>4}/{n:<4} {100 * ok / n:6.2f} {100 * c:6.2f}")

    line(
        "sohoa as shipped",
        sum(r["sohoa"] == r["truth"] for r in rows),
        cer(rows, lambda r: r["sohoa"]),
    )
    line(
        "sohoa print only (QR ignored)",
        sum(r["ocr_value"] == r["truth"] for r in rows),
        cer(rows, lambda r: r["ocr_value"]),
    )
    best = None
    for v in variants:
        ok = sum(r["aster"].get(v) == r["truth"] for r in rows)
        raw = sum(r["aster_raw"].get(v) == r["truth"] for r in rows)
        line(f"asterocr {v} (raw exact {raw})", ok, cer(rows, _aster_reading(v)))
        if best is None or ok > best[0]:
            best = (ok, v)
    assert best is not None, "no asterocr variant read"
    variant = variant or best[1]
    print(
        f"\ncombination with asterocr {variant} (sohoa as shipped: wrong unflagged field "
        f"{sum(r['sohoa'] != r['truth'] and not r['field_flagged'] for r in rows)}, doc "
        f"{sum(r['sohoa'] != r['truth'] and not r['doc_needs_review'] for r in rows)}; "
        f"right but flagged {sum(r['sohoa'] == r['truth'] and r['field_flagged'] for r in rows)})"
    )
    print(
        f"{'rule':22} {'exact':>9} {'%':>6} {'fix':>4} {'break':>5} {'wrong-unfl(field/doc)':>22} "
        f"{'right-flagged':>13}"
    )
    for rule in RULES:
        for disagree in (False, True):
            docs = doc_flags(rows, variant, rule, disagree)
            ok = fix = brk = unf = unf_doc = rflag = 0
            for r in rows:
                value, flagged, changed = combine(r, variant, rule, disagree)
                right = value == r["truth"]
                ok += right
                base_right = (r["sohoa"] if r["rule"] == "qr" else r["ocr_value"]) == r["truth"]
                fix += changed and right and not base_right
                brk += changed and base_right and not right
                unf += not right and not flagged
                unf_doc += not right and not docs[r["doc"]]
                rflag += right and flagged
            label = rule + ("+disagree" if disagree else "")
            print(
                f"{label:22} {ok:>4}/{n:<4} {100 * ok / n:6.2f} {fix:>4} {brk:>5} "
                f"{unf:>14}/{unf_doc:<7} {rflag:>13}"
            )
    for key in ("profile", "face"):
        print(f"\nby {key}: sohoa shipped / sohoa print / asterocr {variant} / {REPORTED}")
        groups = defaultdict(list)
        for r in rows:
            groups[r[key]].append(r)
        for g, rs in sorted(groups.items()):
            a = sum(r["sohoa"] == r["truth"] for r in rs)
            b = sum(r["ocr_value"] == r["truth"] for r in rs)
            c = sum(r["aster"].get(variant) == r["truth"] for r in rs)
            d = sum(combine(r, variant, REPORTED, False)[0] == r["truth"] for r in rs)
            print(f"  {g:14} {a:>3} {b:>3} {c:>3} {d:>3} / {len(rs)}")
    ms = [r["ms"][variant] for r in rows if variant in r["ms"]]
    ms_sorted = sorted(ms)
    print(
        f"\nasterocr {variant}: ms per crop (1 thread, preprocess+run+decode): "
        f"median {statistics.median(ms):.1f}, mean {statistics.mean(ms):.1f}, "
        f"p95 {ms_sorted[int(0.95 * (len(ms) - 1))]:.1f}, max {max(ms):.1f}; "
        f"squeezed to 1024 px: {sum(r['squeezed'].get(variant, False) for r in rows)}"
    )
    print(
        "\nnames still wrong (truth | sohoa shipped | sohoa print | asterocr | marks+known "
        "[field flagged])"
    )
    for r in rows:
        value, flagged, _ = combine(r, variant, "marks+known", False)
        if r["sohoa"] != r["truth"] or value != r["truth"] or r["aster"].get(variant) != r["truth"]:
            print(
                f"  {r['doc'][:40]:40} {r['field']:15} {r['truth']} | {r['sohoa']} | "
                f"{r['ocr_value']} | {r['aster'].get(variant)} | {value} [{flagged}]"
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
