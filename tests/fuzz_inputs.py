"""Random, well-formed-ish hostile inputs from a seed: graph files, --values
strings and option lists.  Shared by the fuzz tests (a fixed budget in CI) and
benchmarks/fuzz_long.py (a long run), so both try the same kinds of input.

The inputs aim at the edges: huge and tiny numbers, constants inside
functions (relu(relu(2))), negative bases to fractional powers, division by
something that can be zero, softmax of extreme arguments, shuffled and
mutated lines, and sometimes plain garbage."""
import random

NUMBERS = ["0", "1", "2", "0.5", "-1", "3", "1e3", "1e-3", "1e30", "2.5e-2", "10", "100", "1e-30"]
VALUE_NUMBERS = ["0", "1", "-1", "0.5", "3", "-5", "1e50", "-1e50", "1e100", "1e-100", "1e101",
                 "1e999999", "nan", "inf", "-0", "0.1", "1.5", "2e-7", "007", "1.", ".5", "1e",
                 "--1", "0x10", "\u22125", "1_000", "", "[]", "[[]]", "[1, 2]", "[[1, 2], [3, 4]]",
                 "[[[1]]]", "\"3\"", "true", "null"]
FUNCS = ["sigmoid", "relu", "tanh", "exp", "log", "sqrt"]
OPTIONS = [[], ["--random-values"], ["--random-values", "--gradcheck", "--format", "json"],
           ["--random-values", "--lr", "0.1", "--steps", "2"], ["--format", "markdown"],
           ["--random-values", "--digits", "7", "--format", "markdown"]]


def expression(rng, names, depth=3):
    """A right-hand side over ``names`` (and numbers)."""
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(names) if names and rng.random() < 0.7 else rng.choice(NUMBERS)
    d = depth - 1
    kind = rng.randrange(9)
    if kind == 0:
        return f"{expression(rng, names, d)} {rng.choice('+-*/')} {expression(rng, names, d)}"
    if kind == 1:
        return f"{rng.choice(FUNCS)}({expression(rng, names, d)})"
    if kind == 2:
        args = [expression(rng, names, d) for _ in range(rng.randint(1, 3))]
        return f"softmax({', '.join(args)})[{rng.randint(1, len(args))}]"
    if kind == 3:
        return f"({expression(rng, names, d)})^{rng.choice(['2', '3', '-2', '0.5', '-1', '5', '100'])}"
    if kind == 4:
        return f"({expression(rng, names, d)})^{expression(rng, names, d)}"
    if kind == 5:
        return f"log(1 + exp({expression(rng, names, d)}))"
    if kind == 6:
        return f"-({expression(rng, names, d)})"
    if kind == 7:
        return f"relu(relu({expression(rng, names, d)}))"
    return f"{expression(rng, names, d)}*{expression(rng, names, d)}"


def graph_file(rng):
    """The text of a random graph file: usually valid, sometimes not."""
    params = [f"w{i}" for i in range(1, rng.randint(1, 4))] + (["b"] if rng.random() < 0.5 else [])
    params = params or ["w1"]
    inputs = ["x"] + (["x2"] if rng.random() < 0.2 else [])
    targets = ["t"] if rng.random() < 0.6 else []
    names = params + inputs + targets
    lines = [f"params: {', '.join(params)}", f"input: {', '.join(inputs)}"]
    if targets:
        lines.append("target: t")
    for i in range(rng.randint(0, 5)):
        lines.append(f"h{i} = {expression(rng, names)}")
        names.append(f"h{i}")
    used = [n for n in names if n.startswith("h")] or params
    cost = rng.choice([f"({rng.choice(used)} - t)^2/2" if targets else f"{rng.choice(used)}^2",
                       expression(rng, names), f"{rng.choice(used)}^2 + 0*({' + '.join(params)})"])
    lines.append(f"C = {cost}")
    if rng.random() < 0.5:
        rng.shuffle(lines)
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.15:  # a mutation: cut, duplicate or insert a few characters
        pos = rng.randrange(len(text))
        text = text[:pos] + rng.choice(["", "(", ")", "^", "*", "#", "\n", "=", ",", "é", "\x00", text[pos:pos + 5]]) \
            + text[pos + rng.randint(0, 3):]
    return text, params + inputs + targets


