"""Fields of a document laid out per Decree 30/2020/NĐ-CP (văn bản hành chính), by layout.

No labels say where these fields are; the layout does. Page 1 opens with two columns: the
parent body and the issuing body over "Số: 12/QĐ-UBND" (and, in a Công văn, "V/v …") on the left,
the national motto over "Hà Nội, ngày … tháng … năm …" on the right; then the kind's title in
capitals with the summary under it. The document ends with "Nơi nhận:" on the left and the
signer block on the right: authority and office in capitals, signature and seal, the name.
``pipeline.layout.reading_order`` has already read each two-column zone column by column.

The number's digits and the day and month are often written by hand over a printed leader. A
value read there is kept silently only when it is clean digits, read with high confidence, in
glyphs no wider than printed ones; otherwise it is flagged ``handwritten`` for a person to read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from pipeline.extract.certified_copy import stamp_index
from pipeline.extract.match import find, phrase
from pipeline.extract.official_words import (
    KIND_TITLES,
    KINDS,
    OFFICIAL_LETTER,
    TITLE_WORDS,
    restore_marks,
)
from pipeline.extract.text import LineView, fold, union_box, words_confidence
from pipeline.names import fold_marks, is_known
from pipeline.places import unit_names, unit_words
from pipeline.syllables import is_syllable, split_tone
from schemas.fields import ExtractedField
from schemas.ocr import OcrDocument, Word

HANDWRITTEN = "handwritten"
"""Issue and review code: a value that may be written by hand; a person reads it."""

SURE_DIGITS = 0.85  # a printed digit Tesseract reads right comes out at 0.9 and above
PRINTED_WIDTH = 0.8  # a printed digit is at most this wide for the capitals' height beside it
HEADER_LINES = 30  # the header, title and summary are within page 1's first lines
LEFT_COLUMN = 0.5  # share of the page width: the left block's words end before it
BLANK_LINE = 0.9  # white space this many letter heights high between lines is a blank line

MOTTO = phrase("Cộng hòa xã hội chủ nghĩa Việt Nam")
MOTTO_SECOND = phrase("Độc lập Tự do Hạnh phúc")
RECIPIENTS = phrase("Nơi nhận", anchored=True)
ADDRESSEE = phrase("Kính gửi", anchored=True)
_COPY_STAMPS = ("saoy", "saoybanchinh", "saoluc", "trichsao", "bansao")
_BODY_STARTS = ("can cu", "kinh gui", "thuc hien", "theo ", "xet ", "nham ", "de ")
_AUTHORITIES = {"kt": "KT.", "tm": "TM.", "tl": "TL.", "tuq": "TUQ.", "q": "Q.", "t/m": "TM."}
_RANKS = ("ts.", "ths.", "pgs.", "gs.", "bs.", "ks.", "ls.", "cn.", "ncs.")
_SYMBOL = re.compile(r"/\s*([A-ZĐ][\wĐđ&.]*(?:\s*-\s*[\wĐđ&.]+)*)")
_NUMBER_WORD = re.compile(r"[s5][o06]")  # "Số" as read: So, S6, 5o
_SUBJECT = re.compile(r"\W*v\s*[/.]\s*[vy]\b")  # "V/v" ("về việc"); OCR gives V/Y too
_WRITTEN_DATE = re.compile(
    r"ng[a-z]{1,3}(?P<d>.{0,8}?)th[a-z]{2,4}(?P<m>.{0,8}?)n[a-z]{1,3}\W{0,3}(?P<y>\d{4})"
)


@dataclass(frozen=True)
class Page:
    """What the reader needs of a page: its size, for columns and the bottom of the page."""

    width: int
    height: int


def _field(
    name: str,
    value: str,
    words: list[Word],
    rule: str,
    *,
    page: int | None = None,
    issues: list[str] | None = None,
) -> ExtractedField:
    return ExtractedField(
        name=name,
        value=value,
        raw=" ".join(w.text for w in words),
        confidence=round(words_confidence(words, mean=True), 4),
        box=union_box(words),
        rule=rule,
        page=page,
        issues=issues or [],
    )


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).strip(" .,:;-_~|'\"“”")


def _left_words(line: LineView, page: Page) -> list[Word]:
    return [w for w in line.words if w.box.left + w.box.width / 2 < LEFT_COLUMN * page.width]


def _right_words(line: LineView, page: Page) -> list[Word]:
    return [w for w in line.words if w.box.left + w.box.width / 2 >= 0.4 * page.width]


def _has(line: LineView, p: object) -> bool:
    return bool(find(line, p))  # type: ignore[arg-type]


def _is_motto(line: LineView) -> bool:
    return _has(line, MOTTO) or _has(line, MOTTO_SECOND)


def _slashes(text: str) -> str:
    """Fraction and division slashes (⁄ ∕), which OCR gives for a slanted "/", as "/"."""
    return text.replace("\u2044", "/").replace("\u2215", "/")


def _number_line(lines: list[LineView]) -> int | None:
    """Index of "Số: 12/QĐ-UBND": "Số" first, then a "/" before a capital letter; "Số" may
    run into handwritten digits ("Sóz2⁄4/TB-ĐHĐL") when the line holds nothing else."""
    for i, line in enumerate(lines):
        head = line.folded.lstrip(" .-_~|'")
        if not _NUMBER_WORD.match(head) or _SYMBOL.search(_slashes(line.text)) is None:
            continue
        if not head[2:3].isalpha() or len(line.words) <= 2:
            return i
    return None


def _printed_digits(words: list[Word], height: float) -> bool:
    """Clean digits read with high confidence in glyphs of printed width."""
    if not words:
        return False
    for word in words:
        digits = sum(c.isdigit() for c in word.text)
        if word.confidence < SURE_DIGITS or digits == 0:
            return False
        if word.text.isdigit() and word.box.width > PRINTED_WIDTH * height * digits:
            return False
    return True


def document_number(line: LineView) -> ExtractedField | None:
    """``1906/SGDĐT-CTrTT`` from "Số: 1906 /SGDĐT-CTrTT"; flagged when the digits look
    handwritten or unreadable (kept as read, digits only)."""
    text = _slashes(line.text)
    match = _SYMBOL.search(text)
    if match is None:
        return None
    symbol = re.sub(r"\s*-\s*", "-", match.group(1)).rstrip(".,;:")
    head = text[: match.start()]
    marker = re.match(r"\W*\w{2}\s*[:.;]?\s*", head)
    raw_number = head[marker.end() :] if marker else head
    digits = re.sub(r"\D", "", raw_number)
    number_words = [w for w in line.words_in(marker.end() if marker else 0, match.start())]
    number_words = [w for w in number_words if any(c.isdigit() for c in w.text)]
    symbol_words = line.words_in(match.start(), match.end())
    height = max((w.box.height for w in symbol_words), default=0)
    clean = bool(re.fullmatch(r"\s*\d{1,5}\s*", raw_number))
    sure = clean and _printed_digits(number_words, height)
    if len(number_words) == 1 and number_words[0] in symbol_words:  # "1906/SGDĐT" as one word
        sure = clean and number_words[0].confidence >= SURE_DIGITS
    value = f"{digits}/{symbol}"
    issues = [] if sure else [HANDWRITTEN]
    return _field(
        "document_number", value, number_words + symbol_words, "decree30.number", issues=issues
    )


def _date_parts(line: LineView) -> tuple[re.Match[str], str] | None:
    match = _WRITTEN_DATE.search(line.folded)
    return (match, line.folded) if match else None


def _part_words(line: LineView, match: re.Match[str], group: str) -> list[Word]:
    start, end = match.span(group)
    if start == end:
        return []
    a, b = line.folded_to_text(start, end)
    return [w for w in line.words_in(a, b) if any(c.isdigit() for c in w.text)]


def _place_words(words: list[Word]) -> list[Word]:
    """The place's words just before "ngày": letters only, back to a number or symbol (the
    line may also hold "Số: 12/UBND" when the two columns were read as one)."""
    kept: list[Word] = []
    for word in reversed(words):
        core = word.text.strip(",.;:")
        if not core or not core.isalpha() or len(kept) == 4:
            break
        kept.insert(0, word)
    return kept


def issue_date(line: LineView) -> tuple[ExtractedField | None, ExtractedField | None]:
    """The place and the date of "Hà Nội, ngày 26 tháng 7 năm 2020"; a day or month that may be
    handwritten leaves the date flagged, or out when unreadable."""
    found = _date_parts(line)
    if found is None:
        return None, None
    match, _ = found
    place = None
    if match.start() > 0:
        end = line.folded_to_text(0, match.start())[1]
        words = _place_words(line.words_in(0, end))
        text = _clean(" ".join(w.text for w in words))
        letters = " ".join(fold_marks(w) for w in text.split())
        text = unit_names().get(letters, text)
        if text and any(c.isalpha() for c in text):
            place = _field("issue_place", text, words, "decree30.place")
    day_raw, month_raw = match.group("d"), match.group("m")
    year = int(match.group("y"))
    words = _part_words(line, match, "d") + _part_words(line, match, "m")
    year_words = line.words_in(*line.folded_to_text(*match.span("y")))
    height = max((w.box.height for w in year_words), default=0)
    clean = all(re.fullmatch(r"\W{0,2}\d{1,2}\W{0,2}", p.strip()) for p in (day_raw, month_raw))
    sure = (
        clean
        and _printed_digits([w for w in words if w.text.isdigit()], height)
        and all(w.confidence >= SURE_DIGITS for w in words)
    )
    try:
        value = date(year, int(re.sub(r"\D", "", month_raw)), int(re.sub(r"\D", "", day_raw)))
    except ValueError:
        value = None
    if value is None:
        return place, None
    issues = [] if sure else [HANDWRITTEN]
    field = _field(
        "issue_date", value.isoformat(), words + year_words, "decree30.date", issues=issues
    )
    return place, field


def _bodies(lines: list[LineView], page: Page) -> tuple[list[str], list[Word]]:
    """The issuing body's lines (and the parent's above it): capitals in the left column."""
    texts: list[str] = []
    words: list[Word] = []
    for line in lines:
        left = _left_words(line, page)
        text = _clean(" ".join(w.text for w in left))
        if not _capitals(text) or re.sub(r"\W", "", fold(text)) in _COPY_STAMPS:
            continue
        texts.append(restore_marks(text))
        words.extend(left)
    return texts, words


def issuing_bodies(lines: list[LineView], page: Page) -> list[ExtractedField]:
    """``parent_body`` and ``issuing_body``: two lines are parent then body, unless the first
    is a council's name alone (ỦY BAN NHÂN DÂN / THÀNH PHỐ ĐÀ NẴNG is one body)."""
    texts, words = _bodies(lines, page)
    if not texts:
        return []
    council = fold_marks(texts[0].replace(" ", "")) in ("uybannhandan", "hoidongnhandan")
    if len(texts) == 1 or council:
        named = [("issuing_body", " ".join(texts[:2]))]
    else:
        named = [("parent_body", texts[0]), ("issuing_body", " ".join(texts[1:3]))]
    found = []
    for name, text in named:
        field = _field(name, text, words, "decree30.body")
        if any(_unreadable(word) for word in text.split()):
            field = field.model_copy(update={"valid": False, "issues": [DOUBTFUL_WORD]})
        found.append(field)
    return found


