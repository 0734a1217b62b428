"""Reading a hand derivation: finding the math in a file, our lark grammars, and the names that map it onto the network.
Imports the model stage, ``derive.check.limits`` and ``derive.errors`` only."""
