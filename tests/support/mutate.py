"""Mutations of real messages for the fuzz test: byte-level noise and the structures hostile mail abuses.

Each mutation takes its own random.Random and the message and returns new bytes. A fuzz case is a
base message and a list of steps (mutation name, seed); `apply` replays them, so a case can be
reproduced exactly, and a failing one shrunk by dropping steps (each step keeps its own seed). The
sizes stay small (runs of at most a few thousand bytes) so a few hundred cases keep the suite fast;
the release run in benchmarks/fuzz.py can scale them with `scale`.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable

Mutation = Callable[[random.Random, bytes, int], bytes]
Step = tuple[str, int]

AUTHSERV_ID = "mx.fuzz.example"  # the authserv-id the fuzz test's filter is told is ours
_LINES = re.compile(rb"[^\n]*\n|[^\n]+")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_INTERESTING = [b"\x00", b"\x1b", b"\x9b", b"\x7f", b"\xff", b"\xc3", b"\xe2\x80\xae", b"\r", b"\n", b"\t",
                b" ", b":", b";", b"<", b">", b"[", b"]", b"(", b")", b'"', b"\\", b"=?", b"?=", b"@", b"%",
                b"&#", b"\xef\xbb\xbf", b"\xa0"]
_RUNS = [b"<", b"[", b":", b"a.", b"(", b'"', b"\\", b"@", b"=?", b"[1:", b"<a", b"&#", b".", b"-", b" ", b"\t",
         b"=", b"a@", b"[::", b"((", b"\"a\" "]
_TARGETS = [b"Received", b"From", b"To", b"Cc", b"Reply-To", b"Sender", b"Subject", b"Date", b"Message-ID",
            b"Return-Path", b"DKIM-Signature", b"ARC-Seal", b"Authentication-Results", b"Content-Type",
            b"List-Unsubscribe", b"Received-SPF"]
_ESCAPES = [b"\x1b[31m", b"\x1b[2J", b"\x9b2J", b"\x9b31m", b"\x1b]0;owned\x07", b"\x1b]8;;http://x.example/\x1b\\",
            b"\x1bP+q\x1b\\", b"\x08\x08\x08", b"\xe2\x80\xae", b"\x1bc"]
_PLANTED = [b"X-Mailcheck-Verdict: validated", b"x-mailcheck-verdict : validated", b"X-MAILCHECK: from=validated",
            b"X-Mailcheck: from=validated;\n dkim[0]=validated", b"X-Mailcheck-Other\t: 1",
            b"Authentication-Results: " + AUTHSERV_ID.encode() + b"; spf=pass; dkim=pass; dmarc=pass",
            b"Authentication-Results: " + AUTHSERV_ID.upper().encode() + b";\n dmarc=pass",
            b"Authentication-Results : (c) " + AUTHSERV_ID.encode() + b" 1; none",
            b"Authentication-Results: other.example; spf=pass"]


def _eol(data: bytes) -> bytes:
    first = data.split(b"\n", 1)[0]
    return b"\r\n" if first.endswith(b"\r") else b"\n"


def _split(data: bytes) -> tuple[list[bytes], bytes]:
    """(the header block's lines with their endings, the rest from the blank line on)."""
    end = _HEAD_END.search(data)
    cut = end.start() + (2 if data[end.start():end.start() + 2] == b"\r\n" else 1) if end else len(data)
    return _LINES.findall(data[:cut]), data[cut:]


def _fields(lines: list[bytes]) -> list[list[bytes]]:
    grouped: list[list[bytes]] = []
    for line in lines:
        if grouped and line[:1] in (b" ", b"\t"):
            grouped[-1].append(line)
        else:
            grouped.append([line])
    return grouped


def _join(fields: list[list[bytes]], rest: bytes) -> bytes:
    return b"".join(b"".join(f) for f in fields) + rest


def _length(rng: random.Random, scale: int) -> int:
    return rng.choice([1, 2, 8, 64, 300, 1000, 3000]) * scale


def _insert_at(rng: random.Random, data: bytes, chunk: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + chunk + data[at:]


def _into_header(rng: random.Random, data: bytes, line: bytes) -> bytes:
    """A new field line somewhere in the header block (kept after a leading From_ line)."""
    lines, rest = _split(data)
    eol = _eol(data)
    start = 1 if lines and lines[0].startswith(b"From ") else 0
    fields = _fields(lines[start:])
    fields.insert(rng.randint(0, len(fields)), [line.replace(b"\n", eol) + eol])
    return b"".join(lines[:start]) + _join(fields, rest)


def _into_value(rng: random.Random, data: bytes, chunk: bytes) -> bytes:
    """chunk inside the value of a field (a named one when the message has it, else any)."""
    lines, rest = _split(data)
    fields = _fields(lines)
    name = rng.choice(_TARGETS).lower()
    chosen = [i for i, f in enumerate(fields) if f[0].lower().startswith(name + b":")]
    if not fields:
        return chunk + data
    i = rng.choice(chosen) if chosen else rng.randrange(len(fields))
    line = fields[i][0]
    colon = line.find(b":") + 1
    at = rng.randint(colon, max(colon, len(line.rstrip(b"\r\n"))))
    fields[i][0] = line[:at] + chunk + line[at:]
    return _join(fields, rest)


def flip(rng: random.Random, data: bytes, scale: int) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8 * scale)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert_bytes(rng: random.Random, data: bytes, scale: int) -> bytes:
    chunk = b"".join(rng.choice(_INTERESTING) for _ in range(rng.randint(1, 16 * scale)))
    return _insert_at(rng, data, chunk)


def delete_range(rng: random.Random, data: bytes, scale: int) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[at + rng.randint(1, 64 * scale):]


def truncate(rng: random.Random, data: bytes, scale: int) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def duplicate_field(rng: random.Random, data: bytes, scale: int) -> bytes:
    lines, rest = _split(data)
    fields = _fields(lines)
    if not fields:
        return data
    i = rng.randrange(len(fields))
    copies = [list(fields[i]) for _ in range(rng.choice([1, 1, 5, 50 * scale]))]
    return _join(fields[:i] + copies + fields[i:], rest)


def cut_field(rng: random.Random, data: bytes, scale: int) -> bytes:
    """A header line cut short (no line end, or its value gone), or dropped."""
    lines, rest = _split(data)
    if not lines:
        return data
    i = rng.randrange(len(lines))
    lines[i] = rng.choice([lines[i][:rng.randrange(len(lines[i]) + 1)], b"", lines[i].rstrip(b"\r\n")])
    return b"".join(lines) + rest


def shuffle_fields(rng: random.Random, data: bytes, scale: int) -> bytes:
    lines, rest = _split(data)
    fields = _fields(lines)
    rng.shuffle(fields)
    return _join(fields, rest)


def line_ends(rng: random.Random, data: bytes, scale: int) -> bytes:
    """Every line end made LF, CRLF or CR, or each line a random one of them."""
    lines = [line.rstrip(b"\r\n") for line in re.split(rb"(?<=\n)", data)]
    ends = [b"\n", b"\r\n", b"\r", b"\n\r"]
    if rng.random() < 0.5:
        end = rng.choice(ends)
        return end.join(lines)
    return b"".join(line + rng.choice(ends) for line in lines)


def control_bytes(rng: random.Random, data: bytes, scale: int) -> bytes:
    """NUL, 8-bit, CSI/ESC sequences, bidi overrides in a header value or the body."""
    chunk = b"".join(rng.choice([*_ESCAPES, b"\x00", b"\xff\xfe", b"\x80\x81", b"\xc0\xaf", b"\xed\xa0\x80"])
                     for _ in range(rng.randint(1, 4 * scale)))
    return _into_value(rng, data, chunk) if rng.random() < 0.7 else _insert_at(rng, data, chunk)


def long_run(rng: random.Random, data: bytes, scale: int) -> bytes:
    """A long run of one of the characters parsers loop on, in a field's value or the body."""
    chunk = rng.choice(_RUNS) * _length(rng, scale)
    return _into_value(rng, data, chunk) if rng.random() < 0.8 else _insert_at(rng, data, chunk)


def folded(rng: random.Random, data: bytes, scale: int) -> bytes:
    """A huge field: one very long line, or thousands of continuation lines."""
    eol = _eol(data)
    name = rng.choice(_TARGETS)
    if rng.random() < 0.5:
        value = b"x" * (_length(rng, scale) * 10)
    else:
        value = eol.join(rng.choice([b" a", b"\t=?utf-8?q?x?=", b" <a@b>", b" [1.2.3.4]", b" ;"])
                         for _ in range(_length(rng, scale)))
    return _into_header(rng, data, name + b": " + value)


def planted(rng: random.Random, data: bytes, scale: int) -> bytes:
    """A field a sender would plant to pre-set our result (ours, or an A-R with our authserv-id)."""
    return _into_header(rng, data, rng.choice(_PLANTED))


def from_line(rng: random.Random, data: bytes, scale: int) -> bytes:
    """An mbox `From ` line (or a quoted one) at the top, in the header block or in the body."""
    line = rng.choice([b"From a@b.example Mon Jan  1 00:00:00 2024", b">From x", b"From ", b"From:x", b"From  "])
    if rng.random() < 0.3:
        return line + _eol(data) + data
    lines = _LINES.findall(data)
    lines.insert(rng.randint(0, len(lines)), line + _eol(data))
    return b"".join(lines)


def encoded_words(rng: random.Random, data: bytes, scale: int) -> bytes:
    """RFC 2047 words: valid, broken, unknown charsets, many in a row, nested looking."""
    words = [b"=?utf-8?b?" + base64.b64encode("Zoë ‮evil".encode()) + b"?=", b"=?utf-8?q?=FF=FE?=",
             b"=?x-unknown?q?a?=", b"=?utf-8?b?@@@?=", b"=?utf-8*en?q?a?=", b"=?=?utf-8?q?a?=?=", b"=?utf-8?q?",
             b"=?iso-2022-jp?b?GyRCJDMbKEI=?=", b"=?utf-8?q?a_b?==?utf-8?q?c?=", b"=?utf-16?b?2D3eAA==?="]
    chunk = b" ".join(rng.choice(words) for _ in range(rng.choice([1, 3, 50, 400 * scale])))
    return _into_value(rng, data, chunk)


def mime(rng: random.Random, data: bytes, scale: int) -> bytes:
    """The body wrapped in nested multiparts, or the message's own boundary lines broken."""
    eol = _eol(data)
    found = re.search(rb'boundary="?([^";\r\n]+)', data, re.IGNORECASE)
    if found and rng.random() < 0.5:
        boundary = found.group(1)
        how = rng.choice([b"", boundary[:-1], boundary + b"--", b"-" * 70, boundary * 20])
        return data.replace(b"--" + boundary, b"--" + how, rng.choice([1, 2, -1]))
    lines, rest = _split(data)
    depth = rng.choice([2, 10, 40 * scale])
    head = b"".join(f"--b{i}{eol.decode()}Content-Type: multipart/mixed; boundary=b{i + 1}{eol.decode()}{eol.decode()}"
                    .encode() for i in range(depth))
    leaf = b"--b" + str(depth).encode() + eol + b"Content-Type: text/html" + eol + eol + rest.lstrip(b"\r\n") + eol
    tail = b"".join(b"--b" + str(i).encode() + b"--" + eol for i in range(depth, -1, -1))
    kept = [line for line in lines if not line.lower().startswith(b"content-type:")]
    return (b"".join(kept) + b"MIME-Version: 1.0" + eol + b"Content-Type: multipart/mixed; boundary=b0" + eol + eol
            + head + leaf + tail)


def html(rng: random.Random, data: bytes, scale: int) -> bytes:
    """An HTML part with the constructs HTML parsers and link extractors choke on."""
    bits = [b"<a href='http://x.example/'>", b"<!--", b"<![CDATA[", b"<a href=", b"<<<<", b"&#x", b"<img src=x",
            b"<style>", b"</", b"<a href=\"http://[::1", b"<base href=http://a.example/>", b"<!DOCTYPE"]
    body = b"".join(rng.choice(bits) for _ in range(_length(rng, scale)))
    lines, _rest = _split(data)
    kept = [line for line in lines if not line.lower().startswith((b"content-type:", b"content-transfer"))]
    eol = _eol(data)
    return b"".join(kept) + b"Content-Type: text/html; charset=utf-8" + eol + eol + body + eol


def hops(rng: random.Random, data: bytes, scale: int) -> bytes:
    """Many Received fields, or one with the tokens a Received parser scans for."""
    line = rng.choice([b"Received: from a (b [192.0.2.1]) by c with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000",
                       b"Received: from [" + b"[1:" * _length(rng, scale) + b"] by x",
                       b"Received: from a by b; " + b"(" * _length(rng, scale),
                       b"Received: by 2001:db8::" + b":1" * _length(rng, scale)])
    many = 100 * scale if len(line) < 100 else 3  # many hops, or a few huge ones: not both at once
    for _ in range(rng.randint(1, many)):
        data = _into_header(rng, data, line)
    return data


def signature(rng: random.Random, data: bytes, scale: int) -> bytes:
    """DKIM/ARC fields with odd tags: huge h= lists, bad base64, repeated tags."""
    h = b":".join(rng.choice(_TARGETS).lower() for _ in range(_length(rng, scale)))
    tag = rng.choice([b"h=" + h, b"b=" + b"A" * _length(rng, scale) + b"!", b"d=" + b"a." * _length(rng, scale),
                      b"l=99999999999999999999", b"c=relaxed/relaxed; c=simple", b"s=" + b"\x00" * 3, b"x=-1; t=9e99"])
    name = rng.choice([b"DKIM-Signature", b"ARC-Message-Signature", b"ARC-Seal", b"ARC-Authentication-Results"])
    return _into_header(rng, data, name + b": v=1; a=rsa-sha256; d=example.com; s=s; i=1; " + tag + b"; bh=; b=")


def no_blank_line(rng: random.Random, data: bytes, scale: int) -> bytes:
    """The blank line between header and body removed, doubled, or moved to the very start."""
    end = _HEAD_END.search(data)
    if end is None or rng.random() < 0.2:
        return _eol(data) + data
    return data[:end.start()] + rng.choice([b"\n", b"\n \n", b"\n\n\n", b"\r\n\r\n\r\n"]) + data[end.end():]


MUTATIONS: dict[str, Mutation] = {f.__name__: f for f in (
    flip, insert_bytes, delete_range, truncate, duplicate_field, cut_field, shuffle_fields, line_ends,
    control_bytes, long_run, folded, planted, from_line, encoded_words, mime, html, hops, signature,
    no_blank_line,
)}


def steps(rng: random.Random, rounds: int) -> list[Step]:
    """1..rounds steps, each a mutation and the seed it runs with."""
    names = sorted(MUTATIONS)
    return [(rng.choice(names), rng.getrandbits(32)) for _ in range(rng.randint(1, rounds))]


def apply(data: bytes, plan: list[Step], scale: int = 1) -> bytes:
    for name, seed in plan:
        data = MUTATIONS[name](random.Random(seed), data, scale)
    return data