DOUBTFUL_WORD = "text.doubtful_word"
_ABBREVIATIONS = frozenset({"UBND", "HĐND", "UBMTTQ", "TP", "TX", "TT"})


def _unreadable(word: str) -> bool:
    """A word of a body's name that is no Vietnamese syllable, no abbreviation (no vowel, or a
    known one) and no unit's word: two words run together (CHÍMINH) or a misread."""
    core = word.strip(".,:;()-")
    if len(core) < 4 or not core.isalpha() or core.upper() in _ABBREVIATIONS:
        return False
    if not any(fold_marks(c) in "aeiouy" for c in core.lower()):
        return False  # SGDĐT, CTSV: an abbreviation
    return not is_syllable(core.lower()) and split_tone(core.lower()) not in unit_words()


def _kind_title(line: LineView, symbol: str | None = None) -> str | None:
    """The kind whose title is this whole line, nearest first; on a tie the symbol's kind
    (THÔNG BẢO is one letter from THÔNG BÁO and from THÔNG CÁO; "TB-" decides)."""
    text = _clean(line.text)
    if not _capitals(text):
        return None
    preferred = (_kind_of_symbol(symbol) or "").upper()
    found = [
        (m.distance, title != preferred, title)
        for title in KIND_TITLES
        for m in find(line, phrase(title))
        if (m.cend - m.cstart) >= 0.8 * len(line.compact)
    ]
    return min(found)[2] if found else None


