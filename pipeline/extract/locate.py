"""Find where each field's value is written: label hits, sections, value spans.

Every label of a type (field labels, section starts, stops) is searched on every line; the
longest non-overlapping hits win. A value runs from its label to the next label on the same
line — which splits ``Giới tính: Nam  Dân tộc: Kinh`` — or, when nothing follows the label, is
the next line. A label repeated right after itself (``Ngày sinh / Date of birth:``) is skipped,
so the English half never leaks into the value. Sections (husband/wife, child/mother/father)
follow the reading order, or the column when one line opens two sections side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from pipeline.extract.match import Match, Phrase, find_all, phrase
from pipeline.extract.normalize import normalize, normalize_name
from pipeline.extract.spec import MAIN, DocRules, FieldSpec, Kind, Label, LabelLike, as_label
from pipeline.extract.text import LineView
from pipeline.syllables import is_syllable

_LEAD = " \t:;.,/|\\-–—_•·*~=>"
_TRAIL = " \t:;,/|\\-–—_•·*~=<"
_COLUMN_SLACK_PX = 40
_NEXT_LINES = 2
_WIDE_GAP = 1.0  # word heights of blank space that separate two columns of a line
_LONG_LABEL = 12
_LABEL_BEFORE = frozenset(":;.,/|)]")
_LABEL_AFTER = frozenset(":;.,/|")


@dataclass
class _Entry:
    label: Label
    phrase: Phrase
    fields: list[FieldSpec] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


@dataclass
class _Hit:
    line: int
    start: int
    end: int
    cstart: int
    cend: int
    distance: int
    entry: _Entry
    x: int
    section: str = MAIN
    field: FieldSpec | None = None


@dataclass(frozen=True)
class RawValue:
    """A value's text as printed, where it is (line index, start, end), and which rule found it."""

    text: str
    parts: tuple[tuple[int, int, int], ...]
    rule: str


@lru_cache(maxsize=64)
def _table(rules: DocRules) -> tuple[_Entry, ...]:
    entries: dict[tuple[str, bool, bool], _Entry] = {}

    def add(label_like: LabelLike, spec: FieldSpec | None = None, section: str = "") -> None:
        label = as_label(label_like)
        p = phrase(label.text, label.anchored)
        entry = entries.setdefault((p.compact, label.anchored, label.weak), _Entry(label, p))
        if spec is not None and spec not in entry.fields:
            entry.fields.append(spec)
        if section and section not in entry.sections:
            entry.sections.append(section)

    for spec in rules.fields:
        for label_like in spec.labels:
            add(label_like, spec=spec)
    for sec in rules.sections:
        for label_like in sec.starts:
            add(label_like, section=sec.name)
    for label_like in rules.stops:
        add(label_like)
    return tuple(entries.values())


def _in_context(line: LineView, m: Match, p: Phrase) -> bool:
    """Does this hit sit where labels sit, rather than inside a value?

    Inside a line a label follows punctuation or a wide gap, or is followed by a colon or the
    "/" of a bilingual label (``NGUYỄN NAM SINH`` holds no "Năm sinh" label). A label matched
    only with wrong letters must also be followed by punctuation or a gap, and ends a line only
    if it is long: names are often a letter or two from a label (``HỒ TIẾN`` / "Họ tên",
    ``NGUYỄN QUANG`` / "Nguyên quán").
    """
    before = line.text[: m.start].rstrip()
    after = line.text[m.end :].lstrip()
    if (
        before
        and before[-1] not in _LABEL_BEFORE
        and line.gap_before(m.start) < _WIDE_GAP
        and after[:1] not in (":", ";", "/")
    ):
        return False
    if m.distance == 0:
        return True
    if not after:
        return len(p.compact) >= _LONG_LABEL
    return after[0] in _LABEL_AFTER or line.gap_after(m.end) >= _WIDE_GAP


