"""Fixtures every test module may use without importing them."""

from support.dns_server import dns_server  # noqa: F401  (the loopback DNS server factory)
