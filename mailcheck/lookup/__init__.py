"""DNS: the one contract every check uses, the real resolver, record/replay, caches, MX, domains."""
