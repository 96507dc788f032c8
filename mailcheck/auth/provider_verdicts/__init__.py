"""Receiving providers' own verdict headers (Microsoft, Google, Proton, iCloud, Yahoo, Fastmail, Zoho) decoded
into typed values and plain words; pure functions, no DNS, no placement decisions (the caller picks the headers)."""

from __future__ import annotations

from mailcheck.auth.provider_verdicts.fastmail_zoho import decode_fastmail, decode_zoho
from mailcheck.auth.provider_verdicts.forefront import ForefrontReport, parse_forefront
from mailcheck.auth.provider_verdicts.google import decode_google
from mailcheck.auth.provider_verdicts.icloud import decode_icloud
from mailcheck.auth.provider_verdicts.microsoft import MicrosoftVerdicts, decode_microsoft
from mailcheck.auth.provider_verdicts.microsoft_ar import MicrosoftAuthResults, is_microsoft_form, parse_microsoft_ar
from mailcheck.auth.provider_verdicts.microsoft_stamps import (
    CrossTenantConnection,
    MicrosoftStamps,
    parse_connecting_ip,
    parse_stamps,
)
from mailcheck.auth.provider_verdicts.proton import decode_proton
from mailcheck.auth.provider_verdicts.received_spf import ReceivedSpf, parse_received_spf
from mailcheck.auth.provider_verdicts.receiver_ar import ReceiverAr
from mailcheck.auth.provider_verdicts.summary import ProviderVerdict
from mailcheck.auth.provider_verdicts.yahoo import decode_yahoo

__all__ = [
    "CrossTenantConnection", "ForefrontReport", "MicrosoftAuthResults", "MicrosoftStamps", "MicrosoftVerdicts",
    "ProviderVerdict", "ReceivedSpf", "ReceiverAr", "decode_fastmail", "decode_google", "decode_icloud",
    "decode_microsoft", "decode_proton", "decode_yahoo", "decode_zoho", "is_microsoft_form", "parse_connecting_ip",
    "parse_forefront", "parse_microsoft_ar", "parse_received_spf", "parse_stamps",
]
