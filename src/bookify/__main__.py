"""`python -m bookify` runs the command line."""

from .cli import main

main()