def _line_hits(line: LineView, index: int, table: tuple[_Entry, ...]) -> list[_Hit]:
    found: list[_Hit] = []
    per_phrase = find_all(line, [entry.phrase for entry in table])
    for entry, matches in zip(table, per_phrase, strict=True):
        for m in matches:
            if not _in_context(line, m, entry.phrase):
                continue
            x = line.left_at(m.start)
            found.append(_Hit(index, m.start, m.end, m.cstart, m.cend, m.distance, entry, x))
    chosen: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (h.cstart - h.cend, h.distance, h.cstart)):
        if all(hit.cend <= c.cstart or hit.cstart >= c.cend for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.cstart)


def _pick(active: list[tuple[str, int]], x: int) -> str:
    """The section whose column starts at or left of ``x``."""
    if len(active) == 1:
        return active[0][0]
    left = [name for name, col in active if col <= x + _COLUMN_SLACK_PX]
    return left[-1] if left else active[0][0]


def _assign_sections(per_line: list[list[_Hit]]) -> None:
    active: list[tuple[str, int]] = [(MAIN, 0)]
    for hits in per_line:
        starts = [(name, h.x) for h in hits for name in h.entry.sections]
        if len({name for name, _ in starts}) > 1:
            active = sorted(starts, key=lambda s: s[1])
            for h in hits:
                h.section = _pick(active, h.x)
        else:
            for h in hits:
                if h.entry.sections:
                    active = [(h.entry.sections[0], h.x)]
                h.section = _pick(active, h.x)
        for h in hits:
            h.field = next(
                (f for f in h.entry.fields if f.section is None or f.section == h.section), None
            )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    gap = text[start:end]
    stripped = gap.lstrip()
    if stripped.startswith("/"):  # the rest of a bilingual label, e.g. "/ Place of orign:"
        colon = stripped.find(":", 0, 48)
        start = start + len(gap) - len(stripped) + colon + 1 if colon >= 0 else end
    while start < end and text[start] in _LEAD:
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    return start, end


def _skip_same(hits: list[_Hit], j: int, pos: int, text: str, spec: FieldSpec) -> tuple[int, int]:
    """Step over further labels of the same field directly after ``pos`` (bilingual labels)."""
    while j < len(hits):
        h = hits[j]
        s, e = _trim(text, pos, h.start)
        if s < e or h.field is None or h.field.name != spec.name:
            break
        pos, j = h.end, j + 1
    return pos, j


class _Doc:
    def __init__(self, lines: list[LineView], per_line: list[list[_Hit]]) -> None:
        self.lines = lines
        self.per_line = per_line

    def segment(self, li: int, j: int, pos: int, spec: FieldSpec) -> tuple[int, int, int]:
        """(start, end, index of the next hit) of the text after ``pos`` on line ``li``."""
        hits, text = self.per_line[li], self.lines[li].text
        pos, j = _skip_same(hits, j, pos, text, spec)
        end = hits[j].start if j < len(hits) else len(text)
        s, e = _trim(text, pos, end)
        return s, e, j

    def _label_remnant(self, li: int, s: int, e: int, spec: FieldSpec) -> bool:
        """Is the text after a name's label the misread rest of that label (``khai søth /
        Surname. middle name…``) while the next line holds a name? Names only: there an
        unspellable word cannot be a value, and the name printed below the label is the one."""
        if spec.kind is not Kind.NAME or not spec.next_line or li + 1 >= len(self.lines):
            return False
        if _spellable_name(self.lines[li].text[s:e]):
            return False
        ns, ne, nxt = self.segment(li + 1, 0, 0, spec)
        return nxt == 0 and ns < ne and _spellable_name(self.lines[li + 1].text[ns:ne])

    def value(self, hit: _Hit) -> RawValue | None:
        spec = hit.field
        if spec is None:
            return None
        li = hit.line
        j = self.per_line[li].index(hit) + 1
        s, e, nxt = self.segment(li, j, hit.end, spec)
        parts: list[tuple[int, int, int]] = []
        if s < e and not self._label_remnant(li, s, e, spec):
            parts.append((li, s, e))
        elif spec.next_line:
            for lj in range(li + 1, min(li + 1 + _NEXT_LINES, len(self.lines))):
                s, e, nxt = self.segment(lj, 0, 0, spec)
                if s < e:
                    parts.append((lj, s, e))
                    break
                if nxt < len(self.per_line[lj]):
                    break  # another label opens the line: the value is absent
        if not parts:
            return None
        last = parts[-1][0]
        if nxt >= len(self.per_line[last]):  # the value ran to the end of its line
            for lk in range(last + 1, min(last + spec.max_lines, len(self.lines))):
                if self.per_line[lk]:
                    break
                s, e = _trim(self.lines[lk].text, 0, len(self.lines[lk].text))
                if s < e:
                    p_li, p_s, _ = parts[-1]  # keep the comma that ended the previous line
                    parts[-1] = (p_li, p_s, len(self.lines[p_li].text.rstrip()))
                    parts.append((lk, s, e))
        text = " ".join(self.lines[p].text[s:e] for p, s, e in parts)
        return RawValue(text, tuple(parts), f"label:{hit.entry.label.text}")


