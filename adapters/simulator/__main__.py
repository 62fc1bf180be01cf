"""Entry point: python -m adapters.simulator --host H --port P --app-id ID --app-secret S."""

import sys

from adapters.simulator.cli import main

sys.exit(main())
