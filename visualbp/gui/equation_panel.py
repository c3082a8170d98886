"""The equation panel: the equation the current step applies, the same equation for one neuron
with its numbers plugged in, and a plain-words narration.

Typeset with Qt rich text (HTML ``<sup>``/``<sub>``, Greek letters, ⊙, Σ, ∂) in a serif font;
nothing is fetched and there is no LaTeX. Formulas are written once in a tiny markup
(``x^{2}`` superscript, ``x_{3}`` subscript, ``*{…}`` the bold, sign-coloured result, ``~{…}``
a small grey note, a newline a line break) that renders both to HTML and to plain Unicode text (``δ²₃``) for tests and
accessibility.

Every number shown comes from the current step record's arrays, ``session.engine.current``,
the network's weights and biases, ``engine.eta`` and the record's minibatch size: the panel
never computes a gradient.

Neurons are numbered from 1 in every layer, as in the book and the network view's hover cards:
``w³₂₄`` is the weight from the 4th neuron of layer 2 (k=4) to the 2nd neuron of layer 3 (j=2).
Inside, j and k stay 0-based array indices like ``session.selected`` and the arrays; only the
text adds 1.
"""

from __future__ import annotations

import html
import importlib.resources
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFont, QMouseEvent
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from visualbp.core.steps import Kind, StepRecord
from visualbp.gui import theme
from visualbp.gui.session import Session
from visualbp.gui.view_limits import neurons_drawn

#: Math-looking serif fonts, best first; Qt falls back along the list.
MATH_FAMILIES = ["Cambria Math", "STIX Two Math", "STIX Two Text", "STIXGeneral", "STIX",
                 "Latin Modern Math", "DejaVu Serif", "serif"]

#: The side list, in the book's order: key, title, general equation (markup).
SIDE_EQUATIONS: tuple[tuple[str, str, str], ...] = (
    ("feedforward", "feedforward", "a^{l} = σ(w^{l}a^{l−1} + b^{l})"),
    ("BP1", "BP1", "δ^{L} = ∇_{a}C ⊙ σ'(z^{L})"),
    ("BP2", "BP2", "δ^{l} = ((w^{l+1})^{T}δ^{l+1}) ⊙ σ'(z^{l})"),
    ("BP3", "BP3", "∂C/∂b^{l}_{j} = δ^{l}_{j}"),
    ("BP4", "BP4", "∂C/∂w^{l}_{jk} = a^{l−1}_{k}δ^{l}_{j}"),
    ("update", "update", "w^{l} → w^{l} − η/m Σ_{x}δ^{x,l}(a^{x,l−1})^{T}"),
)

#: What ``active_equation()`` returns for each kind of step.
ACTIVE_NAME: dict[Kind, str] = {
    Kind.INPUT: "input",
    Kind.FEEDFORWARD: "feedforward",
    Kind.OUTPUT_ERROR: "BP1",
    Kind.BACKPROP_ERROR: "BP2",
    Kind.GRADIENT_B: "BP3",
    Kind.GRADIENT_W: "BP4",
    Kind.UPDATE: "update",
    Kind.BATCH: "minibatch",
}

# Which rows of the side list light up for each kind: a¹ = x starts the feedforward; a whole
# minibatch taken in one matrix pass applies all of them.
_ROWS_OF: dict[Kind, tuple[str, ...]] = {
    Kind.INPUT: ("feedforward",),
    Kind.FEEDFORWARD: ("feedforward",),
    Kind.OUTPUT_ERROR: ("BP1",),
    Kind.BACKPROP_ERROR: ("BP2",),
    Kind.GRADIENT_B: ("BP3",),
    Kind.GRADIENT_W: ("BP4",),
    Kind.UPDATE: ("update",),
    Kind.BATCH: tuple(key for key, _, _ in SIDE_EQUATIONS),
}

_TITLE: dict[Kind, str] = {
    Kind.INPUT: "input",
    Kind.FEEDFORWARD: "feedforward",
    Kind.OUTPUT_ERROR: "BP1 · the error in the output layer",
    Kind.BACKPROP_ERROR: "BP2 · the error moves backward",
    Kind.GRADIENT_B: "BP3 · the gradient of the biases",
    Kind.GRADIENT_W: "BP4 · the gradient of the weights",
    Kind.UPDATE: "gradient descent · the update",
    Kind.BATCH: "a whole minibatch · matrix form",
}

# --------------------------------------------------------------------------- text data


@lru_cache(maxsize=1)
def load_texts() -> dict:
    """The narration and explanation texts from ``resources/narration.json`` (packaged data)."""
    try:
        raw = (importlib.resources.files("visualbp.resources") / "narration.json").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        raw = (Path(__file__).resolve().parents[2] / "resources" / "narration.json").read_text("utf-8")
    return json.loads(raw)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def narration_for(kind: Kind | None, l: int, L: int, m: int, cross_entropy: bool = False) -> str:
    """The narration of a step kind with ``{l}``, ``{L}``, ``{next}``, ``{prev}``, ``{m}`` filled in."""
    texts = load_texts()["narration"]
    key = "none" if kind is None else kind.value
    if kind is Kind.OUTPUT_ERROR and cross_entropy:
        key = "output_error_cross_entropy"
    return texts[key].format_map(_Blank(l=l, L=L, next=l + 1, prev=l - 1, m=m))


