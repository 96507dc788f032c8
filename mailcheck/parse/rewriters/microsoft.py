"""Microsoft Safe Links (Defender for Office 365) decoded offline (providers.md §5; MS-SL, SL-ITT, SL-MUTT)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, query_target, under

NAME = "Microsoft Safe Links"
SOURCE = "MS-SL, SL-ITT, SL-MUTT"


def _matches(w: Wrapper) -> bool:
    # https://<dc>.safelinks.protection.outlook.com/?url=…&data=…&sdata=…&reserved=0
    return under(w.host, "safelinks.protection.outlook.com") and w.host != "safelinks.protection.outlook.com"


def _decode(w: Wrapper) -> Layer:
    # data= and sdata= are Microsoft's own (recipient, tenant, signature): not needed for the target.
    return query_target(w, NAME, SOURCE, "url", ("data", "sdata", "reserved"))


FAMILY = Family(NAME, SOURCE, _matches, _decode)
