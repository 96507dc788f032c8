"""Fixtures every test module may use without importing them: the loopback DNS server factory and the
loopback SMTP servers, one per behaviour (tests/support/)."""

from support.dns_server import dns_server  # noqa: F401
from support.smtp_servers import (  # noqa: F401
    closed_port,
    smtp_accept_all,
    smtp_banner_421,
    smtp_banner_554,
    smtp_close,
    smtp_endless,
    smtp_garbage,
    smtp_hang,
    smtp_no_ehlo,
    smtp_policy_reject,
    smtp_refuse_greeting,
    smtp_refuse_null_sender,
    smtp_reject_unknown,
    smtp_reject_unknown_plain,
    smtp_slow_banner,
    smtp_tempfail,
)