def _spellable_name(text: str) -> bool:
    """A name whose every word is a Vietnamese syllable (either tone placement)."""
    name = normalize_name(text)
    return name is not None and all(is_syllable(word) for word in name.split())


def _plausible(kind: Kind, text: str) -> bool:
    """Is ``text`` worth a weak label? (``Số`` before a number, not before an address.)"""
    tokens = [t.strip(_LEAD) for t in text.split()]
    if kind is Kind.ID_NUMBER:
        if any(len(t) <= 14 and sum(c.isdigit() for c in t) >= 6 for t in tokens):
            return True  # a number, possibly misread: read (and flagged) as the field's value
        lead = "".join(t for t in tokens[:4] if t.isdigit())
        return len(lead) in (9, 12) and tokens[0].isdigit()
    if kind is Kind.DOC_NUMBER:
        first = re.sub(r"\s*/\s*", "/", text).split()[:1]
        return (
            bool(first)
            and any(c.isdigit() for c in first[0])
            and ("/" in first[0] or len(tokens) == 1)
        )
    return normalize(kind, text) is not None


def _drop_weak(doc: _Doc) -> None:
    changed = True
    while changed:
        changed = False
        for hits in doc.per_line:
            for hit in list(hits):
                if not hit.entry.label.weak:
                    continue
                raw = doc.value(hit)
                if hit.field is None or raw is None or not _plausible(hit.field.kind, raw.text):
                    hits.remove(hit)
                    changed = True


def _pattern_values(lines: list[LineView], spec: FieldSpec) -> list[RawValue]:
    found: list[RawValue] = []
    for li, line in enumerate(lines):
        for rx in spec.patterns:
            for m in re.finditer(rx, line.folded):
                s, e = line.folded_to_text(m.start(), m.end())
                found.append(RawValue(line.text[s:e], ((li, s, e),), "pattern"))
    return found[::-1] if spec.pick_last else found


class Located(NamedTuple):
    """Candidate raw values per field, and the fields whose label is printed on the page."""

    values: dict[str, list[RawValue]]
    labelled: frozenset[str]


def locate(lines: list[LineView], rules: DocRules) -> Located:
    """Candidate raw values of every field of ``rules``, best first (reading order)."""
    table = _table(rules)
    per_line = [_line_hits(line, i, table) for i, line in enumerate(lines)]
    _assign_sections(per_line)
    doc = _Doc(lines, per_line)
    _drop_weak(doc)
    found: dict[str, list[RawValue]] = {spec.name: [] for spec in rules.fields}
    for hits in per_line:
        for hit in hits:
            if hit.field is not None and (raw := doc.value(hit)) is not None:
                found[hit.field.name].append(raw)
    for spec in rules.fields:
        if not found[spec.name] and spec.patterns:
            found[spec.name] = _pattern_values(lines, spec)
    labelled = frozenset(hit.field.name for hits in per_line for hit in hits if hit.field)
    return Located(found, labelled)
