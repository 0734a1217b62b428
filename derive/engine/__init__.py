"""Stage 2, the engine: the chain rule as steps that are data (rules, the graph walk, δ, index form, BP1–BP4).
Imports only ``derive.model`` and ``derive.errors``."""
