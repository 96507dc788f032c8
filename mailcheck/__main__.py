"""`python -m mailcheck`."""

from .cli import main

main()
