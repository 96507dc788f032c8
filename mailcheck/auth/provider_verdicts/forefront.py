"""X-Forefront-Antispam-Report (and its `-Untrusted` variant): `KEY:value;` pairs, typed and put in words.

Sources (providers.md §1.6, §1.7): MS-HDR for the keys and codes, MS-SCL for SCL, MHA for SFS/SKI and
the `-Untrusted` variant (written on the first, sender-side pass; IDX-A). Keys MS-HDR does not document
are listed as "internal/undocumented". Splitting is plain `str` work (linear), input capped.
"""

from __future__ import annotations

from mailcheck.auth.provider_verdicts import ms_codes
from mailcheck.auth.provider_verdicts.common import valid_ip
from mailcheck.auth.provider_verdicts.tokens import MAX_INPUT
from mailcheck.value_types import NamedTuple


def colon_pairs(value: str) -> tuple[tuple[str, str], ...]:
    """`CIP:1.2.3.4;CTRY:FR;SFS:(…)(…);` → (("CIP", "1.2.3.4"), …). The key is upper-cased; the value
    keeps its colons (CIP may be IPv6). Words without a colon are kept with an empty value."""
    pairs = []
    for part in value[:MAX_INPUT].split(";"):
        part = part.strip()
        if part:
            key, _, val = part.partition(":")
            pairs.append((key.strip().upper(), val.strip()))
    return tuple(pairs)


class ForefrontReport(NamedTuple):
    header: str
    fields: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        key = key.upper()
        return next((v for k, v in self.fields if k == key), None)

    @property
    def untrusted(self) -> bool:
        return self.header.lower().endswith("-untrusted")

    def undocumented_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for k, _ in self.fields if k not in ms_codes.DOCUMENTED_FFAS))

    def recorded_sender_ip(self) -> str | None:
        """CIP, the connecting IP of the Microsoft edge (MS-HDR); None for a placeholder or bad value."""
        return valid_ip(self.get("CIP"))

    def dmarc_failed_under_enforcement(self) -> bool:
        """The report records no DMARC result (MS-HDR): always False."""
        return False

    def plain_words(self) -> tuple[str, ...]:
        which = ("Microsoft's anti-spam report for the sender-side pass (X-Forefront-Antispam-Report-"
                 "Untrusted)" if self.untrusted else "Microsoft's anti-spam report")
        sentences = [f"{which}: " + "; ".join(self._connection_words())]
        verdict = self._verdict_words()
        if verdict:
            sentences.append("Microsoft's filtering verdict: " + "; ".join(verdict))
        hidden = self.undocumented_keys()
        if hidden:
            sentences.append("Keys for Microsoft's internal diagnostics (internal/undocumented, not decoded): "
                             + ", ".join(hidden))
        return tuple(sentences)

    def _connection_words(self) -> list[str]:
        cip, ctry, helo, ptr = self.get("CIP"), self.get("CTRY"), self.get("H"), self.get("PTR")
        words = []
        if cip is not None:
            ip = valid_ip(cip)
            words.append(f"connecting IP {ip}" if ip else f"no usable connecting IP ({cip or 'empty'})")
        if ctry:
            words.append(f"country/region of the connecting IP {ctry}")
        if helo:
            words.append(f"HELO/EHLO name {helo}")
        if ptr is not None:
            words.append(f"reverse DNS name {ptr}" if ptr else "no reverse DNS name recorded")
        direction = self.get("DIR")
        if direction:
            words.append(f"direction {ms_codes.DIR.get(direction.upper(), f'{direction} (undocumented)')}")
        lang = self.get("LANG")
        if lang:
            words.append(f"message language {lang}")
        return words or ["no connection details"]

    def _verdict_words(self) -> list[str]:
        words = []
        level = self.get("SCL")
        if level is not None:
            words.append(f"SCL {level}: {ms_codes.scl(level)}")
        for key, table, title in (("SFV", ms_codes.SFV, "SFV"), ("CAT", ms_codes.CAT, "category"),
                                  ("IPV", ms_codes.IPV, "IPV"), ("SRV", ms_codes.SRV, "SRV"),
                                  ("SFTY", ms_codes.SFTY, "safety tip")):
            raw = self.get(key)
            if raw:
                meaning = table.get(raw.upper(), "a value Microsoft does not document")
                words.append(f"{title} {raw}: {meaning}")
        if self.get("X-CUSTOMSPAM") is not None:
            words.append("an Advanced Spam Filter option matched (X-CustomSpam)")
        return words


def parse_forefront(value: str, header: str = "X-Forefront-Antispam-Report") -> ForefrontReport:
    """Decode one FFAS value; never raises."""
    return ForefrontReport(header, colon_pairs(value))
