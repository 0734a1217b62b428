"""The engine's expression for a known left-hand side (∂C/∂w, δ, σ'(z), …), shown as
a wrong step's ``expected:`` only where it agrees with the independent semantics."""
import sympy as sp

from derive.model.symbols import label
from derive.check.judge.semantics import compare
from derive.check.judge.shapes import Missing, ShapeMismatch
from derive.check.limits import StepTimeout, Unsupported


class EngineAnswers:
    """Mixin of ``verify.Checker``: needs ``inst``, ``points`` and the ``_expected`` cache."""

    def expected(self, ref, assign, rhs, kind, rate):
        """The engine's expression for a known left side, at this assignment."""
        try:
            value = self.inst.value(ref, assign)
        except (Missing, ShapeMismatch, Unsupported):
            return None
        with_delta = any(label(q) and label(q)[0] == "delta" for q in rhs.atoms(sp.Indexed)) or any(
            str(b.label).startswith("delta:") for b in rhs.atoms(sp.IndexedBase))
        if kind == "link":
            return value
        if isinstance(value, sp.MatrixBase):
            items = [self._known(q, with_delta) for q in value]
            if any(i is None for i in items):
                return None
            return sp.Matrix(value.shape[0], value.shape[1], items)
        return self._known(value, with_delta)

    def _known(self, q, with_delta):
        key = (q, with_delta)
        if key not in self._expected:
            self._expected[key] = self._engine_form(q, with_delta)
        return self._expected[key]

    def _engine_form(self, q, with_delta):
        from derive.check.judge.known import engine_form

        form = engine_form(self, q, with_delta)
        if form is None:
            return None
        try:  # shown only if it agrees with the independent semantics
            xs = self.points.values(form)
            ys = self.points.values(q)
        except (Unsupported, StepTimeout):
            return None
        return form if compare(xs, ys)[0] == "equal" else None
