"""How Vietnamese civil documents write dates: dd/mm/yyyy, "ngày 15 tháng 3 năm 2024", words.

The birth certificate repeats the date of birth in words ("Ghi bằng chữ"), and the
marital-status certificate dates itself in the written form; both must be exact because
they are ground truth for OCR error rates.
"""

from __future__ import annotations

from datetime import date

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_MONTHS = (
    "một",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mười một",
    "mười hai",
)


def dmy(day: date, sep: str = "/") -> str:
    """ "12/03/2024" (or "12-03-2024" with `sep="-"`)."""
    return f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year:04d}"


def written_date(day: date) -> str:
    """ "ngày 15 tháng 3 năm 2024", the place-and-date line of administrative papers."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def number_words(n: int) -> str:
    """Vietnamese words for 0 ≤ n ≤ 9999 ("hai nghìn không trăm hai mươi tư")."""
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} out of range")
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
        if unit == 0:
            return head
        if unit == 5:
            return f"{head} lăm"
        if unit == 1 and tens > 1:
            return f"{head} mốt"
        if unit == 4 and tens > 1:
            return f"{head} tư"
        return f"{head} {_DIGITS[unit]}"
    words: list[str] = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        words.append(f"{_DIGITS[thousands]} nghìn")
    hundreds, rest = divmod(rest, 100)
    if hundreds or rest:
        words.append(f"{_DIGITS[hundreds]} trăm")
    if 0 < rest < 10:
        words.append(f"linh {_DIGITS[rest]}")
    elif rest:
        words.append(number_words(rest))
    return " ".join(words)


def date_in_words(day: date) -> str:
    """ "Ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư"."""
    return (
        f"Ngày {number_words(day.day)} tháng {_MONTHS[day.month - 1]} năm {number_words(day.year)}"
    )