def _is_body_start(line: LineView) -> bool:
    head = line.folded.lstrip(" -–.")
    return head.startswith(_BODY_STARTS) or bool(re.match(r"\d+[.)]", head))


def _centred(line: LineView, page: Page) -> bool:
    box = union_box(line.words)
    if box is None:
        return False
    left, right = box.left, page.width - (box.left + box.width)
    return abs(left - right) < 0.12 * page.width


def _blank_between(upper: LineView, lower: LineView) -> bool:
    """A blank line's worth of space between two lines: the summary has ended."""
    a, b = union_box(upper.words), union_box(lower.words)
    if a is None or b is None:
        return False
    height = max(w.box.height for w in lower.words)
    return b.top - (a.top + a.height) > BLANK_LINE * max(height, 1)


def title_and_summary(
    lines: list[LineView], page: Page, symbol: str | None
) -> list[ExtractedField]:
    """``document_kind`` from the title (or the symbol's kind), ``summary`` under it or after
    "V/v"; a letter with "V/v" and no title is a Công văn."""
    found: list[ExtractedField] = []
    for i, line in enumerate(lines):
        title = _kind_title(line, symbol)
        if title is None:
            continue
        kind = next(k for k in KINDS.values() if k.upper() == title)
        found.append(_field("document_kind", kind, line.words, "decree30.title"))
        summary: list[LineView] = []
        above = line
        for k, nxt in enumerate(lines[i + 1 : i + 5]):
            about = k == 0 and nxt.folded.startswith("ve viec")
            if _is_body_start(nxt) or not (about or _centred(nxt, page)):
                break
            if k > 0 and (_capitals(nxt.text) or _blank_between(above, nxt)):
                break  # the body (or a decision's authority line) after a blank
            summary.append(nxt)
            above = nxt
        if summary:
            text = _clean(" ".join(s.text for s in summary))
            words = [w for s in summary for w in s.words]
            found.append(_field("summary", text, words, "decree30.summary"))
        return found
    for i, line in enumerate(lines):
        if not _SUBJECT.match(line.folded):
            continue
        parts = [_left_words(line, page)]
        for nxt in lines[i + 1 : i + 8]:
            left = _left_words(nxt, page)
            if not left or _is_motto(nxt) or _date_parts(nxt):
                continue  # the right column (motto, place and date), read in between
            if len(left) < len(nxt.words) or _has(nxt, ADDRESSEE) or _is_body_start(nxt):
                break
            if len(parts) == 4 or _capitals(nxt.text):
                break
            parts.append(left)
        words = [w for p in parts for w in p]
        text = _clean(" ".join(w.text for w in words))
        text = _clean(re.sub(r"^\W*[Vv]\s*[/.]\s*[vVyY]\W*", "", text))
        kind = _kind_of_symbol(symbol) or OFFICIAL_LETTER
        found.append(_field("document_kind", kind, words[:1], "decree30.vv"))
        if text:
            found.append(_field("summary", text, words, "decree30.vv"))
        return found
    by_symbol = _kind_of_symbol(symbol)
    if by_symbol:
        return [_field("document_kind", by_symbol, [], "decree30.symbol")]
    return _letter_without_subject(lines, page)


