"""`python -m audit` is the same as the `antipersona` command."""

from .cli import main

main()
