"""Judging what was read: independent semantics, verdicts, worked-example numbers, and diagnoses.
Imports ``derive.check.read``, ``derive.check.limits``, the model and engine stages."""
