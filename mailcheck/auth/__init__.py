"""Sender authentication engines: SPF, DKIM keys and signatures, ARC, DMARC, recorded Authentication-Results."""
