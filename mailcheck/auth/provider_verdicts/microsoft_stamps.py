"""Microsoft's other receipt stamps: X-Microsoft-Antispam (BCL), X-MS-Exchange-Organization-SCL / AuthAs /
AuthSource / MessageDirectionality, X-Microsoft-Antispam-Mailbox-Delivery (dest:) and
X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp (Ip=[…]).

Sources (providers.md §1.7, §1.8): MS-BCL, MS-SCL, MS-HDR, MS-AUTHAS, MS-HYB, the Oxford IT help page for
dest:, and observed values (IDX-A, IDX-B) for the cross-tenant header, whose meaning Microsoft does not
document (unconfirmed beyond "connecting IP/HELO at attribution").
"""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.auth.provider_verdicts import ms_codes
from mailcheck.auth.provider_verdicts.common import valid_ip
from mailcheck.auth.provider_verdicts.forefront import colon_pairs
from mailcheck.auth.provider_verdicts.tokens import MAX_INPUT
from mailcheck.value_types import NamedTuple

ANTISPAM = "x-microsoft-antispam"
ORG_SCL = "x-ms-exchange-organization-scl"
AUTH_AS = "x-ms-exchange-organization-authas"
AUTH_SOURCE = "x-ms-exchange-organization-authsource"
DIRECTIONALITY = "x-ms-exchange-organization-messagedirectionality"
DELIVERY = "x-microsoft-antispam-mailbox-delivery"
CONNECTING_IP = "x-ms-exchange-crosstenant-originalattributedtenantconnectingip"
STAMP_HEADERS = frozenset({ANTISPAM, ANTISPAM + "-untrusted", ORG_SCL, AUTH_AS, AUTH_SOURCE, DIRECTIONALITY,
                           DELIVERY, CONNECTING_IP})


class CrossTenantConnection(NamedTuple):
    """`TenantId=<guid>;Ip=[<ip>];Helo=[<helo>]` (observed IDX-A/IDX-B, phishing-pot-dev)."""

    tenant_id: str | None
    ip_text: str | None
    helo: str | None

    def recorded_sender_ip(self) -> str | None:
        return valid_ip(self.ip_text)

    def dmarc_failed_under_enforcement(self) -> bool:
        return False

    def plain_words(self) -> tuple[str, ...]:
        ip = self.recorded_sender_ip()
        text = (f"Microsoft attributed the message to tenant {self.tenant_id or '(none)'} with connecting IP "
                f"{ip or '(none usable)'} and HELO name {self.helo or '(none)'}")
        return (text + " (X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp; meaning observed, "
                "not documented by Microsoft)",)


def parse_connecting_ip(value: str) -> CrossTenantConnection:
    fields: dict[str, str] = {}
    for part in value[:MAX_INPUT].split(";"):
        key, _, val = part.strip().partition("=")
        fields.setdefault(key.strip().lower(), val.strip().strip("[]"))
    return CrossTenantConnection(fields.get("tenantid") or None, fields.get("ip"), fields.get("helo") or None)


class MicrosoftStamps(NamedTuple):
    """The values of the stamp headers found in one block (first of each name wins)."""

    bcl: str | None = None  # X-Microsoft-Antispam BCL:
    pcl: str | None = None  # PCL: (MHA: "Phishing Confidence Level"; internal per MS-HDR)
    antispam_untrusted: bool = False  # BCL came from X-Microsoft-Antispam-Untrusted (sender-side pass)
    scl: str | None = None  # X-MS-Exchange-Organization-SCL
    auth_as: str | None = None
    auth_source: str | None = None
    directionality: str | None = None
    dest: str | None = None  # Mailbox-Delivery dest:
    deciding_rule: str | None = None  # Mailbox-Delivery OFR:
    connection: CrossTenantConnection | None = None

    def recorded_sender_ip(self) -> str | None:
        return self.connection.recorded_sender_ip() if self.connection else None

    def dmarc_failed_under_enforcement(self) -> bool:
        return False

    def plain_words(self) -> tuple[str, ...]:
        sentences = []
        if self.bcl is not None:
            which = "sender-side pass, " if self.antispam_untrusted else ""
            sentences.append(f"Microsoft's bulk complaint level ({which}X-Microsoft-Antispam): BCL {self.bcl}: "
                             f"{ms_codes.bcl(self.bcl)}")
        if self.scl is not None:
            sentences.append(f"Microsoft's spam confidence level: SCL {self.scl}: {ms_codes.scl(self.scl)}")
        if self.dest is not None:
            where = ms_codes.DEST.get(self.dest.upper(), "a destination code that is not documented")
            rule = f", decided by {self.deciding_rule}" if self.deciding_rule else ""
            sentences.append(f"Microsoft delivered it to the {where} (dest:{self.dest}{rule})"
                             if self.dest.upper() in ms_codes.DEST else
                             f"Microsoft's delivery destination dest:{self.dest}: {where}")
        if self.auth_as is not None:
            meaning = ms_codes.AUTH_AS.get(self.auth_as.lower(), "a value that is not documented")
            source = f", decided by {self.auth_source}" if self.auth_source else ""
            sentences.append(f"Microsoft authenticated the submitter as {self.auth_as}: {meaning}{source}")
        if self.directionality is not None:
            meaning = ms_codes.DIRECTIONALITY.get(self.directionality.lower(), "a value that is not documented")
            sentences.append(f"Microsoft's message directionality {self.directionality}: {meaning}")
        if self.connection is not None:
            sentences.extend(self.connection.plain_words())
        return tuple(sentences)


def parse_stamps(headers: Iterable[tuple[str, str]]) -> MicrosoftStamps:
    """Read the stamp headers among (name, value) pairs; other names are ignored."""
    found: dict[str, str] = {}
    for name, value in headers:
        found.setdefault(name.lower(), value.strip())
    antispam_name = ANTISPAM if ANTISPAM in found else ANTISPAM + "-untrusted"
    antispam = dict(colon_pairs(found.get(antispam_name, "")))
    delivery = {k.lower(): v for k, v in colon_pairs(found.get(DELIVERY, ""))}
    connection = parse_connecting_ip(found[CONNECTING_IP]) if CONNECTING_IP in found else None
    return MicrosoftStamps(
        bcl=antispam.get("BCL"), pcl=antispam.get("PCL"),
        antispam_untrusted=antispam_name != ANTISPAM and antispam_name in found,
        scl=found.get(ORG_SCL), auth_as=found.get(AUTH_AS), auth_source=found.get(AUTH_SOURCE),
        directionality=found.get(DIRECTIONALITY), dest=delivery.get("dest"), deciding_rule=delivery.get("ofr"),
        connection=connection)
