"""Microsoft's verdict codes in plain words: compauth reasons, DMARC actions, SCL, BCL and the FFAS keys.

Every table cites its source key in ../shared/reference/providers.md (§1.5–§1.7): MS-HDR (anti-spam
message headers), MS-SCL, MS-BCL, MHA (Message Header Analyzer), "observed" = seen in real mail only.
Meanings the sources do not give are said to be unconfirmed, never guessed silently.
"""

from __future__ import annotations

# compauth reason codes (MS-HDR; providers.md §1.5). Exact codes first, then by hundreds.
_COMPAUTH_EXACT = {
    "000": "explicit authentication failed, e.g. DMARC fail under a quarantine or reject policy",
    "001": "implicit authentication failed: no authentication records, or only weak ones such as "
           "~all, ?all or p=none",
    "002": "the organization's policy forbids this sender/domain pair from sending spoofed mail",
    "010": "DMARC fail under p=reject or p=quarantine, and the From domain is one of the organization's "
           "own accepted domains",
    "130": "passed because an ARC result from a trusted sealer overrode a DMARC failure",
}
_COMPAUTH_HUNDREDS = {
    "1": "passed (the last two digits are internal to Microsoft)",
    "7": "passed (the last two digits are internal to Microsoft)",
    "2": "soft-passed implicit authentication",
    "3": "not checked",
    "4": "composite authentication was bypassed",
    "9": "composite authentication was bypassed",
    "6": "implicit authentication failed and the From domain is one of the organization's accepted domains",
}


def compauth_reason(code: str | None) -> str:
    """Plain words for a compauth reason code (MS-HDR)."""
    if not code:
        return "no reason code given"
    code = code.strip()
    if code in _COMPAUTH_EXACT:
        return _COMPAUTH_EXACT[code]
    if len(code) == 3 and code.isdigit() and code[0] in _COMPAUTH_HUNDREDS:
        return _COMPAUTH_HUNDREDS[code[0]]
    return "a reason code Microsoft does not document"


# DMARC result and action words (MS-HDR; providers.md §1.5).
DMARC_RESULTS = {
    "bestguesspass": "no DMARC record, but one would have passed",
    "permerror": "the DMARC record could not be used (permanent error)",
    "temperror": "DMARC could not be checked (temporary error)",
}
DMARC_ACTIONS = {
    "none": "no policy action",
    "quarantine": "the domain's quarantine policy applied",
    "reject": "the domain's reject policy applied",
    "oreject": 'reject override: the common reading of a word Microsoft uses without spelling out its '
               "meaning (unconfirmed)",
    "pct.quarantine": "the quarantine policy was not applied: the policy's pct sampling skipped this message",
    "pct.reject": "the reject policy was not applied: the policy's pct sampling skipped this message",
    "permerror": "the policy could not be applied (permanent error)",
    "temperror": "the policy could not be applied (temporary error)",
}
# Actions under which the domain's quarantine/reject policy stood for this message (pct did not skip it).
ENFORCED_ACTIONS = frozenset({"quarantine", "reject", "oreject"})


def dmarc_action(action: str | None) -> str:
    if action is None:
        return "no action recorded"
    return DMARC_ACTIONS.get(action.lower(), "an action word Microsoft does not document")


# Spam confidence level (MS-SCL; providers.md §1.7).
def scl(value: str | None) -> str:
    if value is None or not value.strip().lstrip("-").isdigit():
        return "not a number"
    level = int(value)
    if level == -1:
        return "filtering skipped (safe sender or recipient, IP Allow List); default: Inbox"
    if level in (0, 1):
        return "not spam; default: Inbox"
    if level in (5, 6):
        return "spam; default: Junk Email folder (Strict preset: quarantine)"
    if level in (7, 8, 9):
        return "high-confidence spam; default: Junk Email folder (Standard/Strict presets: quarantine)"
    return "a level spam filtering does not write (2–4 and values above 9 are not used)"


# Bulk complaint level (MS-BCL; providers.md §1.7).
def bcl(value: str | None) -> str:
    if value is None or not value.strip().isdigit():
        return "not a number"
    level = int(value)
    if level == 0:
        return "not from a bulk sender"
    if level <= 3:
        return "bulk sender with few complaints"
    if level <= 7:
        return "bulk sender with a mix of complaints"
    if level <= 9:
        return "bulk sender with many complaints"
    return "outside the documented 0–9 scale"


# X-Forefront-Antispam-Report values (MS-HDR unless noted; providers.md §1.6).
SFV = {
    "BLK": "sender in the recipient's Blocked Senders list",
    "NSPM": "not spam",
    "SFE": "sender in the recipient's Safe Senders list",
    "SKA": "allowed sender or domain in the anti-spam policy",
    "SKB": "blocked sender or domain in the anti-spam policy",
    "SKN": "marked not spam before filtering (SCL -1, e.g. by a mail flow rule)",
    "SKQ": "released from quarantine",
    "SKS": "marked spam before filtering (SCL 5–9 set by a rule)",
    "SPM": "filtered as spam",
    "SKI": "meaning unconfirmed (seen in Microsoft's analyzer, MHA)",
}
IPV = {
    "CAL": "filtering skipped: the connecting IP is on the IP Allow List",
    "NLI": "the connecting IP is on no reputation list",
}
CAT = {
    "AMP": "anti-malware", "BIMP": "brand impersonation", "BULK": "bulk",
    "DIMP": "domain impersonation", "FTBP": "common attachments filter",
    "GIMP": "mailbox intelligence impersonation", "HPHSH": "high-confidence phishing",
    "HPHISH": "high-confidence phishing", "HSPM": "high-confidence spam", "INTOS": "intra-organization phishing",
    "MALW": "malware", "OSPM": "outbound spam", "PHSH": "phishing", "SAP": "Safe Attachments",
    "SPM": "spam", "SPOOF": "spoofing", "UIMP": "user impersonation",
    "NONE": "no category (observed)",
}
SFTY = {
    "9.19": "domain impersonation safety tip",
    "9.20": "user impersonation safety tip",
    "9.25": "first contact safety tip",
}
DIR = {"INB": "inbound", "OUT": "outbound", "INT": "internal"}
SRV = {"BULK": "identified as bulk by the BCL threshold"}
# Keys MS-HDR documents; anything else is Microsoft's own diagnostics (MS-HDR, MHA).
DOCUMENTED_FFAS = frozenset({"CIP", "CTRY", "LANG", "SCL", "SRV", "IPV", "SFV", "H", "PTR", "CAT", "SFTY",
                             "DIR", "ARC", "X-CUSTOMSPAM"})

# X-Microsoft-Antispam-Mailbox-Delivery dest: (University of Oxford IT help page, providers.md §1.7).
DEST = {"I": "Inbox", "J": "Junk Email folder", "C": "a custom folder"}

# X-MS-Exchange-Organization-* (MS-AUTHAS, MS-HYB; providers.md §1.7).
AUTH_AS = {
    "anonymous": "not authenticated (mail from the Internet)",
    "internal": "authenticated inside the organization (its own or hybrid on-premises servers)",
    "partner": "meaning unconfirmed",
}
DIRECTIONALITY = {
    "originating": "sent by the organization's own authenticated senders",
    "incoming": "not from the organization's own authenticated senders",
}
