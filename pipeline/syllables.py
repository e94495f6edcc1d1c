"""Vietnamese syllables by the orthography's rules: onset + rhyme (+ tone mark).

Vietnamese is written one syllable per word, and the set of spellable syllables is closed:
an onset from a short list, a vowel nucleus from a fixed set of clusters, an optional final
consonant, and at most one tone mark. "CONG Hcok xA HQI CHiJ NGHiA VIVT NAM" (a garbage OCR
layer) is recognisably not Vietnamese: "Hcok", "HQI", "CHiJ" and "VIVT" cannot be spelled.
Both tone-placement conventions (hoà / hòa, thuý / thúy) are accepted: the tone is removed
before the check.
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks of the five tones (grave, acute, hook above, tilde, dot below).
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")
_TONE_NAMES = {
    "\u0300": "huyền",
    "\u0301": "sắc",
    "\u0309": "hỏi",
    "\u0303": "ngã",
    "\u0323": "nặng",
}

_ONSETS = [
    "ngh",
    "ng",
    "gh",
    "gi",
    "kh",
    "ph",
    "th",
    "tr",
    "ch",
    "nh",
    "qu",
    "b",
    "c",
    "d",
    "đ",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
]
# Nuclei that end in a semivowel (-i, -o, -u, -y) close the syllable: no final consonant.
_OPEN = [
    "iêu",
    "yêu",
    "oai",
    "oay",
    "oao",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "uyu",
    "uya",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iu",
    "oi",
    "ôi",
    "ơi",
    "ua",
    "ui",
    "ưa",
    "ưi",
    "ưu",
]
# The others may take a final; iê, yê, uô, ươ, uyê must (there is no "tiê").
_NEEDS_FINAL = ["uyê", "iê", "yê", "uô", "ươ"]
_CLOSED = [
    "oa",
    "oă",
    "oe",
    "uâ",
    "uê",
    "uơ",
    "uy",
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
]
_FINALS = ["ch", "nh", "ng", "c", "m", "n", "p", "t"]


def _any(options: list[str]) -> str:
    return "|".join(sorted(options, key=len, reverse=True))


_SYLLABLE = re.compile(
    f"^(?:{_any(_ONSETS)})?"
    f"(?:(?:{_any(_OPEN)})|(?:{_any(_NEEDS_FINAL)})(?:{_any(_FINALS)})"
    f"|(?:{_any(_CLOSED)})(?:{_any(_FINALS)})?)$"
)
# Stop finals (c, ch, p, t) take only the sắc or nặng tone.
_STOP_FINAL = ("c", "ch", "p", "t")


def split_tone(word: str) -> tuple[str, str]:
    """(the word without its tone mark, the tone's name or "ngang"), lower case, NFC."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    bare = "".join(c for c in decomposed if c not in _TONES)
    tone = _TONE_NAMES[tones[0]] if len(tones) == 1 else ("ngang" if not tones else "many")
    return unicodedata.normalize("NFC", bare), tone


def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case, either tone placement) spells one Vietnamese syllable."""
    bare, tone = split_tone(word)
    if tone == "many" or not _SYLLABLE.match(bare):
        return False
    return not (bare.endswith(_STOP_FINAL) and tone not in ("sắc", "nặng"))


# Every Vietnamese letter that carries a mark (tone, ă â ê ô ơ ư, đ), lower case.
MARKED_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_MARKED = frozenset(MARKED_LETTERS)


def has_marks(word: str) -> bool:
    """Whether the word carries any Vietnamese letter mark (tone, ă â ê ô ơ ư, đ)."""
    return any(c in _MARKED for c in unicodedata.normalize("NFC", word.lower()))