# --------------------------------------------------------------------------- markup

_SUP = dict(zip("0123456789+−-()=nilLTxkj", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁽⁾⁼ⁿⁱˡᴸᵀˣᵏʲ"))
_SUB = dict(zip("0123456789+−-()=aeoxhklmnpstj", "₀₁₂₃₄₅₆₇₈₉₊₋₋₍₎₌ₐₑₒₓₕₖₗₘₙₚₛₜⱼ"))
_SCRIPT = re.compile(r"([\^_])\{([^{}]*)\}")
_BOLD = re.compile(r"\*\{([^{}]*)\}")
_NOTE = re.compile(r"~\{([^{}]*)\}")
_LETTER = re.compile(r"(?<![A-Za-z&#])([A-Za-z])(?![A-Za-z;])")


def _plain_script(mark: str, text: str) -> str:
    table = _SUP if mark == "^" else _SUB
    if all(c in table or c == "," for c in text):
        return "".join(table.get(c, c) for c in text)
    return f"{mark}({text})" if len(text) > 1 else f"{mark}{text}"


def to_plain(markup: str) -> str:
    """Markup → plain Unicode: ``δ^{2}_{3}`` → ``δ²₃``; a newline → `` ; ``."""
    text = _SCRIPT.sub(lambda m: _plain_script(m.group(1), m.group(2)), markup)
    text = _BOLD.sub(lambda m: m.group(1), text)
    text = _NOTE.sub(lambda m: m.group(1), text)
    return text.replace("\n", " ; ")


def _italic(text: str) -> str:
    return _LETTER.sub(r"<i>\1</i>", text)


def to_html(markup: str) -> str:
    """Markup → Qt rich text: ``<sup>``/``<sub>``, italic single-letter variables, a coloured bold result."""
    th = theme.current()
    out = []
    pos = 0
    for m in _SCRIPT.finditer(markup):
        out.append(_italic(html.escape(markup[pos:m.start()], quote=False)))
        inner = html.escape(m.group(2), quote=False)
        inner = inner if inner == "T" else _italic(inner)
        tag = "sup" if m.group(1) == "^" else "sub"
        out.append(f"<{tag}>{inner}</{tag}>")
        pos = m.end()
    out.append(_italic(html.escape(markup[pos:], quote=False)))
    text = "".join(out)

    def bold(m: re.Match) -> str:
        body = m.group(1)
        rgb = th.negative if body.lstrip().startswith("−") else th.positive
        dark = tuple(int(c * 0.8) for c in rgb)
        return f"<b style='color:rgb{dark}'>{body}</b>"

    text = _BOLD.sub(bold, text)
    text = _NOTE.sub(lambda m: f"<span style='color:{th.muted}; font-size:small'>{m.group(1)}</span>", text)
    text = re.sub(r"  +", lambda m: "&nbsp;" * len(m.group(0)), text)
    return text.replace("\n", "<br>")


def _num(value: float) -> str:
    """A number as markup: 4 significant digits from 1 up, 3 below, ×10ⁿ outside 0.001…10⁵.

    Whole numbers print bare (y = 1, η = 3); a value that only rounds to one keeps its zeros (1.000).
    """
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    a = abs(v)
    if 1e-3 <= a < 1e5:
        spec = ".4g" if a >= 1 else ".3g"
        s = format(v, spec)
        if v != round(v) and float(s) == round(float(s)):
            s = format(v, "#" + spec)  # 0.99999 shows as 1.000, not as the integer 1
    else:
        mant, exp = f"{v:.2e}".split("e")
        s = f"{mant}×10^{{{int(exp)}}}"
    return s.replace("-", "−")


def _plus(value: float) -> str:
    """``+ 0.2`` or ``− 0.2``: a term added to a sum (markup)."""
    text = _num(value)
    return f"− {text[1:]}" if text.startswith("−") else f"+ {text}"


def format_number(value: float) -> str:
    """How the panel prints a number, as plain text (``-0.0612`` → ``−0.0612``)."""
    return to_plain(_num(value))


def _idx(*indices: int | str) -> str:
    """Subscript text for array indices (ints, shown from 1 like the book) and letters (str, as is).

    ``_idx(1, 3)`` → ``24``; written together while every part is one character, else with commas:
    ``_idx(11, 405)`` → ``12,406``, ``_idx(9, "k")`` → ``10,k``.
    """
    shown = [i if isinstance(i, str) else str(int(i) + 1) for i in indices]
    return ("" if all(len(s) == 1 for s in shown) else ",").join(shown)


def _n(i: int) -> int:
    """The book's 1-based neuron number of array index ``i`` (for the words beneath the numbers)."""
    return int(i) + 1


# --------------------------------------------------------------------------- widgets


def side_scale() -> float:
    """The side list's type scale: half of the theme's growth (presentation mode keeps room for the step)."""
    return 1.0 + (theme.scale() - 1.0) / 2


def _math_font(point_size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(MATH_FAMILIES)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    font.setStyleHint(QFont.StyleHint.Serif)
    return font


class _EquationRow(QFrame):
    """One entry of the side list: a name and its general equation; click for a one-line explanation."""

    clicked = pyqtSignal(str)

    def __init__(self, key: str, title: str, markup: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("equationRow")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(explanation)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 6, 2)
        lay.setSpacing(6)
        self._markup = markup
        self.name = QLabel(title)
        self.formula = QLabel()
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setToolTip(explanation)
        lay.addWidget(self.name)
        lay.addWidget(self.formula, 1)
        self.active = False
        self._strong = True
        self.apply_theme()

    def apply_theme(self) -> None:
        """Type sized and coloured by ``theme.current()`` (larger in presentation mode)."""
        k = side_scale()
        self.name.setMinimumWidth(round(86 * k))
        self.formula.setFont(_math_font(round(10.5 * k, 2)))
        self.formula.setText(to_html(self._markup))
        self.set_active(self.active, self._strong)

    def set_active(self, active: bool, strong: bool = True) -> None:
        th = theme.current()
        self.active = active
        self._strong = strong
        if active:
            bg = th.highlight if strong else th.panel
            accent = "rgb({},{},{})".format(*th.positive)
            self.setStyleSheet(f"#equationRow {{ background: {bg}; border-left: 4px solid {accent}; }}")
        else:
            self.setStyleSheet("#equationRow { background: transparent; border-left: 4px solid transparent; }")
        font = self.name.font()
        font.setBold(active)
        self.name.setFont(font)
        color = th.text if active else th.muted
        self.name.setStyleSheet(f"color: {color};")

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.key)
            event.accept()
            return
        super().mousePressEvent(event)


class EquationPanel(QWidget):
    """The current step's equation (BP1–BP4, feedforward, update) with one neuron's numbers."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._record: StepRecord | None = None
        self._active = ""
        self._numbers_markup = ""
        self._narration = ""
        self._gradient_stale = False  # engine.last_gradient may belong to an undone minibatch
        self._just_backed = False
        self._equation_plain = ""
        self._equation_markup = ""
        self._shrink = 1.0  # presentation mode: the step's text shrunk to fit the panel
        texts = load_texts()

        # side list -----------------------------------------------------------
        self._side = side = QFrame()
        side.setObjectName("equationSide")
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(4, 6, 6, 6)
        side_lay.setSpacing(1)
        self._heading = heading = QLabel("The equations of backpropagation")
        side_lay.addWidget(heading)
        self.rows: dict[str, _EquationRow] = {}
        for key, title, markup in SIDE_EQUATIONS:
            row = _EquationRow(key, title, markup, texts["explain"][key])
            row.clicked.connect(self._explain)
            self.rows[key] = row
            side_lay.addWidget(row)
        self.explain_label = QLabel("Click an equation to read what it says.")
        self.explain_label.setWordWrap(True)
        self.explain_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._explained = False
        side_lay.addWidget(self.explain_label)
        side_lay.addStretch(1)

        # main area -------------------------------------------------------------
        self.title_label = QLabel()
        self.equation_label = QLabel()
        self.equation_label.setTextFormat(Qt.TextFormat.RichText)
        self.equation_label.setWordWrap(True)
        self.equation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.numbers_label = QLabel()
        self.numbers_label.setTextFormat(Qt.TextFormat.RichText)
        self.numbers_label.setWordWrap(True)
        self.numbers_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.which_label = QLabel()
        self.narration_label = QLabel()
        self.narration_label.setWordWrap(True)
        self.narration_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self._main = main = QVBoxLayout()
        main.setContentsMargins(12, 6, 10, 6)
        main.setSpacing(4)
        main.addWidget(self.title_label)
        main.addWidget(self.equation_label)
        main.addSpacing(2)
        main.addWidget(self.numbers_label)
        main.addWidget(self.which_label)
        main.addSpacing(4)
        main.addWidget(self.narration_label)
        main.addStretch(1)

        # A fixed minimum: the texts change at every step, and a minimum that followed them would
        # resize the dock and the main window with every step.
        self.setMinimumSize(480, 150)
        self.setObjectName("equationPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QHBoxLayout(self)
        # The panel's minimum size is not pushed up to its window as the texts change: in a dock
        # that is the dock's business, and on its own (tests, offscreen) it would warn.
        lay.setSizeConstraint(QHBoxLayout.SizeConstraint.SetNoConstraint)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(side)
        lay.addLayout(main, 1)

        session.stepTaken.connect(self._on_step)
        session.steppedBack.connect(self._on_stepped_back)
        session.networkChanged.connect(self._on_network_changed)
        session.selectionChanged.connect(self._on_selection_changed)
        self._style()
        theme.notifier().changed.connect(self.apply_theme)
        self.show_record(session.engine.last_record)

    def _on_selection_changed(self, _neuron: object) -> None:
        self.show_record(self._record)

    # ----------------------------------------------------------------- public accessors
    def active_equation(self) -> str:
        """'feedforward', 'BP1'…'BP4', 'update', 'input', 'minibatch' (a BATCH record), or '' before any step."""
        return self._active

    def numbers_text(self) -> str:
        """The numbers line as plain Unicode text (e.g. ``δ²₃ = (Σₖ w³ₖ₃ δ³ₖ) · σ'(z²₃) = …``)."""
        return to_plain(self._numbers_markup)

    def narration_text(self) -> str:
        return self._narration

    def equation_text(self) -> str:
        """The big equation as plain text."""
        return self._equation_plain

    # ----------------------------------------------------------------- updates
    def _on_stepped_back(self, _undone: StepRecord) -> None:
        self._gradient_stale = True
        self._just_backed = True

    def _on_step(self, record: StepRecord | None) -> None:
        if self._just_backed:  # the stepTaken that follows a back()
            self._just_backed = False
        elif record is not None and (record.kind is Kind.BATCH
                                     or (record.kind is Kind.UPDATE and record.l == self.session.net.num_layers)):
            self._gradient_stale = False  # a forward move just finished a minibatch: last_gradient is its own
        self.show_record(record)

    def _on_network_changed(self) -> None:
        self._gradient_stale = False
        self._just_backed = False
        self.show_record(self.session.engine.last_record)

    def _explain(self, key: str) -> None:
        self.explain_label.setText(load_texts()["explain"][key])
        self._explained = True
        self._style_explanation()

    def _style_explanation(self) -> None:
        th = theme.current()
        color = th.text if self._explained else th.muted
        size = round(8.5 * side_scale(), 2)
        self.explain_label.setStyleSheet(f"color: {color}; font-size: {size:g}pt; padding: 2px 4px;")

    # ----------------------------------------------------------------- the look
    def apply_theme(self, _theme: object = None) -> None:
        """Re-style in ``theme.current()``'s colours and type sizes and show the step again (presentation
        mode: every size scales with font_pt / 10, and the narration stands out as the lecturer's script)."""
        self._style()
        for row in self.rows.values():
            row.apply_theme()
        self.show_record(self._record)

    def presenting(self) -> bool:
        """True while the theme's type is larger than the light theme's (presentation mode)."""
        return theme.scale() > 1.0

    def _style(self) -> None:
        th = theme.current()
        self._side.setStyleSheet(f"#equationSide {{ background: {th.panel}; border-right: 1px solid {th.grid}; }}")
        k = side_scale()
        self._heading.setStyleSheet(f"color: {th.muted}; font-size: {round(8.5 * k, 2):g}pt;")
        self._style_explanation()
        self._side.setFixedWidth(round(300 * k))
        for label in (self.title_label, self.which_label):
            label.setWordWrap(self.presenting())  # one line in the light theme's small type
        self._shrink = 1.0
        self._style_main()
        self.setStyleSheet(f"#equationPanel {{ background: {th.background}; }}")

    def _main_pt(self, size: float) -> float:
        """A light-theme point size of the step's text, in the theme's type and shrunk to fit (presentation)."""
        return round(theme.pt(size) * self._shrink, 2)

    def _style_main(self) -> None:
        """The type of the title, the equation, the numbers, which neuron, and the narration."""
        th = theme.current()
        pt = self._main_pt
        self.title_label.setStyleSheet(f"color: {th.muted}; font-size: {pt(9):g}pt;")
        self.equation_label.setFont(_math_font(pt(17)))
        self.numbers_label.setFont(_math_font(pt(12.5)))
        self.which_label.setStyleSheet(f"color: {th.muted}; font-size: {pt(8.5):g}pt;")
        if self.presenting():  # the lecturer's script: large, bold, with the accent bar of the active equation
            accent = "rgb({},{},{})".format(*th.positive)
            self.narration_label.setStyleSheet(
                f"color: {th.text}; font-size: {pt(10.5):g}pt; font-weight: 600; background: {th.panel}; "
                f"border-left: 6px solid {accent}; padding: 4px 10px;")
        else:
            self.narration_label.setStyleSheet(f"color: {th.text};")

    def text_scale(self) -> float:
        """How much the step's text is shrunk to fit the panel (1 = not at all; presentation mode only)."""
        return self._shrink

    def _fit_type(self) -> None:
        """Presentation mode: shrink the step's text (down to 60 %) until it fits the panel, so a long step
        (a whole minibatch in matrix form) is never clipped or drawn over itself. The light theme keeps
        its sizes."""
        if not self.presenting() or not self.isVisible():
            return
        if self._shrink != 1.0:
            self._shrink = 1.0
            self._style_main()
            self._set_equation_text()
        margins = self._main.contentsMargins()
        avail = self.height() - margins.top() - margins.bottom()
        width = self.width() - self._side.width() - margins.left() - margins.right()
        if avail < 60 or width < 100:
            return
        labels = (self.title_label, self.equation_label, self.numbers_label, self.which_label, self.narration_label)
        for _ in range(8):
            need = 4 * (len(labels) - 1) + 6  # the spacing between them
            for label in labels:
                h = label.heightForWidth(width) if label.wordWrap() else -1
                need += h if h >= 0 else label.sizeHint().height()
            if need <= avail or self._shrink <= 0.6:
                return
            self._shrink = max(0.6, round(self._shrink * max(0.8, min(0.97, (avail / need) ** 0.6)), 3))
            self._style_main()
            self._set_equation_text()

    def _set_equation_text(self) -> None:
        body = to_html(self._equation_markup)
        if self._record is not None and self._record.kind is Kind.BATCH:  # three lines: smaller
            body = f"<span style='font-size:{self._main_pt(12.5):g}pt'>{body}</span>"
        self.equation_label.setText(body)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.presenting() and event.size() != event.oldSize():
            self._fit_type()

    def show_record(self, record: StepRecord | None) -> None:
        """Show ``record``'s equation, one neuron's numbers and the narration (None: before any step); in
        presentation mode, in type that fits the panel."""
        self._show_record(record)
        self._fit_type()

    def _show_record(self, record: StepRecord | None) -> None:
        th = theme.current()
        engine = self.session.engine
        self._record = record
        net = self.session.net
        L = net.num_layers
        ce = net.cost.name == "cross-entropy"
        if record is None:
            self._active = ""
            self._set_rows(())
            eq = self._feedforward_equation(2)
            self._equation_plain = to_plain(eq)
            self._equation_markup = eq
            self.title_label.setText("feedforward — not started")
            self.equation_label.setStyleSheet(f"color: {th.muted};")
            self.equation_label.setText(to_html(eq))
            self._numbers_markup = ""
            hint = load_texts()["start_hint"]
            self.numbers_label.setText(f"<span style='color:{th.muted}'>{html.escape(hint)}</span>")
            self.which_label.setText("")
            self._narration = narration_for(None, 1, L, engine.mini_batch_size)
            self.narration_label.setText(self._narration)
            return
        kind, l = record.kind, record.l
        self._active = ACTIVE_NAME[kind]
        self._set_rows(_ROWS_OF[kind], strong=kind is not Kind.BATCH)
        title = _TITLE[kind]
        if kind is not Kind.BATCH:
            title += f" · layer l = {l}"
        else:
            title += f" · l = 2…{L}, one column of A, Z, Δ per example"
        if record.example is not None:
            title += f" · example {record.example + 1} of {record.batch_size}"
        self.title_label.setText(title)
        eq = self._equation(record)
        self._equation_plain = to_plain(eq)
        self._equation_markup = eq
        self.equation_label.setStyleSheet(f"color: {th.text};")
        body = to_html(eq)
        if kind is Kind.BATCH:  # three lines: smaller, so the numbers still fit beneath
            body = f"<span style='font-size:{self._main_pt(12.5):g}pt'>{body}</span>"
        self.equation_label.setText(body)
        try:
            numbers, which = self._numbers(record)
        except (KeyError, IndexError, TypeError, ValueError):  # a record without the arrays we expect
            numbers, which = "", ""
        self._numbers_markup = numbers
        self.numbers_label.setText(to_html(numbers))
        self.which_label.setText(which)
        self._narration = narration_for(kind, l, L, record.batch_size, cross_entropy=ce)
        self.narration_label.setText(self._narration)

    def _set_rows(self, keys: tuple[str, ...], strong: bool = True) -> None:
        for key, row in self.rows.items():
            row.set_active(key in keys, strong)

    # ----------------------------------------------------------------- the equations
    def _sym(self, l: int) -> str:
        """The activation's symbol at book layer ``l`` ≥ 2: σ, tanh or ReLU."""
        return self.session.net.layer_activation(l - 2).symbol

    def _feedforward_equation(self, l: int) -> str:
        s = self._sym(l)
        return f"a^{{{l}}} = {s}(w^{{{l}}}a^{{{l - 1}}} + b^{{{l}}}) = {s}(z^{{{l}}})"

    def _equation(self, record: StepRecord) -> str:
        """The record's equation with its layer number in place of l (markup)."""
        net = self.session.net
        kind, l, L = record.kind, record.l, net.num_layers
        if kind is Kind.INPUT:
            return "a^{1} = x"
        if kind is Kind.FEEDFORWARD:
            return self._feedforward_equation(l)
        if kind is Kind.OUTPUT_ERROR:
            s = self._sym(l)
            if net.cost.name == "cross-entropy":
                return f"δ^{{{l}}} = ∇_{{a}}C ⊙ {s}'(z^{{{l}}}) = a^{{{l}}} − y"
            return f"δ^{{{l}}} = ∇_{{a}}C ⊙ {s}'(z^{{{l}}}) = (a^{{{l}}} − y) ⊙ {s}'(z^{{{l}}})"
        if kind is Kind.BACKPROP_ERROR:
            return f"δ^{{{l}}} = ((w^{{{l + 1}}})^{{T}}δ^{{{l + 1}}}) ⊙ {self._sym(l)}'(z^{{{l}}})"
        if kind is Kind.GRADIENT_B:
            return f"∂C/∂b^{{{l}}}_{{j}} = δ^{{{l}}}_{{j}}"
        if kind is Kind.GRADIENT_W:
            return f"∂C/∂w^{{{l}}}_{{jk}} = a^{{{l - 1}}}_{{k}}δ^{{{l}}}_{{j}}"
        if kind is Kind.UPDATE:
            decay = "(1 − ηλ/n)" if net.lmbda else ""
            return (f"w^{{{l}}} → {decay}w^{{{l}}} − η/m Σ_{{x}}δ^{{x,{l}}}(a^{{x,{l - 1}}})^{{T}}\n"
                    f"b^{{{l}}} → b^{{{l}}} − η/m Σ_{{x}}δ^{{x,{l}}}")
        # BATCH: the whole minibatch by the matrix form, one column per example
        decay = "(1 − ηλ/n)" if net.lmbda else ""
        return (f"A^{{1}} = X,   A^{{l}} = σ(w^{{l}}A^{{l−1}} + b^{{l}})\n"
                f"Δ^{{{L}}} = ∇_{{A}}C ⊙ σ'(Z^{{{L}}}),   Δ^{{l}} = ((w^{{l+1}})^{{T}}Δ^{{l+1}}) ⊙ σ'(Z^{{l}})\n"
                f"w^{{l}} → {decay}w^{{l}} − η/m Δ^{{l}}(A^{{l−1}})^{{T}},   "
                f"b^{{l}} → b^{{l}} − η/m Σ_{{x}}Δ^{{l}}_{{x}}")

    # ----------------------------------------------------------------- one neuron's numbers
    def _neuron(self, l: int, values: np.ndarray, what: str) -> tuple[int, str]:
        """The selected neuron if it is in layer ``l``, else the one with the largest |value|."""
        sel = self.session.selected
        n = len(values)
        if sel is not None and sel[0] == l and 0 <= sel[1] < n:
            return sel[1], f"neuron j={_n(sel[1])} of layer l={l} · the selected neuron"
        j = int(np.argmax(np.abs(np.nan_to_num(np.asarray(values).ravel(), nan=0.0))))
        return j, f"neuron j={_n(j)} of layer l={l} · largest |{what}|{self._drawn_note(l, n, j)} (click a neuron to choose)"

    def _drawn_note(self, l: int, n: int, j: int) -> str:
        """Says so when neuron j of a wide layer is past the ones the graph draws."""
        data, sizes = self.session.dataset, self.session.net.sizes
        image = bool(data.image_shape) and int(np.prod(data.image_shape)) == sizes[0]
        shown = neurons_drawn(l, n, image, bool(data.is_2d) and sizes[0] == 2)
        return "" if j < shown else f" — not drawn: the graph shows j = 1 … {shown:,} of {n:,}"

    def _weight(self, l: int, scores: np.ndarray, weights: np.ndarray, what: str,
                rank1: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[int, int, str]:
        """A weight w^l_jk: the selected neuron's strongest incoming (or outgoing) one, else the largest |score|.
        With ``rank1`` = (δ^l, a^(l−1)), scores = δ a^T (BP4 for one example): its largest |score| is at the
        largest |δ_j| and the largest |a_k|, found without reading the matrix."""
        sel = self.session.selected
        n_out, n_in = scores.shape
        weights = np.asarray(weights)  # only the row or column needed is read: w may hold millions

        def strongest(values: np.ndarray) -> int:
            return int(np.argmax(np.abs(np.nan_to_num(values, nan=0.0))))

        if sel is not None and sel[0] == l and 0 <= sel[1] < n_out:
            j = sel[1]
            k = strongest(weights[j])
            return j, k, f"the selected neuron j={_n(j)}'s strongest incoming weight, from k={_n(k)}"
        if sel is not None and sel[0] == l - 1 and 0 <= sel[1] < n_in:
            k = sel[1]
            j = strongest(weights[:, k])
            return j, k, f"the selected neuron k={_n(k)}'s strongest outgoing weight, to j={_n(j)}"
        if rank1 is not None:
            delta, a_prev = (np.abs(np.nan_to_num(np.ravel(v), nan=np.inf)) for v in rank1)
            j, k = int(np.argmax(delta)), int(np.argmax(a_prev))
        else:  # the largest |score| from the largest and the smallest score: no copy of a matrix of millions
            scores = np.asarray(scores)  # (a NaN, if any, is found first: it is the number to show)
            hi, lo = int(np.argmax(scores)), int(np.argmin(scores))
            j, k = divmod(lo if abs(scores.flat[lo]) > abs(scores.flat[hi]) else hi, n_in)
        note = self._drawn_note(l, n_out, j) or self._drawn_note(l - 1, n_in, k).replace("j =", "k =")
        return j, k, (f"weight from neuron k={_n(k)} of layer {l - 1} to neuron j={_n(j)} of layer {l}"
                      f" · largest |{what}|{note}")

    def _numbers(self, record: StepRecord) -> tuple[str, str]:
        """The record's equation for one neuron (or weight) with its numbers (markup), and which one."""
        session, engine, net = self.session, self.session.engine, self.session.net
        kind, l, r = record.kind, record.l, record.arrays
        n = _num
        if kind is Kind.INPUT:
            a = r["a"].ravel()
            j, which = self._neuron(1, a, "x")
            text = f"a^{{1}}_{{{_idx(j)}}} = x_{{{_idx(j)}}} = *{{{n(a[j])}}}"
            if len(a) <= 4:
                text += "\na^{1} = x = (" + ", ".join(n(v) for v in a) + ")"
            if "y" in r and len(r["y"]) <= 10:
                text += ",   y = (" + ", ".join(n(v) for v in r["y"].ravel()) + ")"
            return text, which
        if kind is Kind.FEEDFORWARD:
            z, a = r["z"].ravel(), r["a"].ravel()
            j, which = self._neuron(l, z, "z")
            J = _idx(j)
            s = self._sym(l)
            b = float(net.biases[l - 2][j, 0])
            text = f"z^{{{l}}}_{{{J}}} = Σ_{{k}} w^{{{l}}}_{{{_idx(j, 'k')}}} a^{{{l - 1}}}_{{k}} + b^{{{l}}}_{{{J}}} = "
            a_prev = engine.current("a", l - 1)
            w_row = net.weights[l - 2][j]
            if a_prev is not None and len(w_row) <= 3:
                terms = " + ".join(f"({n(w)})({n(x)})" for w, x in zip(w_row, a_prev.ravel()))
                text += f"{terms} {_plus(b)} = "
            else:
                text += f"{n(z[j] - b)} {_plus(b)} = "
            text += f"{n(z[j])}\na^{{{l}}}_{{{J}}} = {s}({n(z[j])}) = *{{{n(a[j])}}}"
            if "cost" in r:
                text += f",   C_{{x}} = {n(float(r['cost']))}"
            return text, which
        if kind is Kind.OUTPUT_ERROR:
            delta, sp = r["delta"].ravel(), r["sp"].ravel()
            j, which = self._neuron(l, delta, "δ")
            J = _idx(j)
            a_L = engine.current("a", l)
            a_j = float(a_L[j, 0]) if a_L is not None else float("nan")
            y_j = self._target(j, a_j, record)
            if net.cost.name == "cross-entropy":
                return (f"δ^{{{l}}}_{{{J}}} = a^{{{l}}}_{{{J}}} − y_{{{J}}} = {n(a_j)} − {n(y_j)} = "
                        f"*{{{n(delta[j])}}}    ~{{(σ' cancels)}}"), which
            s = self._sym(l)
            return (f"δ^{{{l}}}_{{{J}}} = (a^{{{l}}}_{{{J}}} − y_{{{J}}}) · {s}'(z^{{{l}}}_{{{J}}}) = "
                    f"({n(a_j)} − {n(y_j)}) · {n(sp[j])} = *{{{n(delta[j])}}}"), which
        if kind is Kind.BACKPROP_ERROR:
            delta, wtd, sp = r["delta"].ravel(), r["wtd"].ravel(), r["sp"].ravel()
            j, which = self._neuron(l, delta, "δ")
            J = _idx(j)
            s = self._sym(l)
            return (f"δ^{{{l}}}_{{{J}}} = (Σ_{{k}} w^{{{l + 1}}}_{{{_idx('k', j)}}} δ^{{{l + 1}}}_{{k}}) · {s}'(z^{{{l}}}_{{{J}}}) = "
                    f"({n(wtd[j])}) · {n(sp[j])} = *{{{n(delta[j])}}}"), which
        if kind is Kind.GRADIENT_B:
            nb, total = r["nabla_b"].ravel(), r["sum_b"].ravel()
            j, which = self._neuron(l, nb, "δ")
            J = _idx(j)
            text = f"∂C/∂b^{{{l}}}_{{{J}}} = δ^{{{l}}}_{{{J}}} = *{{{n(nb[j])}}}"
            if record.batch_size > 1:
                text += f"\n~{{summed over the minibatch so far: Σ_{{x}} ∂C_{{x}}/∂b^{{{l}}}_{{{J}}} = {n(total[j])}}}"
            return text, which
        if kind is Kind.GRADIENT_W:
            nw, total = r["nabla_w"], r["sum_w"]
            a_prev, delta = engine.current("a", l - 1), engine.current("delta", l)
            rank1 = (delta, a_prev) if a_prev is not None and delta is not None else None
            j, k, which = self._weight(l, nw, net.weights[l - 2], "∂C/∂w", rank1)
            JK = _idx(j, k)
            text = f"∂C/∂w^{{{l}}}_{{{JK}}} = a^{{{l - 1}}}_{{{_idx(k)}}} δ^{{{l}}}_{{{_idx(j)}}} = "
            if a_prev is not None and delta is not None:
                text += f"({n(a_prev[k, 0])})({n(delta[j, 0])}) = "
            text += f"*{{{n(nw[j, k])}}}"
            if record.batch_size > 1:
                text += f"\n~{{summed over the minibatch so far: Σ_{{x}} ∂C_{{x}}/∂w^{{{l}}}_{{{JK}}} = {n(total[j, k])}}}"
            return text, which
        if kind is Kind.UPDATE:
            w, dw = r["w"], r["dw"]
            j, k, which = self._weight(l, dw, w, "Δw")
            which = which.replace("largest |Δw|", "the weight that moved most")
            return self._update_numbers(record, j, k), which
        return self._batch_numbers(record)

    def _target(self, j: int, a_j: float, record: StepRecord) -> float:
        """y_j of the current example: the engine's target row, checked against the record's arrays."""
        engine = self.session.engine
        r = record.arrays
        # The record's own arrays give a − y: ∇_a C = a − y (quadratic) or δ = a − y (cross-entropy).
        a_minus_y = r["delta"] if self.session.net.cost.name == "cross-entropy" else r["grad_a"]
        derived = a_j - float(a_minus_y[j, 0])
        row = engine.current_example_index()
        if row is not None:
            y = float(engine.Y[row, j])
            if math.isclose(y, derived, rel_tol=1e-9, abs_tol=1e-9):
                return y
        return derived

    def _update_numbers(self, record: StepRecord, j: int, k: int) -> str:
        """w^l_jk → w^l_jk − η/m Σ_x ∂C_x/∂w^l_jk with η = engine.eta and m = the minibatch size."""
        engine, net, l, n = self.session.engine, self.session.net, record.l, _num
        w_new = float(record["w"][j, k])
        w_old = w_new - float(record["dw"][j, k])
        JK = _idx(j, k)
        m, eta = record.batch_size, engine.eta
        total = engine.current("sum_w", l)
        grad_sum = float(total[j, k]) if total is not None else None
        if grad_sum is None and engine.last_gradient is not None and not self._gradient_stale:
            grad_sum = float(engine.last_gradient[1][l - 2][j, k]) * m
        decay = 1.0 - eta * (net.lmbda / engine.n_train) if net.lmbda else 1.0
        if grad_sum is not None and math.isclose(decay * w_old - eta / m * grad_sum, w_new, rel_tol=1e-9, abs_tol=1e-12):
            factor = f"(1 − ηλ/n)" if net.lmbda else ""
            shown = f"(1 − {n(eta)}·{n(net.lmbda)}/{engine.n_train})({n(w_old)})" if net.lmbda else n(w_old)
            return (f"w^{{{l}}}_{{{JK}}} → {factor}w^{{{l}}}_{{{JK}}} − η/m Σ_{{x}} ∂C_{{x}}/∂w^{{{l}}}_{{{JK}}} = "
                    f"{shown} − ({n(eta)}/{m})({n(grad_sum)}) = *{{{n(w_new)}}}")
        return (f"w^{{{l}}}_{{{JK}}} → w^{{{l}}}_{{{JK}}} + Δw^{{{l}}}_{{{JK}}} = "
                f"{n(w_old)} + ({n(w_new - w_old)}) = *{{{n(w_new)}}}")

    def _batch_numbers(self, record: StepRecord) -> tuple[str, str]:
        """A whole minibatch: its mean cost, and one weight's mean gradient when the engine still holds it."""
        engine, net, n = self.session.engine, self.session.net, _num
        m = record.batch_size
        text = f"C = 1/m Σ_{{x}} C_{{x}} = *{{{n(float(record['cost']))}}}    ~{{mean over the m = {m} examples}}"
        grad = engine.last_gradient
        if grad is None or self._gradient_stale or record is not engine.last_record:
            return text, f"minibatch {record.batch + 1} of epoch {record.epoch + 1}"
        nabla_w = grad[1]
        sel = self.session.selected
        if sel is not None and sel[0] >= 2:
            l = sel[0]
            i = l - 2
            j = sel[1]
            k = int(np.argmax(np.abs(net.weights[i][j])))
            which = f"the selected neuron j={_n(j)}'s strongest incoming weight, from k={_n(k)}"
        else:
            best = [(float(np.max(np.abs(np.nan_to_num(g)))), i) for i, g in enumerate(nabla_w)]
            i = max(best)[1]
            l = i + 2
            j, k = divmod(int(np.argmax(np.abs(np.nan_to_num(nabla_w[i])))), nabla_w[i].shape[1])
            which = (f"weight from neuron k={_n(k)} of layer {l - 1} to neuron j={_n(j)} of layer {l}"
                     " · largest |∂C/∂w|")
        g = float(nabla_w[i][j, k])
        JK = _idx(j, k)
        text += (f"\n∂C/∂w^{{{l}}}_{{{JK}}} = {n(g)} (mean over x), "
                 f"so w^{{{l}}}_{{{JK}}} moved by −η·{n(g)} = {n(-engine.eta * g)}")
        if net.lmbda:
            text += " (plus the weight decay)"
        text += f" to *{{{n(float(net.weights[i][j, k]))}}}"
        return text, which
