"""What the opt-in probes found for one message: the conversation and the answer about the address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:  # the SMTP client loads only when probing
    from mailcheck.probe.prober import DomainProbe
    from mailcheck.probe.vocabulary import CalloutAnswer


class ProbeResult(NamedTuple):
    """What the probes found for this message (facts.results.probe), for library callers."""

    sender: str | None  # the envelope sender probed about ("" for the null sender)
    domain: str | None
    probe: DomainProbe | None  # None when nothing was probed for this message
    reused: bool  # the probe was made for an earlier message of this run: no new connection
    callout: CalloutAnswer | None  # the answer about this very address; None when not asked/learnt
    note: str = ""  # why nothing was probed, when nothing was
