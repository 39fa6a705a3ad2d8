"""`python -m speedprior` runs the CLI."""

from speedprior.cli import main

main()
