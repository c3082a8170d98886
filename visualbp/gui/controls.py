"""The controls bar: step back / step / play, reset, granularity, speed, train N epochs, seed.

Keyboard shortcuts
------------------
Every command is a ``QAction`` owned by the bar, with ``Qt.ShortcutContext.WindowShortcut``, and
added to the bar itself (``self.addAction``), so its key works anywhere in the bar's window while
the bar is visible:

====================  ============
Step back             ←
Step forward          →
Play / Pause          Space
Reset (same seed)     R
New weights           Shift+R
Granularity           1 layer · 2 example · 3 minibatch · 4 epoch
====================  ============

``shortcut_actions()`` returns these actions (for a menu); a window that may hide the bar can
call ``install_shortcuts(window)`` to keep the keys working. Keys typed into a text or number
field go to the field, not to the shortcuts (Qt's shortcut override), so typing a seed is safe.

Model ↔ widget: the bar reads the session after every signal and writes its widgets with their
signals blocked, so updating a widget from the model never calls back into the model.
"""

from __future__ import annotations

from dataclasses import replace

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QAction, QActionGroup, QKeySequence
from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStyle,
    QToolButton,
    QWidget,
)

from visualbp.core import limits
from visualbp.gui import theme
from visualbp.gui.flow_layout import FlowLayout
from visualbp.gui.seed_spin import SeedSpinBox
from visualbp.gui.session import Granularity, Session

SEED_MAX = limits.MAX_SEED

#: (granularity, label, key, what one step does)
GRANULARITIES: tuple[tuple[Granularity, str, str, str], ...] = (
    (Granularity.RECORD, "layer", "1", "one layer of one equation"),
    (Granularity.EXAMPLE, "example", "2", "one training example through feedforward and backpropagation"),
    (Granularity.MINIBATCH, "minibatch", "3", "a whole minibatch and its update"),
    (Granularity.EPOCH, "epoch", "4", "a whole epoch"),
)


