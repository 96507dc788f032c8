"""Received-SPF (RFC 7208 §9.1) as providers write it: `<result> (<reporter>: <why>) key=value; …`.

Forms in providers.md: Google `pass (google.com: domain of <addr> designates <ip> as permitted sender)
client-ip=<ip>;` (§2.3, MA-ARC, ST-ARC), Microsoft `… receiver=protection.outlook.com; client-ip=…;
helo=…; pr=C` (§1.5; `pr=` meaning unconfirmed), iCloud `(spf.icloud.com: …) receiver=spf.icloud.com;
client-ip=…` and Yahoo without a reporter inside the comment (§3). Read with the linear tokenizer.
"""

from __future__ import annotations

from mailcheck.auth.provider_verdicts.common import ip_in_comment, valid_ip
from mailcheck.auth.provider_verdicts.tokens import tokenize
from mailcheck.value_types import NamedTuple


class ReceivedSpf(NamedTuple):
    result: str  # lower case
    comment: str | None = None
    reporter: str | None = None  # "google.com", "protection.outlook.com", … (text before ":" in the comment)
    client_ip: str | None = None  # validated client-ip=
    helo: str | None = None
    envelope_from: str | None = None
    receiver: str | None = None

    def recorded_sender_ip(self) -> str | None:
        return self.client_ip or (ip_in_comment(self.comment) if self.comment else None)

    def dmarc_failed_under_enforcement(self) -> bool:
        """Received-SPF records SPF only: always False."""
        return False

    def plain_words(self) -> tuple[str, ...]:
        who = self.reporter or self.receiver or "the receiver"
        text = f"{who} recorded SPF {self.result}"
        ip = self.recorded_sender_ip()
        if ip:
            text += f" for client {ip}"
        if self.helo:
            text += f" (HELO {self.helo})"
        if self.comment:
            text += f": {self.comment}"
        return (text + " (Received-SPF)",)


def parse_received_spf(value: str) -> ReceivedSpf:
    """Decode one Received-SPF value; never raises."""
    tokens = tokenize(value)
    result = ""
    comments: list[str] = []
    fields: dict[str, str] = {}
    for section in tokens.sections:
        comments.extend(section.leading_comments)
        for item in section.items:
            comments.extend(item.comments)
            if not item.key and not result:
                result = item.value.lower()
            elif item.key:
                fields.setdefault(item.key, item.value)
    comment = comments[0] if comments else None
    reporter = None
    if comment and ":" in comment:
        head = comment.split(":", 1)[0].strip()
        reporter = head if head and " " not in head else None
    return ReceivedSpf(result, comment, reporter, valid_ip(fields.get("client-ip")), fields.get("helo"),
                       fields.get("envelope-from"), fields.get("receiver"))
