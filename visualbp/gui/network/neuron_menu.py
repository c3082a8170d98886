"""Choosing one neuron's activation on the graph, and showing which neurons have their own.

Right-click a neuron of layer l ≥ 2 (or press Shift+F2 for the selected one): a menu of the fixed set of
activations, the neuron's own checked. Choosing one goes through ``Session.set_neuron_activation`` — one step
of the history, which ← undoes (``visualbp.core.neuron_edits``). A choice the core refuses (a tanh output under
the cross-entropy cost) is greyed out with the reason as its tooltip, and the status bar says it if taken.

A neuron whose f differs from its layer's wears its f's symbol beside it (e.g. 'tanh'), so the picture says
which neuron is the modified one; the marks follow the network and every step (← takes a mark away again).
"""

from __future__ import annotations

import html
import weakref

import pyqtgraph as pg
from PyQt6.QtCore import QObject, QPoint, QPointF, Qt
from PyQt6.QtGui import QAction, QCursor, QKeySequence
from PyQt6.QtWidgets import QMenu

from visualbp.core.activations import ACTIVATIONS
from visualbp.core.neuron_activations import check_output
from visualbp.gui import theme as T
from visualbp.gui.network.labels import _label_font
from visualbp.gui.notation import shown

#: How each activation is offered in the menu.
MENU_TEXT = {"sigmoid": "sigmoid σ(z) = 1/(1 + e⁻ᶻ)", "tanh": "tanh(z)", "relu": "ReLU(z) = max(0, z)",
             "linear": "linear f(z) = z", "softplus": "softplus(z) = ln(1 + eᶻ)",
             "leaky-relu": "leaky ReLU(z) = max(0.01 z, z)"}


class NeuronMenu(QObject):
    """The right-click menu and the f marks of a ``NetworkView``."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self._view = weakref.ref(view)  # the view holds this: a strong reference back would be a cycle
        self.session = view.session
        self._target = (2, 0)  # the neuron (l, j) the last menu was opened for
        self.marks: dict[tuple[int, int], pg.TextItem] = {}
        self.menu: QMenu | None = None  # the last menu opened (kept for tests and for closing it)
        self.action = QAction("&Activation of the selected neuron…", view)
        self.action.setShortcut(QKeySequence("Shift+F2"))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.triggered.connect(self.open_for_selected)
        view.addAction(self.action)
        view.graphics.scene().sigMouseClicked.connect(self._on_clicked)
        self.session.networkChanged.connect(self.refresh_marks)
        self.session.stepTaken.connect(self.refresh_marks)
        view.vb.sigRangeChanged.connect(self.refresh_marks)  # a fit may lay the columns out again
        T.notifier().changed.connect(self._rebuild_marks)
        self.refresh_marks()

    @property
    def view(self):
        return self._view()

    # ------------------------------------------------------------- the menu
    def menu_for(self, l: int, j: int) -> QMenu:
        """The menu of activations for neuron j (0-based) of layer l ≥ 2, its own checked."""
        net = self.session.net
        own = net.neuron_activation(l, j).name
        default = (net.output_activation if l == net.num_layers else net.activation).name
        menu = QMenu(self.view)
        title = QAction(f"f of neuron j={shown(j)}, layer l={l}", menu)
        title.setEnabled(False)
        menu.addAction(title)
        menu.addSeparator()
        for name in ACTIVATIONS:
            action = QAction(MENU_TEXT.get(name, name) + ("   (the layer's)" if name == default else ""), menu)
            menu.addAction(action)
            action.setObjectName(f"activation-{name}")
            action.setCheckable(True)
            action.setChecked(name == own)
            try:
                check_output(l, net.num_layers, name, net.cost.name)
            except ValueError as exc:
                action.setEnabled(False)
                action.setToolTip(str(exc))
            action.setData(name)
            action.triggered.connect(self._on_action)  # a bound method: held weakly, no reference cycle
        menu.setToolTipsVisible(True)
        self.menu, self._target = menu, (l, j)
        return menu

    def _on_action(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.choose(*self._target, str(action.data()))

    def choose(self, l: int, j: int, name: str) -> None:
        """Give the neuron ``name`` (one step, ← undoes it); a refusal goes to the status bar."""
        try:
            self.session.set_neuron_activation(l, j, name)
        except ValueError as exc:
            self.session.statusChanged.emit(f"Activation not changed: {exc}")

    def open_at(self, pos: QPointF, global_pos: QPoint | None = None) -> QMenu | None:
        """The menu for the neuron at ``pos`` (view coordinates), popped up at ``global_pos`` (default: the
        cursor); None, and nothing shown, where there is no neuron of layer l ≥ 2."""
        hit = self.view.interaction.hit(pos)
        if hit is None or hit[0] not in ("neuron", "rf") or hit[1] < 2:
            return None
        self.view.interaction.hide()
        menu = self.menu_for(hit[1], hit[2])
        menu.popup(global_pos if global_pos is not None else QCursor.pos())
        return menu

    def open_for_selected(self) -> None:
        """Shift+F2: the menu for the selected neuron, beside it."""
        sel = self.session.selected
        if sel is None or sel[0] < 2:
            self.session.statusChanged.emit("Activation…: click a neuron of layer 2 or later first (or right-click "
                                            "it).")
            return
        point = self.view._widget_point(self.view.neuron_pos(*sel))
        self.menu_for(*sel).popup(self.view.mapToGlobal(point))

    def _on_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.RightButton or event.double():
            return
        if not self.view.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        pos = event.screenPos()
        self.open_at(self.view.vb.mapSceneToView(event.scenePos()), QPoint(int(pos.x()), int(pos.y())))

    # ------------------------------------------------------------- the marks
    def refresh_marks(self, *_args) -> None:
        """A symbol beside every drawn neuron whose activation differs from its layer's."""
        net, cols = self.session.net, self.view.scene.cols
        wanted = {(l, j): ACTIVATIONS[name].symbol for l, j, name in net.neuron_activations
                  if l - 1 < len(cols) and j < cols[l - 1].n}
        for key in [k for k in self.marks if k not in wanted]:
            self.view.vb.removeItem(self.marks.pop(key))
        t = T.current()
        for (l, j), symbol in wanted.items():
            c = cols[l - 1]
            x, y = c.node_center(j)  # its circle (a 2-D heatmap or receptive field sits beside it)
            item = self.marks.get((l, j))
            if item is None:
                item = pg.TextItem(anchor=(0.0, 1.0))
                _label_font(item)
                item.setZValue(25)
                self.view.vb.addItem(item, ignoreBounds=True)
                self.marks[(l, j)] = item
            item.setHtml(f"<span style='color:{t.text};background:{t.panel};font-weight:600'>"
                         f"{html.escape(symbol)}</span>")
            item.setToolTip(f"neuron j={shown(j)} of layer {l} uses {symbol} (right-click it to change)")
            if l == len(cols) and l > 1:  # above its circle, to the left: the class label is on the right
                item.setAnchor((1.0, 1.0))
                item.setPos(x - 0.5 * c.node_radius, y - 0.6 * c.node_radius)
            else:  # above its circle, to the right
                item.setAnchor((0.0, 1.0))
                item.setPos(x + 0.5 * c.node_radius, y - 0.6 * c.node_radius)

    def _rebuild_marks(self, *_args) -> None:
        for item in self.marks.values():
            self.view.vb.removeItem(item)
        self.marks = {}
        self.refresh_marks()

    def mark_text(self, l: int, j: int) -> str:
        """The text beside neuron j of layer l ('' when it has none)."""
        item = self.marks.get((l, j))
        return item.textItem.toPlainText() if item is not None else ""