def graph_values(rng, names):
    """--values for a graph with the leaves ``names`` (sometimes missing or extra keys)."""
    pairs = [f"{n}={rng.choice(VALUE_NUMBERS[:16])}" for n in names if rng.random() < 0.9]
    if rng.random() < 0.1:
        pairs.append(f"{rng.choice(['zz', 'w9', 'x'])}={rng.choice(VALUE_NUMBERS)}")
    return ", ".join(pairs)


LAYERED = [["--layers", "1-1-1"], ["--layers", "1-1-1", "--activation", "relu,sigmoid"],
           ["--layers", "2-3", "--activation", "softmax", "--cost", "log-likelihood"],
           ["--layers", "2-2-1", "--cost", "cross-entropy"], ["--layers", "1-1", "--activation", "tanh"],
           ["--layers", "1-1-1", "--notation", "ng"]]
KEYS = {"nielsen": ["x", "y", "t", "w2", "b2", "w3", "b3"], "ng": ["x", "y", "theta1", "b1", "theta2", "b2"]}


# a complete, valid --values for each of LAYERED, so that a share of the cases get past
# reading and exercise the numbers with one entry made extreme
VALID = [{"x": "3", "y": "1", "w2": "0.01", "b2": "0", "w3": "-5", "b3": "-1"},
         {"x": "3", "y": "1", "w2": "0.01", "b2": "0", "w3": "-5", "b3": "-1"},
         {"x": "[0.5, -1]", "y": "[0.25, 0.25, 0.5]", "w2": "[[0.1,0.2],[0.3,0.4],[0.5,0.6]]",
          "b2": "[0, 0.5, -2]"},
         {"x": "[1, 2]", "y": "1", "w2": "[[0.1,0.2],[0.3,0.4]]", "b2": "[0, 0]", "w3": "[[1, -1]]",
          "b3": "0.5"},
         {"x": "2", "y": "0.5", "w2": "0.3", "b2": "-0.1"},
         {"x": "3", "y": "1", "theta1": "0.01", "b1": "0", "theta2": "-5", "b2": "-1"}]
EXTREME = ["1e50", "-1e50", "1e100", "-1e100", "1e-100", "0", "-0", "100", "-100", "1e30", "2",
           "[1e50, -1e50]", "[[1e100, 1e100], [1e100, 1e100]]"]


def values_case(rng):
    """(network options, --values text, extra options) for a layered network."""
    i = rng.randrange(len(LAYERED))
    net = LAYERED[i]
    keys = KEYS["ng" if "ng" in net else "nielsen"] + ["W1", "q", "x x", "é"]
    kind = rng.random()
    if kind < 0.4:
        pairs = dict(VALID[i])
        for _ in range(rng.randint(0, 2)):
            pairs[rng.choice(list(pairs))] = rng.choice(EXTREME)
        text = ", ".join(f"{k}={v}" for k, v in pairs.items())
    elif kind < 0.7:
        text = ", ".join(f"{rng.choice(keys)}={rng.choice(VALUE_NUMBERS)}"
                         for _ in range(rng.randint(0, 8)))
    elif kind < 0.85:
        body = ", ".join(f'"{rng.choice(keys)}": {rng.choice(VALUE_NUMBERS)}'
                         for _ in range(rng.randint(0, 8)))
        text = "{" + body + ("}" if rng.random() < 0.9 else "")
    else:  # soup
        text = "".join(rng.choice(["x", "=", ",", "[", "]", "{", "}", "1", "e", "5", "-", ".", " ", '"',
                                   ":", "w2", "nan", "\\", "\u2212"]) for _ in range(rng.randint(0, 30)))
    extra = rng.choice([[], ["--random-values"], ["--gradcheck"], ["--lr", "0.5", "--steps", "3"],
                        ["--random-values", "--lr", rng.choice(["-1", "0", "1e100", "0.1"])],
                        ["--format", "json"], ["--digits", "12"]])
    return net, text, extra
