"""Reporters: pure functions from a Report to text (terminal, JSON, mail headers)."""
