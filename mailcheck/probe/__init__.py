"""Opt-in SMTP probes of the sender's mail server: the client, the prober, the run's probe cache."""
