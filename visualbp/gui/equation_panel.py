"""The equation panel: the equation the current step applies, the same equation for one neuron or
weight with its numbers plugged in, and a plain-words narration (or the open lesson's paragraph).

Typeset with Qt rich text (HTML ``<sup>``/``<sub>``, Greek letters, ⊙, Σ, ∂) in a serif font; nothing
is fetched and there is no LaTeX. The panel only formats: every number comes from
``visualbp.core.readout`` (the record, the engine's state, η, m, the decay), the texts from
``equation_text`` (markup in ``notation``'s one language) and ``narration`` (``resources/narration.json``).

Neurons are numbered from 1 in every layer, as in the book and the graph's hover cards: ``w³₂₄`` is
the weight from the 4th neuron of layer 2 (k=4) to the 2nd neuron of layer 3 (j=2).
"""

from __future__ import annotations

import functools
import html
import re

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from visualbp.core.edits import EditRecord
from visualbp.core.neuron_edits import ActivationRecord
from visualbp.core.readout import readout
from visualbp.core.steps import Kind, StepRecord
from visualbp.gui import edit_text, narration, notation, theme
from visualbp.gui import equation_fit as fit
from visualbp.gui import equation_text as text
from visualbp.gui.equation_fit import cut_to_height, floored, notes_sized, side_scale
from visualbp.gui.equation_fit import math_font as _math_font
from visualbp.gui.equation_rows import EquationRow, set_sheet, to_html  # to_html: re-exported
from visualbp.gui.narration import load_texts, narration_for
from visualbp.gui.notation import to_plain
from visualbp.gui.session import Session
from visualbp.gui.steady_labels import SteadyLabels
from visualbp.gui.view_limits import neurons_drawn

_plain = functools.lru_cache(maxsize=64)(to_plain)  # a live tick shows the same equation again (~0.7 ms)
#: a number as the numbers line writes it: 0.012, −0.3, (−2.1), 3,10, 1.2×10⁻⁴
_NUMBERS = re.compile(r"[\d.,−()×⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+")


