"""`python -m reportmine` runs the command-line interface."""
import sys

from reportmine.cli import main

if __name__ == "__main__":  # spawned parser workers import this module too
    sys.exit(main())