def _letter_without_subject(lines: list[LineView], page: Page) -> list[ExtractedField]:
    """A letter whose "V/v" was not read: no title, no kind in the symbol, and sentence lines
    in the left column right under the number are a Công văn's summary."""
    parts: list[list[Word]] = []
    for nxt in lines[1:5]:
        left = _left_words(nxt, page)
        text = _clean(" ".join(w.text for w in left))
        if not left or len(left) < len(nxt.words) or _capitals(text) or _is_motto(nxt):
            break
        parts.append(left)
    if not parts:
        return []
    words = [w for p in parts for w in p]
    return [
        _field("document_kind", OFFICIAL_LETTER, words[:1], "decree30.letter"),
        _field("summary", _clean(" ".join(w.text for w in words)), words, "decree30.letter"),
    ]


def _kind_of_symbol(symbol: str | None) -> str | None:
    """ "TB-ĐHĐL" → Thông báo; "SGDĐT-CTrTT" (a body first) → None."""
    if not symbol:
        return None
    return KINDS.get(symbol.split("-")[0])


def _authority(text: str) -> str:
    """ "TL: HIỆU TRƯỞNG" → "TL. HIỆU TRƯỞNG"; "KT GIÁM ĐỐC" → "KT. GIÁM ĐỐC"."""
    text = re.sub(r"^(\w{1,3}[.:])(?=\w)", r"\1 ", text)  # "TL.HIỆU TRƯỞNG"
    head, _, rest = text.partition(" ")
    key = fold(head).strip(".:;,")
    if key in _AUTHORITIES and rest:
        return f"{_AUTHORITIES[key]} {rest}"
    return text


def _is_title(text: str) -> bool:
    if not _capitals(text):
        return False
    folded = fold(text)
    head = folded.split(" ", 1)[0].strip(".:;,")
    return head in _AUTHORITIES or any(fold(t).rstrip(".") in folded for t in TITLE_WORDS)


def _is_name(words: list[str]) -> bool:
    return (
        2 <= len(words) <= 5
        and all(w[:1].isupper() and (w[1:].islower() or len(w) == 1) for w in words)
        and all(is_syllable(w.lower()) for w in words)
        and is_known(words[0], "surname")
    )