class EquationPanel(QWidget):
    """The current step's equation (BP1–BP4, feedforward, update) with one neuron's numbers."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._record: StepRecord | None = None
        self._active = ""
        self._numbers_markup = ""
        self._narration = ""
        self._lesson: tuple[str, str, str] | None = None  # (title, paragraph, granularity it was written for)
        self._lesson_at = -1  # the engine's step index when the lesson opened: its paragraph shows there
        self._equation_plain = ""
        self._equation_markup = ""
        self._shrink = 1.0  # presentation mode: the step's text shrunk to fit the panel
        self._fitted: tuple | None = None  # what the type was last fitted to (see _fit_type)
        self._cut = False  # presentation mode: the narration cut to the panel's last line (whole in its tooltip)
        texts = load_texts()

        # side list -----------------------------------------------------------
        self._side = side = QFrame()
        side.setObjectName("equationSide")
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(4, 6, 6, 6)
        side_lay.setSpacing(1)
        self._heading = heading = QLabel("The equations of backpropagation")
        side_lay.addWidget(heading)
        self.rows: dict[str, EquationRow] = {}
        for key, title, markup in text.SIDE_EQUATIONS:
            row = EquationRow(key, title, markup, texts["explain"][key])
            row.clicked.connect(self._explain)
            self.rows[key] = row
            side_lay.addWidget(row)
        problem = narration.summary()  # an edited narration file that is wrong: say so (full lines on hover)
        self.explain_label = QLabel(problem or "Click an equation to read what it says.")
        self.explain_label.setToolTip("\n".join(narration.problems()))
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
        # while training runs live, the texts that change at every tick keep their room (``steady_labels``)
        self._steady = SteadyLabels((self.title_label, self.equation_label, self.numbers_label, self.which_label))

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
        # the step's texts scroll if even shrunk they need more height than the panel has: a squeezed layout
        # would draw word-wrapped labels over each other
        body = QWidget()
        body.setObjectName("equationBody")
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(main, 1)
        self._aside = QVBoxLayout()  # presentation mode, a wide panel: the narration in a column beside the math
        self._aside.setContentsMargins(0, 0, 0, 0)
        self._aside.addStretch(1)
        columns.addLayout(self._aside)
        self._scroll = scroll = QScrollArea()
        scroll.setObjectName("equationScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        scroll.setStyleSheet("#equationScroll, #equationBody { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        lay.addWidget(scroll, 1)

        session.stepTaken.connect(self._on_step)
        session.steppedBack.connect(self._on_stepped_back)
        session.networkChanged.connect(self._on_network_changed)
        session.selectionChanged.connect(self._on_selection_changed)
        session.statusChanged.connect(self._on_status)  # e.g. a new granularity: what one → does
        session.runningChanged.connect(self._on_running)
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
        """The narration area's words as plain text (a lesson's paragraph in its markup, or what the step does)."""
        return self._narration

    def equation_text(self) -> str:
        """The big equation as plain text."""
        return self._equation_plain

    # ----------------------------------------------------------------- updates
    def _on_stepped_back(self, _undone: StepRecord) -> None:
        """Nothing to do: the stepTaken that follows shows the record now current (``back()`` restored the
        engine's state, the last minibatch's gradient included)."""

    def _on_step(self, record: StepRecord | None) -> None:
        if self.session.running:  # a live tick: the labels keep the room the last one laid out
            self._steady.hold()
        self.show_record(record)
        self._steady.settle()

    def _on_running(self, running: bool) -> None:
        if not running:  # steps from here lay the panel out as each needs
            self._steady.release()

    def _on_network_changed(self) -> None:
        self._lesson_at = -1  # a new network: the lesson's opening position is gone
        self.show_record(self.session.engine.last_record)

    def _on_status(self, _status: str) -> None:
        words = self._narration_now(self._record)
        if words != self._narration:
            self._set_narration(words)

    def set_lesson(self, title: str, description: str, granularity: str) -> None:
        """Show a lesson's paragraph in the narration area at the position it opens at (until a step moves
        on; again when ← comes back to it), kept true to the current granularity: written for one
        ``granularity`` per →, its sentences about → give way to what → does now."""
        self._lesson = (title, description, granularity)
        self._lesson_at = self.session.engine.step_index
        self.show_record(self.session.engine.last_record)

    def _set_narration(self, words: str) -> None:
        """A lesson's paragraph is written in the notation's markup (``w^l``, ``δ^(x,l)``): shown with its
        scripts raised; a step's narration is plain text."""
        self._narration = words
        self._cut = False
        self.narration_label.setToolTip("")
        if self.lesson_shown():
            self.narration_label.setTextFormat(Qt.TextFormat.RichText)
            self.narration_label.setText(notation.notation_html(words))
        else:
            self.narration_label.setTextFormat(Qt.TextFormat.PlainText)
            self.narration_label.setText(words)

    def lesson_shown(self) -> bool:
        """True while the narration area shows the lesson's paragraph."""
        return self._lesson is not None and self._lesson_at == self.session.engine.step_index

    def _explain(self, key: str) -> None:
        self.explain_label.setText(load_texts()["explain"][key])
        self._explained = True
        self._style_explanation()
        self.explain_label.show()

    def _style_explanation(self) -> None:
        th = theme.current()
        color = th.text if self._explained else th.muted
        size = floored(round(8.5 * side_scale(), 2))
        self.explain_label.setStyleSheet(f"color: {color}; font-size: {size:g}pt; padding: 2px 4px;")

    # ----------------------------------------------------------------- the look
    def apply_theme(self, _theme: object = None) -> None:
        """Re-style in ``theme.current()``'s colours and type sizes and show the step again (presentation
        mode: every size scales with font_pt / 10, and the narration stands out as the lecturer's script)."""
        self._steady.release()
        for row in self.rows.values():
            row.apply_theme()
        self._style()  # after the rows: the side list is as wide as they are
        self.show_record(self._record)

    def presenting(self) -> bool:
        """True while the theme's type is larger than the light theme's (presentation mode)."""
        return theme.scale() > 1.0

    def _style(self) -> None:
        th = theme.current()
        self._side.setStyleSheet(f"#equationSide {{ background: {th.panel}; border-right: 1px solid {th.grid}; }}")
        k = side_scale()
        self._heading.setStyleSheet(f"color: {th.muted}; font-size: {floored(round(8.5 * k, 2)):g}pt;")
        self._heading.setWordWrap(True)
        self._style_explanation()
        # presentation mode: the audience does not click, so no hint to (the lecturer's click still explains)
        self.explain_label.setVisible(self._explained or not self.presenting() or bool(narration.problems()))
        # presentation mode fits the text to the panel (cutting the narration): a scroll bar would only narrow it
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if self.presenting()
                                                else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        rows = max(row.sizeHint().width() for row in self.rows.values()) + 10  # the side list's margins
        self._side.setFixedWidth(max(round(300 * k), rows if self.presenting() else 0))
        for label in (self.title_label, self.which_label):
            label.setWordWrap(True)  # one line where it fits; unwrapped, a narrow panel clipped every line at its right
        self._shrink = 1.0
        self._fitted = None  # the type is fitted again
        self._style_main()
        self.setStyleSheet(f"#equationPanel {{ background: {th.background}; }}")

    def _main_pt(self, size: float) -> float:
        """A light-theme point size of the step's text, in the theme's type and shrunk to fit (presentation)."""
        return floored(round(theme.pt(size) * self._shrink, 2))  # presentation: never below the hall's floor

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
        """Shrink the step's text (down to 60 % in presentation mode, 80 % otherwise) until it fits the panel;
        past that the texts scroll — in presentation mode, where no text goes below the hall's floor, the
        narration is cut at the last line that fits instead (equation_fit). A long step (a whole minibatch in
        matrix form) is never clipped or drawn over itself."""
        if not self.isVisible():
            return
        labels = (self.title_label, self.equation_label, self.numbers_label, self.which_label, self.narration_label)
        # what the fit depends on: the panel's size, the theme, and the texts with every number alike (a live tick
        # changes the numbers, not the lines they take): the same as last time, the type fits as it is
        fitted = (self.width(), self.height(), theme.current(),
                  tuple(_NUMBERS.sub("0", label.text()) for label in labels))
        if fitted == self._fitted:
            return
        self._fitted = fitted
        self._steady.release()  # fitted anew: at the sizes the layout gives
        if self._cut:
            self._set_narration(self._narration)
        narration_label, presenting = self.narration_label, self.presenting()
        narration_label.setMinimumHeight(0)  # its heightForWidth answers at least its minimum
        narration_label.setVisible(True)
        if self._shrink != 1.0:
            self._shrink = 1.0
            self._restyle()
        margins = self._main.contentsMargins()
        avail = self.height() - margins.top() - margins.bottom()
        side = self._side.width() if self._side.isVisibleTo(self) else 0
        width = self.width() - side - margins.left() - margins.right()
        if avail < 60 or width < 100:
            return
        # presentation mode on a wide panel: the narration in a column beside the math where the math fits beside it
        shares = fit.NARRATION_SHARES if presenting and width >= fit.COLUMNS_WIDTH else ()
        narration_width = next((round(width * share) for share in shares  # the widest column the math leaves
                                if self._math_need(width - round(width * share) - 10) <= avail), width)
        beside = narration_width < width
        math_width = width - narration_width - 10 if beside else width  # the column's own right margin
        fit.place_beside(self.narration_label, self._main, self._aside, beside, narration_width)
        # presentation mode: the math shrinks only where it alone does not fit; the narration takes the rest
        for _ in range(8):
            math = self._math_need(math_width)
            need = math + (0 if presenting else narration_label.heightForWidth(width))
            floor = 0.6 if presenting else 0.8  # the laptop's type is small already
            if need <= avail or self._shrink <= floor:
                break
            self._shrink = max(floor, round(self._shrink * max(0.8, min(0.97, (avail / need) ** 0.6)), 3))
            self._restyle()
        if presenting:  # the paragraph gives way, not the math: cut at a line's end, or gone if no line fits
            render = notation.notation_html if self.lesson_shown() else str
            room = avail if beside else avail - math
            self._cut = cut_to_height(narration_label, self._narration, render, narration_width, room)
            narration_label.setToolTip(to_plain(self._narration) if self._cut else "")
            shown = narration_label.heightForWidth(narration_width) <= room
            narration_label.setVisible(shown)  # exactly its lines (its size hint's would make the panel scroll):
            narration_label.setMinimumHeight(narration_label.heightForWidth(narration_width) if shown else 0)

    def _math_need(self, width: int) -> int:  # the title, the equation, the numbers, which neuron, their spacing
        return fit.stacked_height((self.title_label, self.equation_label, self.numbers_label, self.which_label), width)

    def _restyle(self) -> None:  # the step's type again at the present shrink
        self._style_main()
        self._set_equation_text()
        if self._numbers_markup:
            self._set_numbers_text()

    def _set_equation_text(self) -> None:
        body = to_html(self._equation_markup)
        if self._record is not None and self._record.kind is Kind.BATCH:  # three lines: smaller
            body = f"<span style='font-size:{self._main_pt(12.5):g}pt'>{body}</span>"
        self.equation_label.setText(body)

    def _set_numbers_text(self) -> None:
        """The numbers line, its ~{…} notes in proportion to it (presentation mode: never below the floor)."""
        self.numbers_label.setText(notes_sized(to_html(self._numbers_markup), self._main_pt(12.5)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.size() != event.oldSize():
            self._steady.release()
            # presentation mode beside a Teach panel: the step's text takes the side list's width
            self._side.setVisible(not self.presenting() or self.width() >= 2.4 * self._side.width())
            self._fit_type()

    def show_record(self, record: StepRecord | None) -> None:
        """Show ``record``'s equation, one neuron's numbers and the narration (None: before any step); in
        presentation mode, in type that fits the panel."""
        self._show_record(record)
        self._fit_type()

    def _show_record(self, record: StepRecord | None) -> None:
        th = theme.current()
        session = self.session
        net = session.net
        self._record = record
        if record is None:
            self._active = ""
            self._set_rows(())
            eq = text.feedforward_equation(2, net.layer_activation(0).symbol)
            self._equation_plain = _plain(eq)
            self._equation_markup = eq
            self.title_label.setText("feedforward — not started")
            set_sheet(self.equation_label, f"color: {th.muted};")
            self.equation_label.setText(to_html(eq))
            self._numbers_markup = ""
            hint = load_texts()["start_hint"]
            self.numbers_label.setText(f"<span style='color:{th.muted}'>{html.escape(hint)}</span>")
            self.which_label.setText("")
        elif isinstance(record, EditRecord):  # a value typed by hand (Kind.EDIT)
            self._show_edit(record)
        else:
            r = readout(session.engine, record, session.selected)
            kind = record.kind
            self._active = text.ACTIVE_NAME[kind]
            self._set_rows(text.ROWS_OF[kind], strong=kind is not Kind.BATCH)
            self.title_label.setText(text.title(r))
            eq = text.equation(r)
            self._equation_plain = _plain(eq)
            self._equation_markup = eq
            set_sheet(self.equation_label, f"color: {th.text};")
            self._set_equation_text()
            self._numbers_markup = text.numbers(r)
            self._set_numbers_text()
            self.which_label.setText(text.which(r, self._drawn_note))
        self._set_narration(self._narration_now(record))

    def _show_edit(self, record: EditRecord) -> None:
        self._active = ""
        self._set_rows(())
        self.title_label.setText(edit_text.title(record))
        self._equation_markup = edit_text.equation(record)
        self._equation_plain = _plain(self._equation_markup)
        set_sheet(self.equation_label, f"color: {theme.current().text};")
        self._set_equation_text()
        self._numbers_markup = edit_text.numbers(record)
        self._set_numbers_text()
        self.which_label.setText(edit_text.which(record))

    def _narration_now(self, record: StepRecord | None) -> str:
        """The open lesson's paragraph where it opened, else the step's narration, both true to the
        current granularity."""
        session, engine, net = self.session, self.session.engine, self.session.net
        granularity = session.granularity.value
        L, m = net.num_layers, engine.mini_batch_size
        if self.lesson_shown() and self._lesson is not None:
            title, description, written_for = self._lesson
            return f"{title}. " + narration.lesson_text(description, written_for, granularity, L, m,
                                                       engine.batches_per_epoch)
        if record is None:
            return narration_for(None, 1, L, m, granularity=granularity, batches=engine.batches_per_epoch)
        if isinstance(record, EditRecord) and record.sets_target:
            return edit_text.narration(record)
        l = record.l
        epoch_done = engine.epoch if record.kind is Kind.BATCH and engine.at_batch_start and engine.batch == 0 \
            and record is engine.last_record else None
        edit_of_f = isinstance(record, ActivationRecord)  # a neuron's activation (core/neuron_edits.py)
        f = net.neuron_activation(l, record.j).symbol if isinstance(record, ActivationRecord) else \
            net.layer_activation(l - 2).symbol if l >= 2 else "σ"
        return narration_for(record.kind, l, L, record.batch_size, net.cost.name == "cross-entropy", f=f,
                             granularity=granularity, batches=engine.batches_per_epoch, epoch_done=epoch_done,
                             linear_output=net.layer_activation(L - 2).name == "linear", edit_of_f=edit_of_f)

    def _set_rows(self, keys: tuple[str, ...], strong: bool = True) -> None:
        for key, row in self.rows.items():
            row.set_active(key in keys, strong)

    def _drawn_note(self, l: int, n: int, j: int) -> str:
        """Says so when neuron j of a wide layer is past the ones the graph draws."""
        data, sizes = self.session.dataset, self.session.net.sizes
        image = data.image_shape is not None and int(np.prod(data.image_shape)) == sizes[0]
        drawn = neurons_drawn(l, n, image, bool(data.is_2d) and sizes[0] == 2)
        return "" if j < drawn else f" — not drawn: the graph shows j = 1 … {drawn:,} of {n:,}"
