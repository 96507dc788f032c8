"""mailcheck: for every field of an email, whether it is validated, forged or unverifiable, and why."""

__version__ = "0.1.0"
