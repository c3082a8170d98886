"""The big picture panel: ∂C/∂w^l_jk as the sum over every path from the weight to the cost.

The user picks w^l_jk with three spin boxes (the book's indices, from 1); they follow the selected neuron's
strongest incoming weight (``session.selected``). Every path is one row: its neurons, its rate factors in
the book's order (∂a^l_j/∂w^l_jk, ∂a^(l+1)_q/∂a^l_j, …, ∂C/∂a^L_m) and their product; a network with more
than ``TOP_PATHS`` paths lists the largest and sums the rest in one row. Below: the sum over paths, BP4's
a^(l−1)_k δ^l_j from backprop, and their difference. Every number is ``visualbp.core.paths``'s.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from visualbp.core.paths import PathSum, engine_path_sum
from visualbp.gui import theme as T
from visualbp.gui.equation_fit import notes_sized
from visualbp.gui.notation import number, prime_name, shown, sym, to_plain
from visualbp.gui.notation import themed_html as to_html


def factor_symbols(l: int, L: int, neurons: tuple[int, ...], k: int | str) -> list[str]:
    """The book's rate factors of a path as markup: ∂a^l_j/∂w^l_jk, ∂a^(r)_q/∂a^(r−1)_p …, ∂C/∂a^L_m."""
    j = neurons[0]
    out = [f"∂{sym('a', l, j)}/∂{sym('w', l, j, k)}"]
    for step, (p, q) in enumerate(zip(neurons, neurons[1:])):
        r = l + 1 + step
        out.append(f"∂{sym('a', r, q)}/∂{sym('a', r - 1, p)}")
    out.append(f"∂C/∂{sym('a', L, neurons[-1])}")
    return out


def factor_formulas(l: int, L: int, neurons: tuple[int, ...], k: int, f: Callable[[int, int], str]) -> list[str]:
    """What each factor is: f'(z^l_j) a^(l−1)_k, then f'(z^r_q) w^r_qp; ``f(r, q)`` is the f' name of neuron q of
    layer r (its own, when it has one)."""
    j = neurons[0]
    out = [f"{f(l, j)}({sym('z', l, j)}) {sym('a', l - 1, k)}"]
    for step, (p, q) in enumerate(zip(neurons, neurons[1:])):
        r = l + 1 + step
        out.append(f"{f(r, q)}({sym('z', r, q)}) {sym('w', r, q, p)}")
    out.append("∇_a C")
    return out


