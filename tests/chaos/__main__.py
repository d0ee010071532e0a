"""python -m tests.chaos --database-url URL [--minutes N] [--seed S]: a chaos run outside pytest (a soak)."""
import sys

from .run import main

sys.exit(main())
