"""One Received header → Hop: addresses, the clause tokenizer, the client read from the from clause, the hop."""

from mailcheck.parse.dates import is_contradiction
from mailcheck.parse.received.addresses import normalise_ip
from mailcheck.parse.received.hop import parse_received

__all__ = ["is_contradiction", "normalise_ip", "parse_received"]
