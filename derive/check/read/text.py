"""Strings that remember where each character came from.

A hand derivation is cut, cleaned and macro-expanded before it is parsed, yet
every verdict must name the line (and, for a parse error, the column) of the
original file.  ``Text`` carries, for every character, its offset in the
source; ``Source`` turns offsets into 1-based line and column numbers.
"""
import bisect


class Source:
    """The whole input file: its text and where its lines start."""

    def __init__(self, text, name="<input>"):
        self.text = text
        self.name = name
        self._starts = [0]
        for i, c in enumerate(text):
            if c == "\n":
                self._starts.append(i + 1)

    def line_col(self, offset):
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def whole(self):
        return Text(self.text, range(len(self.text)))


class Text:
    """A string plus, for each character, its offset in the ``Source``."""

    __slots__ = ("pos", "s")

    def __init__(self, s, pos):
        self.s = s
        self.pos = list(pos)
        assert len(self.s) == len(self.pos)

    def __len__(self):
        return len(self.s)

    def __str__(self):
        return self.s

    def __repr__(self):
        return f"Text({self.s!r})"

    def __getitem__(self, sl):
        return Text(self.s[sl], self.pos[sl])

    def __add__(self, other):
        return Text(self.s + other.s, self.pos + other.pos)

    def origin(self, i=0):
        """Source offset of character ``i`` (the end maps just past the last one)."""
        if not self.pos:
            return 0
        if i >= len(self.pos):
            return self.pos[-1] + 1
        return self.pos[max(i, 0)]

    def first_origin(self):
        """Source offset of the first non-blank character."""
        for c, p in zip(self.s, self.pos):
            if not c.isspace():
                return p
        return self.origin(0)

    def strip(self):
        s = self.s
        lo, hi = 0, len(s)
        while lo < hi and s[lo].isspace():
            lo += 1
        while hi > lo and s[hi - 1].isspace():
            hi -= 1
        return self[lo:hi]

    def replace_spans(self, spans):
        """A copy with each (start, end, new) span replaced; the new characters
        all map to the source offset of ``start``.  Spans must not overlap."""
        out, pos, last = [], [], 0
        for start, end, new in sorted(spans):
            if start < last:
                continue
            out.append(self.s[last:start])
            pos.extend(self.pos[last:start])
            out.append(new)
            pos.extend([self.origin(start)] * len(new))
            last = end
        out.append(self.s[last:])
        pos.extend(self.pos[last:])
        return Text("".join(out), pos)

    def blank_spans(self, spans):
        """The same text with every [start, end) span turned into spaces, in one pass
        (blanking thousands of comments one by one was quadratic)."""
        chars = list(self.s)
        for start, end in spans:
            for i in range(max(start, 0), min(end, len(chars))):
                if chars[i] != "\n":
                    chars[i] = " "
        return Text("".join(chars), self.pos)

    def blank(self, start, end):
        """The same text with [start, end) turned into spaces (offsets kept)."""
        s = self.s[:start] + "".join(c if c == "\n" else " " for c in self.s[start:end]) + self.s[end:]
        return Text(s, self.pos)


def matching_brace(s, i, open_="{", close="}"):
    """Index just past the brace that closes the one at ``s[i]``, or -1."""
    depth = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def brace_table(s, open_="{", close="}"):
    """{index of an opening brace: index just past its closing brace, or -1}, for all
    of ``s`` in one pass: ``matching_brace`` from each of many unclosed braces
    (``\\text{`` 100 000 times) would scan to the end each time."""
    table, stack = {}, []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == open_:
            stack.append(i)
        elif c == close and stack:
            table[stack.pop()] = i + 1
        i += 1
    for j in stack:
        table[j] = -1
    return table
