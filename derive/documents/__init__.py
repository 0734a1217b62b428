"""Stage 6, the documents: the Derivation and its build, handouts, exercise sheets, and the document jobs.
Imports every earlier stage (model, engine, numbers, render, check), never ``derive.command``."""