class BigPicturePanel(QWidget):
    """Paths from a chosen weight w^l_jk to the cost, with their rate factors, summed and checked against BP4."""

    pathsShown = pyqtSignal(object)  # the core PathSum the table shows (the graph bands it), None when hidden

    def __init__(self, session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result: PathSum | None = None
        self._stale = True
        self._strip = False
        self.intro = QLabel()
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.intro.setWordWrap(True)
        self.intro.setText(to_html(
            "A change in w^l_jk moves a^l_j, which moves every neuron after it, down to the cost. Along each path "
            "the rates multiply; ∂C/∂w^l_jk is the sum over all paths (the book's “big picture”). "
            "Each hop multiplies by f'(z) w, and σ'(z) ≤ 1/4: long paths shrink."))
        self.l_box, self.j_box, self.k_box = QSpinBox(), QSpinBox(), QSpinBox()
        self.picker = QWidget()
        pick = QHBoxLayout(self.picker)
        pick.setContentsMargins(0, 0, 0, 0)
        pick.addWidget(QLabel("weight  w:"))
        for name, box in (("l", self.l_box), ("j", self.j_box), ("k", self.k_box)):
            label = QLabel(name)
            label.setStyleSheet("font-style: italic")
            pick.addWidget(label)
            pick.addWidget(box)
            box.setAccelerated(True)
            box.valueChanged.connect(self._on_index_changed)
        pick.addStretch(1)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.intro)
        lay.addWidget(self.picker)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        session.networkChanged.connect(self._on_network_changed)
        session.stepTaken.connect(self._on_step_taken)
        session.weightsChanged.connect(self._on_weights_changed)
        session.selectionChanged.connect(self._on_selection_changed)
        self._sync_ranges()
        self._follow_selection(session.selected)
        self.refresh()

    # ----------------------------------------------------------------- presentation mode's strip
    def set_strip(self, on: bool) -> None:
        """In presentation mode's strip (visualbp.gui.strip_fit) the table has its key columns — the path and
        its product — and no scroll bars; each path's factors are in its tooltip."""
        self._strip = on
        off = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.table.setVerticalScrollBarPolicy(off)
        self.table.setHorizontalScrollBarPolicy(off)
        self._stale = True
        self.refresh()

    def strip_parts(self) -> list[QWidget]:
        """Given up in the strip, first to last: the introduction, then the weight's spin boxes (a click on a
        neuron still chooses the weight); the sum and its check against BP4 stay."""
        return [self.intro, self.picker]

    def strip_words(self, part: QWidget) -> str | None:
        """What the strip's "more" says for a part it gave up: the spin boxes are the neuron one clicks."""
        if part is self.picker:
            return to_plain(f"The weight: w^{self.l_box.value()}_{self.j_box.value()}{self.k_box.value()} — "
                            "click a neuron for its strongest incoming weight.")
        return None

    def strip_views(self) -> list[QTableWidget]:
        return [self.table]

    def strip_more(self) -> str:
        """Every row of the table: the path, its factors and its product."""
        rows = []
        for row in range(self.table.rowCount()):
            first = self.table.item(row, 0)
            last = self.table.item(row, self.table.columnCount() - 1)
            if first is not None:
                rows.append(f"{first.toolTip() or first.text()}: {last.text() if last is not None else ''}")
        return "\n".join(rows)

    # ----------------------------------------------------------------- which weight
    def weight(self) -> tuple[int, int, int]:
        """(l, j, k) of the weight shown: the book's layer, 0-based array indices."""
        return self.l_box.value(), self.j_box.value() - 1, self.k_box.value() - 1

    def set_weight(self, l: int, j: int, k: int) -> None:
        """Show w^l_jk (0-based j, k), refreshed once."""
        self.l_box.blockSignals(True)
        self.l_box.setValue(l)
        self.l_box.blockSignals(False)
        self._sync_ranges()
        for box, v in ((self.j_box, j + 1), (self.k_box, k + 1)):
            box.blockSignals(True)
            box.setValue(v)
            box.blockSignals(False)
        self._stale = True
        self.refresh()

    def _sync_ranges(self) -> None:
        sizes = self.session.net.sizes
        self.l_box.blockSignals(True)
        self.l_box.setRange(2, len(sizes))
        self.l_box.blockSignals(False)
        l = self.l_box.value()
        for box, n in ((self.j_box, sizes[l - 1]), (self.k_box, sizes[l - 2])):
            box.blockSignals(True)
            box.setRange(1, n)
            box.blockSignals(False)

    def _follow_selection(self, sel) -> None:
        """The selected neuron's strongest incoming weight (an input neuron: its strongest outgoing one)."""
        net = self.session.net
        if sel is None:
            l, j = 2, 0
        else:
            l, j = sel
        if l == 1 and sel is not None and 0 <= j < net.sizes[0]:
            k = j
            j = int(np.argmax(np.abs(net.weights[0][:, k])))
            l = 2
        elif 2 <= l <= net.num_layers and 0 <= j < net.sizes[l - 1]:
            k = int(np.argmax(np.abs(net.weights[l - 2][j])))
        else:
            l, j, k = 2, 0, 0
        self.set_weight(l, j, k)

    # ----------------------------------------------------------------- session signals
    def _on_index_changed(self, _value: int) -> None:
        self._sync_ranges()
        self._stale = True
        self.refresh()

    def _on_network_changed(self) -> None:
        self._sync_ranges()
        self._follow_selection(self.session.selected)

    def _on_step_taken(self, _record) -> None:
        self._stale = True
        self.refresh()

    def _on_weights_changed(self) -> None:
        self._stale = True
        self.refresh()

    def _on_selection_changed(self, sel) -> None:
        self._follow_selection(sel)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._stale = True  # shown again: the graph gets the paths again
        self.refresh()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().hideEvent(event)
        self.pathsShown.emit(None)  # the graph's bands go with the panel

    # ----------------------------------------------------------------- drawing
    def refresh(self, force: bool = False) -> None:
        """Recompute the paths (only while the panel is shown, or when ``force``d) and fill the table."""
        if not self._stale or not (force or self.isVisible()):
            return
        self._stale = False
        s = self.session
        l, j, k = self.weight()
        self.result = ps = engine_path_sum(s.engine, l, j, k)
        L = ps.L
        net = s.net
        def f(r: int, q: int) -> str:  # neuron q of layer r's f' (core/neuron_activations.py)
            return prime_name(net.neuron_activation(r, q))

        hops = L - l
        heads = [to_plain(f"∂a^{l}/∂w^{l}")] + [to_plain(f"∂a^{r}/∂a^{r - 1}") for r in range(l + 1, L + 1)]
        first = f"neurons in layers {l}…{L}" if hops else f"neuron in layer {l}"
        heads = [first] + heads + [to_plain(f"∂C/∂a^{L}"), "product"]
        rows = len(ps.paths) + (0 if ps.complete else 1)
        self.table.setUpdatesEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(rows)
        t = T.current()
        for row, p in enumerate(ps.paths):
            route = " → ".join(str(shown(n)) for n in p.neurons)
            item = QTableWidgetItem(route)
            symbols = factor_symbols(l, L, p.neurons, k)
            formulas = factor_formulas(l, L, p.neurons, k, f)
            path = to_plain(" → ".join(sym("a", l + i, n) for i, n in enumerate(p.neurons)) + " → C")
            factors = " × ".join(f"{to_plain(s_)} {number(v)}" for s_, v in zip(symbols, p.factors))
            item.setToolTip(f"{path}\n{factors}")  # the factors too: the strip shows the path and its product
            self.table.setItem(row, 0, item)
            for col, (value, s_, fm) in enumerate(zip(p.factors, symbols, formulas), start=1):
                cell = QTableWidgetItem(number(value))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cell.setToolTip(to_plain(f"{s_} = {fm} = ") + number(value))
                self.table.setItem(row, col, cell)
            prod = QTableWidgetItem(number(p.value, 4))
            prod.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            rgb = t.negative if p.value < 0 else t.positive
            prod.setForeground(QColor(*(int(c * 0.8) for c in rgb)))
            self.table.setItem(row, hops + 3, prod)
        if not ps.complete:
            rest = len(ps.paths)
            others = ps.count - len(ps.paths)
            item = QTableWidgetItem(f"{others:,} others" if self._strip else f"the other {others:,} paths, summed")
            item.setToolTip(f"the other {others:,} paths, summed")
            self.table.setItem(rest, 0, item)
            if not self._strip:
                self.table.setSpan(rest, 0, 1, hops + 3)
            cell = QTableWidgetItem(number(ps.rest, 4))
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(rest, hops + 3, cell)
        for col in range(1, hops + 3):  # the factors' columns: in the tooltips in the strip
            self.table.setColumnHidden(col, self._strip)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setUpdatesEnabled(True)
        summary = to_html(self.summary_markup(ps))  # its ~{…} note: presentation's floor at least
        self.summary.setText(notes_sized(summary, self.summary.font().pointSizeF()))
        self.pathsShown.emit(ps)

    def summary_markup(self, ps: PathSum) -> str:
        """The sum, backprop's value and their difference, in the notation's markup."""
        w = sym("w", ps.l, ps.j, ps.k)
        where = "" if ps.example is None else f" ~{{(training example {ps.example + 1})}}"
        listed = f"all {ps.count:,} paths" if ps.complete else \
            f"the largest {len(ps.paths):,} of {ps.count:,} paths + the rest"
        return (f"∂C/∂{w}{where}\n"
                f"Σ over {listed} = *{{{number(ps.total, 6)}}}\n"
                f"backprop, BP4: {sym('a', ps.l - 1, ps.k)} {sym('δ', ps.l, ps.j)} = "
                f"{number(ps.a_k, 4)} × {number(ps.delta_j, 4)} = "
                f"*{{{number(ps.backprop, 6)}}}\n"
                f"difference = {number(ps.difference, 2)}")