def _name_words(text: str) -> list[str] | None:
    """A person's name as printed in title case, or None: the longest run of name syllables
    that ends the line, so a rank or degree (TS., Trung tá) or a smudge before it is dropped."""
    words = [w.strip("_-.,:;~|'\"") for w in text.split()]
    words = [w for w in words if w]
    for start in range(len(words)):
        if _is_name(words[start:]):
            return words[start:]
    return None


def signer(lines: list[LineView], pages: dict[int, Page]) -> list[ExtractedField]:
    """``signer_title`` and ``signer_name`` from the block beside "Nơi nhận" (on the page where
    the document ends); nothing when the file holds no such page."""
    start = next((i for i, line in enumerate(lines) if _has(line, RECIPIENTS)), None)
    if start is None:
        return []
    page_number = lines[start].page
    page = pages[page_number]
    zone = [line for line in lines[max(0, start - 3) :] if line.page == page_number]
    copy_at = stamp_index(zone)
    if copy_at is not None and copy_at > 3:
        zone = zone[:copy_at]  # a copy block under the document: the copier's, not the signer's
    titles: list[tuple[str, list[Word]]] = []
    name: tuple[str, list[Word]] | None = None
    for line in zone:
        right = _right_words(line, page)
        text = _clean(" ".join(w.text for w in right))
        if not text:
            continue
        if _is_title(text):
            titles.append((restore_marks(_authority(text)), right))
            continue
        read = _name_words(text)
        if read is not None:
            name = (" ".join(read), right)
    found = []
    if titles:
        text = " ".join(t for t, _ in titles)
        title_words = [w for _, ws in titles for w in ws]
        found.append(_field("signer_title", text, title_words, "decree30.signer", page=page_number))
    if name is not None:
        found.append(_field("signer_name", name[0], name[1], "decree30.signer", page=page_number))
    return found


def layout_markers(lines: list[LineView]) -> set[str]:
    """Which Decree 30 layout markers a document shows (the classifier counts them)."""
    markers: set[str] = set()
    head = [line for line in lines if line.page == (lines[0].page if lines else 1)]
    head = head[:HEADER_LINES]
    number = _number_line(head)
    if number is not None:
        match = _SYMBOL.search(head[number].text)
        if match and re.search(r"[A-ZĐ]{2}", match.group(1)):
            markers.add("number_symbol")
    for line in head:
        if _has(line, MOTTO):
            markers.add("motto")
        if _kind_title(line):
            markers.add("kind_title")
        if _SUBJECT.match(line.folded):
            markers.add("subject")
        if _has(line, ADDRESSEE):
            markers.add("addressee")
    for line in lines:
        if _has(line, RECIPIENTS):
            markers.add("recipients")
        if fold(line.text).lstrip(" -").split(" ", 1)[0].strip(".:") in ("kt", "tm", "tl"):
            markers.add("authority")
    return markers


def read_fields(
    ocr: OcrDocument, lines: list[LineView]
) -> tuple[dict[str, ExtractedField], list[str]]:
    """Every field the layout gives, and review reasons the fields alone cannot carry (a date
    whose handwritten day could not be read is no field, yet a person must read it)."""
    pages = {p.page_number: Page(p.width, p.height) for p in ocr.pages}
    if not lines:
        return {}, []
    first = lines[0].page
    head = [line for line in lines if line.page == first][:HEADER_LINES]
    page = pages[first]
    fields: dict[str, ExtractedField] = {}
    reasons: list[str] = []
    number_at = _number_line(head)
    motto_at = next((i for i, line in enumerate(head) if _is_motto(line)), None)
    # The bodies are above the number; the motto bounds them only when no number was read
    # (a motto line may also hold the parent body, read across both columns).
    top_end = number_at if number_at is not None else (motto_at or 0) + 1
    for f in issuing_bodies(head[:top_end], page):
        fields[f.name] = f.model_copy(update={"page": first})
    symbol = None
    if number_at is not None:
        number = document_number(head[number_at])
        if number is not None:
            fields[number.name] = number.model_copy(update={"page": first})
            symbol = number.value.split("/", 1)[1]
    for line in head:
        if _date_parts(line) is None:
            continue
        place, when = issue_date(line)
        if place is not None:
            fields[place.name] = place.model_copy(update={"page": first})
        if when is not None:
            fields[when.name] = when.model_copy(update={"page": first})
        else:
            reasons.append(f"issue_date:{HANDWRITTEN}")
        break
    after = head[(number_at or 0) :]
    for f in title_and_summary(after, page, symbol):
        fields[f.name] = f.model_copy(update={"page": first})
    for f in signer(lines, pages):
        fields[f.name] = f
    return fields, reasons
