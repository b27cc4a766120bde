"""`python -m legaldesk` runs the legaldesk CLI."""

from legaldesk.cli import main

main()
