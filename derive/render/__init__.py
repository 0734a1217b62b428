"""Stage 4, rendering: the sympy printer for our notation, the Jinja environment, line breaking, diagrams, PDF builds, atomic files.
Imports only the model, engine and numbers stages and ``derive.errors``."""
