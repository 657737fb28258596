"""`python -m gepnet_desktop`: the window by default, subcommands for headless work."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
