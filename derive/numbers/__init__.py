"""Stage 3, the numbers: values, forward and backward passes in 50 digits, worked-example lines, SGD.
Imports only ``derive.model``, ``derive.engine`` and ``derive.errors``."""
