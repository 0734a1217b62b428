"""Stage 1, the model: what a network is (symbols, activations, costs, the graph, layered networks, notations, graph files).
Imports nothing of derive but ``derive.errors``."""