class ControlsBar(QWidget):
    """Buttons and keys that drive the session: ← → Space R Shift+R 1–4, speed, train, seed."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        style = self.style()
        icon = style.standardIcon
        SP = QStyle.StandardPixmap

        def action(text: str, pixmap: QStyle.StandardPixmap | None, key: str, tip: str, slot) -> QAction:
            act = QAction(text, self)
            if pixmap is not None:
                act.setIcon(icon(pixmap))
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.setToolTip(f"{tip} ({_key_name(key)})")
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.back_action = action("Back", SP.SP_MediaSeekBackward, "Left",
                                  "Step back: undo the last step exactly, weights included", self._back)
        self.step_action = action("Step", SP.SP_MediaSeekForward, "Right",
                                  "Step forward at the chosen granularity", self._step)
        self.play_action = action("Play", SP.SP_MediaPlay, "Space",
                                  "Play: keep stepping at the chosen speed", self._toggle_play)
        self.reset_action = action("Reset", SP.SP_MediaSkipBackward, "R",
                                   "Reset: back to the initial weights of this seed", self._reset)
        self.new_weights_action = action("New weights", SP.SP_BrowserReload, "Shift+R",
                                         "New weights: draw a new seed and rebuild the network", self._new_weights)
        self.granularity_group = QActionGroup(self)
        self.granularity_group.setExclusive(True)
        self.granularity_actions: dict[Granularity, QAction] = {}
        for g, label, key, what in GRANULARITIES:
            act = action(f"Step by {label}", None, key, f"Step by {label}: {what}", self._on_granularity_action)
            act.setData(g.value)
            act.setCheckable(True)
            self.granularity_group.addAction(act)
            self.granularity_actions[g] = act
        self.train_action = QAction(icon(SP.SP_MediaSkipForward), "Train", self)
        self.train_action.setToolTip("Train for the number of epochs beside this button, in the background")
        self.train_action.triggered.connect(self._train)

        def button(act: QAction) -> QToolButton:
            b = QToolButton()
            b.setDefaultAction(act)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and arrows stay shortcuts
            b.setMinimumHeight(34)
            b.setIconSize(QSize(20, 20))
            return b

        self.back_button = button(self.back_action)
        self.step_button = button(self.step_action)
        self.play_button = button(self.play_action)
        self.play_button.setMinimumWidth(84)  # room for "Pause" so the bar does not jump
        self.reset_button = button(self.reset_action)
        self.new_weights_button = button(self.new_weights_action)
        self.train_button = button(self.train_action)

        self.granularity_combo = QComboBox()
        for g, label, key, what in GRANULARITIES:
            self.granularity_combo.addItem(f"{key} · {label}", g)
            self.granularity_combo.setItemData(self.granularity_combo.count() - 1, f"{what} (key {key})",
                                               Qt.ItemDataRole.ToolTipRole)
        self.granularity_combo.setToolTip("How far one step (→) goes: keys 1 layer, 2 example, 3 minibatch, 4 epoch")
        self.granularity_combo.setMinimumHeight(30)
        self.granularity_combo.currentIndexChanged.connect(self._on_combo)

        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(1, 100)
        self.speed_slider.setMinimumWidth(110)
        self.speed_slider.setMaximumWidth(180)
        self.speed_slider.valueChanged.connect(self._on_speed)

        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(limits.MIN_EPOCHS, limits.MAX_EPOCHS)
        self.epochs_spin.setSuffix(" epochs")
        self.epochs_spin.setToolTip("How many epochs Train runs")
        self.epochs_spin.setMinimumHeight(30)
        self.epochs_spin.setMaximumWidth(110)

        self.seed_spin = SeedSpinBox()
        self.seed_spin.setRange(0, SEED_MAX)
        self.seed_spin.setKeyboardTracking(False)
        self.seed_spin.setToolTip("The seed of the initial weights and of the generated data: "
                                  "type a number and press Enter to rebuild")
        self.seed_spin.setMinimumHeight(30)
        self.seed_spin.setMinimumWidth(110)
        self.seed_spin.lineEdit().returnPressed.connect(self._apply_seed)

        self._compact = False
        self.alert_label = QLabel()
        self.alert_label.hide()
        self._group_labels: list[QLabel] = []

        def group(*widgets: QWidget, label: str | None = None) -> QWidget:
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            if label:
                text = QLabel(label)
                self._group_labels.append(text)
                row.addWidget(text)
            for w in widgets:
                row.addWidget(w)
            return box

        # Groups wrap onto a second line when the bar is narrow (the central area between docks).
        lay = FlowLayout(self, spacing=14, line_spacing=4)
        lay.setSizeConstraint(QHBoxLayout.SizeConstraint.SetNoConstraint)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(group(self.back_button, self.step_button, self.play_button))
        lay.addWidget(group(self.reset_button))
        self._secondary = [group(self.new_weights_button), group(self.speed_slider, label="Speed"),
                           group(self.seed_spin, label="Seed")]  # folded away in presentation mode
        lay.addWidget(self._secondary[0])
        lay.addWidget(group(self.granularity_combo, label="Step by"))
        lay.addWidget(self._secondary[1])
        lay.addWidget(group(self.train_button, self.epochs_spin))
        lay.addWidget(self._secondary[2])
        lay.addWidget(self.alert_label)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

        session.networkChanged.connect(self.sync_from_session)
        session.stepTaken.connect(self._refresh)
        session.steppedBack.connect(self._refresh)
        session.runningChanged.connect(self._on_running)
        session.diverged.connect(self._refresh)
        session.statusChanged.connect(self._on_status)
        self.apply_theme()
        theme.notifier().changed.connect(self.apply_theme)
        self.sync_from_session()

    # ----------------------------------------------------------------- the look
    def apply_theme(self, _theme: object = None) -> None:
        """Sizes and colours from ``theme.current()``: in presentation mode big step buttons (their height
        and icons grow with the type: 48 px tall at 1.5×) that a lecturer hits without looking, on one row
        without new weights, speed and seed (Shift+R, Setup); the text follows the application font."""
        th = theme.current()
        big = theme.scale() > 1.0
        for b in (self.back_button, self.step_button, self.play_button, self.reset_button,
                  self.new_weights_button, self.train_button):
            b.setMinimumHeight(round(32 * theme.scale()) if big else 34)  # 48 px at 1.5×, in step with the type
            icon = round(24 * theme.scale()) if big else 20
            b.setIconSize(QSize(icon, icon))
        self.play_button.setMinimumWidth(round(84 * theme.scale()))  # room for "Pause" so the bar does not jump
        for w in (self.granularity_combo, self.epochs_spin, self.seed_spin):
            w.setMinimumHeight(round(30 * theme.scale()) if big else 30)
        self.epochs_spin.setMaximumWidth(round(110 * theme.scale()))
        self.seed_spin.setMinimumWidth(round(110 * theme.scale()))
        self.speed_slider.setMinimumWidth(round(110 * theme.scale()))
        self.speed_slider.setMaximumWidth(round(180 * theme.scale()))
        for label in self._group_labels:
            label.setStyleSheet(f"color: {th.muted};")
        self._show_secondary()
        alarm = "#ff6e6e" if theme.is_dark() else "#c62828"
        self.alert_label.setStyleSheet(f"color: {alarm}; font-weight: bold;")
        self.updateGeometry()

    # ----------------------------------------------------------------- public
    def shortcut_actions(self) -> list[QAction]:
        """The actions that carry the keyboard shortcuts (← → Space R Shift+R 1–4)."""
        return [self.back_action, self.step_action, self.play_action, self.reset_action,
                self.new_weights_action, *self.granularity_actions.values()]

    def install_shortcuts(self, window: QWidget) -> None:
        """Also add the shortcut actions to ``window``, so the keys work even while the bar is hidden."""
        window.addActions(self.shortcut_actions())

    def set_compact(self, compact: bool) -> None:
        """Compact (a short window): one row without new weights, speed and seed — Shift+R, the play speed
        and Setup's seed still reach them — so the graph keeps its height."""
        self._compact = compact
        self._show_secondary()

    def is_compact(self) -> bool:
        return self._compact or theme.scale() > 1.0

    def _show_secondary(self) -> None:
        """Presentation mode and a short window: one row of what a lecture uses (the keys do the rest)."""
        for box in self._secondary:
            box.setVisible(not self.is_compact())

    def set_digit_keys(self, on: bool) -> None:
        """Keys 1–4 choose the granularity (on), or are left to the window (off: presentation mode reads a
        typed step number, and chooses the granularity itself for a lone 1–4)."""
        for g, _label, key, _what in GRANULARITIES:
            self.granularity_actions[g].setShortcut(QKeySequence(key) if on else QKeySequence())

    def speed_tooltip(self) -> str:
        """What the speed slider means now: steps (or minibatches) per second."""
        s = self.session
        if s.granularity in (Granularity.RECORD, Granularity.EXAMPLE):
            per_second = 1000.0 / s._play_interval()
            unit = "steps" if s.granularity is Granularity.RECORD else "examples"
            return f"Speed {s.speed}: {per_second:.1f} {unit} per second while playing"
        delay = s._batch_delay()
        if delay <= 0:
            return f"Speed {s.speed}: as fast as the machine can train"
        unit = "minibatches" if s.granularity is Granularity.MINIBATCH else "epochs"
        return f"Speed {s.speed}: at most {1.0 / delay:.1f} {unit} per second while playing"

    # ----------------------------------------------------------------- model → widgets
    def sync_from_session(self) -> None:
        """Show the session's granularity, speed, epochs and seed (widget signals blocked)."""
        s = self.session
        seed = s.config.seed if s.config.seed is not None else s.net.seed
        for widget, setter, value in (
            (self.seed_spin, self.seed_spin.setValue, min(int(seed), SEED_MAX)),
            (self.epochs_spin, self.epochs_spin.setValue, s.config.epochs),
            (self.speed_slider, self.speed_slider.setValue, s.speed),
        ):
            widget.blockSignals(True)
            setter(value)
            widget.blockSignals(False)
        self._sync_granularity()
        self.speed_slider.setToolTip(self.speed_tooltip())
        self._on_running(s.running)

    def _sync_granularity(self) -> None:
        g = self.session.granularity
        index = self.granularity_combo.findData(g)
        if index != self.granularity_combo.currentIndex():
            self.granularity_combo.blockSignals(True)
            self.granularity_combo.setCurrentIndex(index)
            self.granularity_combo.blockSignals(False)
        act = self.granularity_actions[g]
        if not act.isChecked():
            act.blockSignals(True)
            act.setChecked(True)
            act.blockSignals(False)

    def _on_status(self, _text: str) -> None:
        self._sync_granularity()  # set_granularity announces itself through the status line
        self.speed_slider.setToolTip(self.speed_tooltip())
        self._refresh()

    def _on_running(self, running: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        self.play_action.setIcon(self.style().standardIcon(icon))
        self.play_action.setText("Pause" if running else "Play")
        self.play_action.setToolTip("Pause (Space)" if running else "Play: keep stepping at the chosen speed (Space)")
        self._refresh()

    def _refresh(self, *_args: object) -> None:
        """Enable what can be done now: Back needs history; Step/Play/Train need a finite network."""
        engine = self.session.engine
        diverged = engine.divergence is not None
        running = self.session.running
        self.back_action.setEnabled(engine.can_step_back)
        self.step_action.setEnabled(not diverged)
        self.play_action.setEnabled(running or not diverged)
        self.train_action.setEnabled(not diverged)
        if diverged:
            self.alert_label.setText("Diverged: step back (←) or reset (R)")
            self.alert_label.setToolTip(f"{engine.divergence}. Step and Play stay off until you step back "
                                        "to the last finite state or reset; a smaller η may help.")
            self.alert_label.show()
            self.step_action.setToolTip("Diverged: step back (←) or reset (R) first")
        else:
            self.alert_label.hide()
            self.step_action.setToolTip("Step forward at the chosen granularity (→)")

    # ----------------------------------------------------------------- widgets → model
    def _back(self) -> None:
        self.session.back()
        self._refresh()

    def _step(self) -> None:
        if self.session.engine.divergence is None:
            self.session.step(background=True)  # a heavy epoch trains on the worker; the window stays live
        self._refresh()

    def _toggle_play(self) -> None:
        if self.session.running or self.session.engine.divergence is None:
            self.session.toggle_play()
        self._refresh()

    def _reset(self) -> None:
        self.session.reset()

    def _new_weights(self) -> None:
        self.session.reset(new_seed=True)

    def _on_granularity_action(self) -> None:
        """A bound slot (PyQt holds it weakly), not a lambda over self: no reference cycle keeps a dropped bar."""
        self._set_granularity(Granularity(self.sender().data()))

    def _set_granularity(self, granularity: Granularity) -> None:
        self.session.set_granularity(granularity)
        self._sync_granularity()
        self.speed_slider.setToolTip(self.speed_tooltip())

    def _on_combo(self, index: int) -> None:
        self._set_granularity(self.granularity_combo.itemData(index))

    def _on_speed(self, value: int) -> None:
        self.session.set_speed(value)
        self.speed_slider.setToolTip(self.speed_tooltip())

    def _train(self) -> None:
        if self.session.engine.divergence is None:
            self.session.train(self.epochs_spin.value())

    def _apply_seed(self) -> None:
        """Enter in the seed field: rebuild with that seed (nothing happens if it is unchanged)."""
        seed = self.seed_spin.value()
        if seed == self.session.config.seed:
            return
        try:
            self.session.apply_config(replace(self.session.config, seed=seed))
        except ValueError as exc:
            self.alert_label.setText(str(exc))
            self.alert_label.show()
            self.sync_from_session()


def _key_name(key: str) -> str:
    return {"Left": "←", "Right": "→", "Space": "Space"}.get(key, key)
