"""Everything Microsoft stamped in one block of headers, decoded together: A-R (and its renamed copies),
X-Forefront-Antispam-Report(-Untrusted) and the stamp headers.

Which copy speaks for the recipient's receipt (providers.md §1.5, §1.6, IDX-A): the plain
`Authentication-Results` in Microsoft's form and the plain `X-Forefront-Antispam-Report`. The renamed
A-R copies and the `-Untrusted` report belong to other passes (sender-side tenant, re-entry); they are
put in words but give no sender IP and no DMARC finding here.
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.auth.provider_verdicts.forefront import ForefrontReport, parse_forefront
from mailcheck.auth.provider_verdicts.microsoft_ar import MicrosoftAuthResults, is_microsoft_form, parse_microsoft_ar
from mailcheck.auth.provider_verdicts.microsoft_stamps import MicrosoftStamps, parse_stamps
from mailcheck.value_types import NamedTuple

AR_NAMES = frozenset({"authentication-results", "x-ms-exchange-authentication-results",
                      "authentication-results-original"})
FFAS_NAMES = frozenset({"x-forefront-antispam-report", "x-forefront-antispam-report-untrusted"})


class MicrosoftVerdicts(NamedTuple):
    auth_results: tuple[MicrosoftAuthResults, ...]
    reports: tuple[ForefrontReport, ...]
    stamps: MicrosoftStamps

    def _receipt_ar(self) -> tuple[MicrosoftAuthResults, ...]:
        return tuple(a for a in self.auth_results if a.header.lower() == "authentication-results")

    def recorded_sender_ip(self) -> str | None:
        """From the receipt A-R ("sender IP is …"), else the receipt FFAS CIP, else the cross-tenant Ip."""
        for ar in self._receipt_ar():
            if ar.recorded_sender_ip():
                return ar.recorded_sender_ip()
        for report in self.reports:
            if not report.untrusted and report.recorded_sender_ip():
                return report.recorded_sender_ip()
        return self.stamps.recorded_sender_ip()

    def dmarc_failed_under_enforcement(self) -> bool:
        return any(ar.dmarc_failed_under_enforcement() for ar in self._receipt_ar())

    def plain_words(self) -> tuple[str, ...]:
        sentences: list[str] = []
        for ar in self.auth_results:
            sentences.extend(ar.plain_words())
        for report in self.reports:
            sentences.extend(report.plain_words())
        sentences.extend(self.stamps.plain_words())
        return tuple(sentences)


def decode_microsoft(headers: Iterable[tuple[str, str]]) -> MicrosoftVerdicts:
    """Microsoft's verdicts from (name, value) pairs, in the order given. An `Authentication-Results`
    that names an authserv-id (someone else's, RFC 8601 form) is skipped."""
    pairs = list(headers)
    ars = tuple(parse_microsoft_ar(v, n) for n, v in pairs
                if n.lower() in AR_NAMES and is_microsoft_form(v))
    reports = tuple(parse_forefront(v, n) for n, v in pairs if n.lower() in FFAS_NAMES)
    return MicrosoftVerdicts(ars, reports, parse_stamps(pairs))
