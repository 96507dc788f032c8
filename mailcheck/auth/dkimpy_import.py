"""dkimpy imported without its own DNS client: every DNS answer dkimpy sees comes from mailcheck's DNS layer.

`import dkim` imports dkim.dnsplug, whose only job is a default for the `dnsfunc` argument, and for that
it imports dnspython's resolver: ~60 ms of the ~80 ms dkimpy costs a one-message process (the filter
checking a DKIM-signed or ARC-sealed message offline), for a function mailcheck never lets dkimpy call
(every verify, verify_sig and key look-up is given our dnsfunc). While our DKIM and ARC code is first
imported, dkim.dnsplug and aiodns (dkimpy's other fallback) are marked absent, so dkimpy takes the
fallback it has for a machine without a DNS library: a default get_txt that raises if it is ever called.
dnspython itself is unaffected: mailcheck's resolver (lookup/resolver.py) imports it when DNS is used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

# dkimpy's DNS plug-in and the asynchronous client dkimpy tries when the plug-in cannot load
_NOT_FOR_DKIMPY = ("dkim.dnsplug", "aiodns")


@contextmanager
def dkimpy_without_its_dns() -> Iterator[None]:
    """The block's first `import dkim` finds no dkim.dnsplug; nothing changes when dkimpy is loaded already
    or other threads run (one of them could be importing the hidden modules for itself)."""
    threading = sys.modules.get("threading")
    if "dkim" in sys.modules or (threading is not None and threading.active_count() > 1):
        yield
        return
    hidden = [name for name in _NOT_FOR_DKIMPY if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
