"""Data tables shipped with mailcheck (package data, read with read_text)."""

from __future__ import annotations

import os


def read_text(name: str) -> str:
    """The shipped table `name`, as text. A plain file read: importlib.resources would bring tempfile
    and zipfile into every filter start-up; it is the fallback for a package imported from a zip."""
    try:
        with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        from importlib.resources import files

        return files(__name__).joinpath(name).read_text(encoding="utf-8")
