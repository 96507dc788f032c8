"""The three questions every decoded provider verdict answers (the caller needs no per-type code)."""

from __future__ import annotations

from typing import Protocol


class ProviderVerdict(Protocol):
    def recorded_sender_ip(self) -> str | None:
        """The connecting address the provider recorded at receipt, validated; None when it gave none."""

    def dmarc_failed_under_enforcement(self) -> bool:
        """True when the provider recorded a DMARC fail under a quarantine/reject policy that pct did not
        sample out."""

    def plain_words(self) -> tuple[str, ...]:
        """Evidence sentences a reader can check against the header."""
