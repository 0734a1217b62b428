"""Stage 7, the command: the click options (``cli``) and the dispatch they feed (``run``).
Imports every earlier stage; nothing imports it but the console script and ``python -m derive``."""
