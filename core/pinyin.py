"""Pinyin initials of Chinese labels ("维修" → "wx"), so a short list can be typed ahead by its initials.

No dictionary: the 3,755 common characters of GB2312 (level 1) are ordered by pinyin, so the first letter
of a character's reading is where its GB2312 code falls among the 23 boundaries below. That covers every
label this project shows in a list; a rarer character (GB2312 level 2, or outside GB2312) adds nothing,
and a polyphone gets its first reading. Letters and digits are kept (lowercased), so "14 Pro" → "14pro".
"""
from bisect import bisect_right

# The GB2312 code of the first level-1 character read with each initial (i, u and v start no syllable).
_STARTS = (
    (0xB0A1, "a"), (0xB0C5, "b"), (0xB2C1, "c"), (0xB4EE, "d"), (0xB6EA, "e"), (0xB7A2, "f"), (0xB8C1, "g"),
    (0xB9FE, "h"), (0xBBF7, "j"), (0xBFA6, "k"), (0xC0AC, "l"), (0xC2E8, "m"), (0xC4C3, "n"), (0xC5B6, "o"),
    (0xC5BE, "p"), (0xC6DA, "q"), (0xC8BB, "r"), (0xC8F6, "s"), (0xCBFA, "t"), (0xCDDA, "w"), (0xCEF4, "x"),
    (0xD1B9, "y"), (0xD4D1, "z"),
)
_CODES = [code for code, _letter in _STARTS]
_LEVEL1_END = 0xD7F9  # the last level-1 character; level 2 is ordered by radical, not by reading


def _initial(char: str) -> str:
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return ""
    if len(encoded) != 2:
        return ""
    code = (encoded[0] << 8) | encoded[1]
    if not _CODES[0] <= code <= _LEVEL1_END:
        return ""  # punctuation, full-width letters, level-2 characters
    return _STARTS[bisect_right(_CODES, code) - 1][1]


def pinyin_initials(text: str) -> str:
    return "".join(_initial(char) for char in str(text))
