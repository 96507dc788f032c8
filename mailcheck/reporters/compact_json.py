"""Compact ASCII JSON for scan records: orjson plus an escaping pass, byte-identical to json.dumps.

The target is exactly `json.dumps(data, ensure_ascii=True, separators=(",", ":"))`, the record format
scan has always written. orjson is ~4x faster but writes UTF-8 and formats a few values differently, so
its output is used only where it provably matches:

- non-ASCII text and DEL (U+007F) are escaped afterwards as json does (\\uXXXX, a surrogate pair above
  the BMP); control characters, quotes and backslashes orjson already escapes the same way;
- a float below 1e-4 (orjson "0.00001" / "1e-7", json "1e-05" / "1e-07") or a non-finite float (orjson
  null, json NaN) would differ: any output that may hold one goes to json instead. A caller that knows
  every float in its data names them (`floats=`) and only those are compared; otherwise the data is
  walked for non-finite ones and the output searched for risky numbers (_float_risk);
- what orjson refuses (lone surrogates, integers beyond 64 bits, non-string keys) goes to json too.

Without orjson installed, json is used throughout: the records are the same, only slower.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the fallback keeps a bare install working
    orjson = None  # type: ignore[assignment]

_NON_ASCII = re.compile("[^\x00-\x7e]+")
# Where orjson and json may format a finite float differently: "0.0000…" (1e-5 ≤ x < 1e-4) and a
# negative exponent ("1e-7" vs "1e-07"). Only a whole number token counts (after ":", "," or "[", before
# ",", "]" or "}"), so "e-" in "message-id" or a UUID's "4e-5" do not; a string that happens to hold
# such a token only costs the slow path. Substring searches: a regex without a literal prefix would cost
# more than orjson itself on a 14 kB record.
_NUMBER = frozenset(b"0123456789.+-e")


def _in_number(raw: bytes, at: int) -> bool:
    left = right = at
    while left > 0 and raw[left - 1] in _NUMBER:
        left -= 1
    while right < len(raw) and raw[right] in _NUMBER:
        right += 1
    return raw[left - 1:left] in (b"", b":", b",", b"[") and raw[right:right + 1] in (b"", b",", b"]", b"}")


_DIGITS = frozenset(b"0123456789")


def _float_risk(raw: bytes) -> bool:
    # Both needles follow a digit in any number orjson writes ("1e-7", "0.00001"); "e-" mostly follows a
    # letter ("message-id", "one-time"), so that byte is tested before the token is walked.
    for needle in (b".0000", b"e-"):
        at = raw.find(needle)
        while at != -1:
            if at > 0 and raw[at - 1] in _DIGITS and _in_number(raw, at):
                return True
            at = raw.find(needle, at + 2)
    return False


def _escape(match: re.Match[str]) -> str:
    # UTF-16 code units are json's \\uXXXX escapes, surrogate pairs above the BMP included; one call per
    # run of characters, not per character (a Cyrillic or CJK body is mostly such runs).
    units = match.group().encode("utf-16-be").hex()
    return "".join(f"\\u{units[i:i + 4]}" for i in range(0, len(units), 4))


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def _has_nonfinite(data: Any) -> bool:
    if isinstance(data, float):
        return not math.isfinite(data)
    if isinstance(data, dict):
        return any(_has_nonfinite(v) for v in data.values())
    if isinstance(data, (list, tuple)):
        return any(_has_nonfinite(v) for v in data)
    return False


def _same_float(number: float) -> bool:
    # json writes repr(); orjson differs below 1e-4 and for NaN/infinity (null), which repr never writes.
    return orjson.dumps(number) == repr(number).encode()


def dumps(data: Any, floats: Collection[float] | None = None) -> str:
    """json.dumps(data, ensure_ascii=True, separators=(",", ":")), byte for byte. `floats`, when given, is
    the caller's promise that these are all the floats in `data` (scan records: the delays between hops):
    they are checked one by one instead of walking `data` and searching the output for risky numbers."""
    if orjson is None:
        return _json(data)
    if floats is not None and not all(_same_float(number) for number in floats):
        return _json(data)
    try:
        raw = orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError: surrogates, huge integers, non-string keys, …
        return _json(data)
    if floats is None and ((b"null" in raw and _has_nonfinite(data)) or _float_risk(raw)):
        return _json(data)
    if raw.isascii():
        text = raw.decode("ascii")
        return _NON_ASCII.sub(_escape, text) if "\x7f" in text else text
    return _NON_ASCII.sub(_escape, raw.decode("utf-8"))
