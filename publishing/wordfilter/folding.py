"""Folding (see the package docstring): each character folded on its own, so every folded
character knows the original character it came from; the small-alphabet encoding the automaton
runs over."""

from __future__ import annotations

import re
import unicodedata
from itertools import compress

import opencc

_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_t2s = opencc.OpenCC("t2s")


def _fold_char(char: str) -> str:
    folded = []
    for part in unicodedata.normalize("NFKC", char).lower():
        if part in _ZERO_WIDTH:
            continue
        category = unicodedata.category(part)
        if category in _DROP_CATEGORIES or category[0] in "PS":
            continue
        simplified = _t2s.convert(part)
        folded.append(simplified if len(simplified) == 1 else part)
    return "".join(folded)


class _FoldTable(dict):
    """``str.translate`` table: code point → its folded form (a code point when it is one character,
    "" when dropped), computed the first time the character is seen; whole texts are then folded at
    C speed (the alphabet of real text is a few thousand characters)."""

    def __missing__(self, ordinal):
        folded = _fold_char(chr(ordinal))
        value = ord(folded) if len(folded) == 1 else folded
        self[ordinal] = value
        return value


class _LengthTable(dict):
    """code point → the length of its folded form (as a code point: 0, 1, 2 …)."""

    def __missing__(self, ordinal):
        value = _FOLDS[ordinal]
        length = 1 if isinstance(value, int) else len(value)
        self[ordinal] = length
        return length


_FOLDS = _FoldTable()
_LENGTHS = _LengthTable()
_EXPANDING = re.compile("[^\\x00\\x01]")


def _fold(text: str) -> str:
    return text.translate(_FOLDS)


def _positions(text: str) -> list[int]:
    lengths = text.translate(_LENGTHS)
    if _EXPANDING.search(lengths) is None:  # every character folds to zero or one character
        return list(compress(range(len(text)), lengths.encode("latin-1")))
    positions = []
    for index, length in enumerate(lengths):
        if length != "\x00":
            positions.extend([index] * ord(length))
    return positions


def _leading_positions(text: str, count: int) -> list[int]:
    """The first ``count`` of ``_positions(text)``, reading only as much of the text as it takes
    (folding is character by character, so a prefix folds to a prefix)."""
    size = count
    while True:
        positions = _positions(text[:size])
        if len(positions) >= count or size >= len(text):
            return positions
        size *= 2


def normalize(text: str) -> tuple[str, list[int]]:
    """The text folded for matching, and for each folded character the index of its source
    character in ``text``."""
    return _fold(text), _positions(text)


# pyahocorasick looks a node's children up one by one, so a root with thousands of children (the
# first characters of 20,000 Chinese words) makes every step slow. The automaton therefore works on
# an encoding of the folded text with small alphabets: each character becomes four code units —
# (plane, high nibble of the high byte), low nibble of the high byte, high and low nibbles of the
# low byte — each position in its own disjoint range, so a match can only start on a character
# boundary. Built from bytes slicing and ``bytes.translate`` (C speed). About 17x faster with
# 20,000 random CJK words than matching the characters themselves (bench/bench_filter.py).
_UNITS = 4
_UNIT0 = bytes((value + 0x10) & 0xFF for value in range(256))  # plane 0..16 → high byte 0x10..0x20
_UNIT0_LOW = bytes(0x40 | value >> 4 for value in range(256))
_UNIT1 = bytes(0x50 | value & 0x0F for value in range(256))
_UNIT2 = bytes(0x20 | value >> 4 for value in range(256))
_UNIT3 = bytes(0x30 | value & 0x0F for value in range(256))


def _encode(folded: str) -> str:
    data = folded.encode("utf-32-be")
    high = data[2::4]
    low = data[3::4]
    out = bytearray(2 * _UNITS * len(folded))
    out[0::8] = data[1::4].translate(_UNIT0)
    out[1::8] = high.translate(_UNIT0_LOW)
    out[3::8] = high.translate(_UNIT1)
    out[5::8] = low.translate(_UNIT2)
    out[7::8] = low.translate(_UNIT3)
    return out.decode("utf-16-be")


def normalize_word(word: str) -> str:
    return normalize(word)[0]
