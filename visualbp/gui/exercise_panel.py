"""Exercise mode: type a prediction of what the next step computes, then the step is revealed.

The panel shows the next step's equation (without its numbers) and asks for one quantity — z, a, δ,
∂C/∂b, ∂C/∂w or the new w — of the neuron or weight the equation panel would show. Check judges the typed
number (decimals or fractions such as −3/4) against ``visualbp.core.exercises``'s answer, computed ahead
on a shadow engine; then the step is taken, so the window shows it, and the working (every operand, as
the equation panel writes them) appears under the verdict. Scores are kept per lesson; the lessons are
``resources/exercises.json``. "Reveal" takes the step without scoring.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from visualbp.core.exercises import (
    ABS_TOL,
    REL_TOL,
    Lesson,
    Question,
    Scorebook,
    Verdict,
    load_lessons,
    next_question,
    parse_number,
)
from visualbp.gui import equation_text
from visualbp.gui import theme as T
from visualbp.gui.notation import number, to_plain
from visualbp.gui.notation import themed_html as to_html
from visualbp.gui.session import Granularity

#: The score-book key of questions asked outside any lesson.
PRACTICE = "practice"


class ExercisePanel(QWidget):
    """Predict, then reveal: one question per step, judged against the core, scored per lesson."""

    answered = pyqtSignal(object)  # the Verdict

    def __init__(self, session, parent: QWidget | None = None, lessons: list[Lesson] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lessons = load_lessons() if lessons is None else lessons
        self.scores = Scorebook()
        self.lesson: Lesson | None = None
        self.question: Question | None = None
        self.remaining: int | None = None  # questions left in the lesson (None: practice, no end)
        self._revealing = False
        self._stale = True
        t = T.current()

        self.lesson_box = QComboBox()
        self.lesson_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lesson_box.setMinimumContentsLength(16)  # long lesson titles must not widen the dock
        self.lesson_box.addItem("Practice on the current network", None)
        for lesson in self.lessons:
            self.lesson_box.addItem(to_plain(lesson.title), lesson.name)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Build the lesson's network and step to its first question "
                                     "(it replaces the current network: File → Save keeps yours)")
        self.start_button.clicked.connect(self._on_start)
        self.lesson_row = QWidget()
        top = QHBoxLayout(self.lesson_row)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.lesson_box, 1)
        top.addWidget(self.start_button)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.which = QLabel()  # which neuron or weight the question is about (the graph marks it too)
        self.which.setWordWrap(True)
        self.which.setTextFormat(Qt.TextFormat.RichText)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("your prediction, e.g. 0.25 or −3/4")
        self.entry.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self.check)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Take the step without answering (not scored)")
        self.reveal_button.clicked.connect(self.reveal)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.reveal_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.working = QLabel()  # the operands under the verdict, as the equation panel writes them
        self.working.setWordWrap(True)
        self.working.setTextFormat(Qt.TextFormat.RichText)
        self.working.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.score = QLabel()
        self.score.setWordWrap(True)
        self.rule = QLabel(f"Right within {REL_TOL:.0%} of the answer or {number(ABS_TOL)}, whichever is larger.")
        self.rule.setStyleSheet(f"color: {t.muted}")
        self.rule.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.lesson_row)
        lay.addWidget(self.description)
        lay.addWidget(self.prompt)
        lay.addWidget(self.which)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addWidget(self.verdict)
        lay.addWidget(self.working)
        lay.addWidget(self.score)
        lay.addStretch(1)
        lay.addWidget(self.rule)
        session.stepTaken.connect(self._on_moved)
        session.steppedBack.connect(self._on_moved)
        session.networkChanged.connect(self._on_network_changed)
        session.selectionChanged.connect(self._on_moved)
        session.runningChanged.connect(self._on_moved)
        T.notifier().changed.connect(self._on_theme)
        self._show_score()
        self.refresh()

    def strip_parts(self) -> list[QWidget]:
        """Given up in presentation mode's strip, first to last (visualbp.gui.strip_fit): the question, the
        entry and the verdict on the last answer stay (the graph marks the neuron or weight asked about)."""
        return [self.rule, self.lesson_row, self.description, self.score, self.working, self.which]

    # ----------------------------------------------------------------- lessons
    def lesson_key(self) -> str:
        return self.lesson.name if self.lesson is not None else PRACTICE

    def start_lesson(self, name: str | None) -> None:
        """Start lesson ``name`` (build its network, take its steps, select its neuron), or practice (None)."""
        if name is None:
            self.lesson, self.remaining = None, None
            self.description.setText(to_html("Predict what each → computes on the network as it is now."))
        else:
            lesson = next(les for les in self.lessons if les.name == name)
            s = self.session
            self._revealing = True  # building the network and the lesson's own steps ask nothing
            try:
                try:
                    s.apply_config(lesson.config())
                except ValueError as exc:  # nothing was replaced
                    self.message.setText(f"Lesson {lesson.name!r} cannot start: {exc}")
                    return
                s.set_granularity(Granularity.RECORD)
                for _ in range(lesson.steps):
                    s.step()
            finally:
                self._revealing = False
            s.select(lesson.select)
            self.lesson, self.remaining = lesson, lesson.questions
            self.description.setText(to_html(f"*{{{lesson.title}}}\n{lesson.description}"))
        index = self.lesson_box.findData(name)
        self.lesson_box.blockSignals(True)
        self.lesson_box.setCurrentIndex(max(index, 0))
        self.lesson_box.blockSignals(False)
        self.verdict.setText("")
        self.working.setText("")
        self.message.setText("")
        self._show_score()
        self._stale = True
        self.refresh(force=True)

    def _on_start(self) -> None:
        self.start_lesson(self.lesson_box.currentData())

    # ----------------------------------------------------------------- answering
    def check(self) -> Verdict | None:
        """Judge the typed prediction; a number that cannot be read keeps the text and says why."""
        if self.question is None:
            return None
        try:
            prediction = parse_number(self.entry.text())
        except ValueError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText("")
        q = self.question
        verdict = q.judge(prediction)
        got, asked = self.scores.record(self.lesson_key(), verdict.right)
        self._take_step()
        dark = T.is_dark()
        head = (f"<b style='color:{'#81c784' if dark else '#2e7d32'}'>✓ Right.</b>" if verdict.right else
                f"<b style='color:{'#ff6e6e' if dark else '#c62828'}'>✗ Not quite.</b>")
        body = to_html(f"{q.symbol} = *{{{number(verdict.answer, 4)}}}   ~{{you: {number(prediction, 4)}, "
                       f"within ± {number(verdict.tolerance, 2)} counts}}")
        working = to_html(equation_text.numbers(q.readout))
        self.verdict.setText(f"{head} {body}")
        self.working.setText(f"<span style='color:{T.current().muted}'>Working:</span><br>{working}")
        self.entry.clear()
        self._show_score()
        self.answered.emit(verdict)
        return verdict

    def reveal(self) -> None:
        """Take the step without answering: the answer and the working are shown, nothing is scored."""
        q = self.question
        if q is None:
            self._take_step()
            return
        self.message.setText("")
        self._take_step()
        self.verdict.setText("<b>Revealed:</b> " + to_html(f"{q.symbol} = *{{{number(q.answer, 4)}}}"))
        self.working.setText(to_html(equation_text.numbers(q.readout)))
        self._show_score()

    def _take_step(self) -> None:
        s = self.session
        if s.granularity is not Granularity.RECORD:
            s.set_granularity(Granularity.RECORD)
        if self.remaining is not None and self.question is not None:
            self.remaining -= 1
        self._revealing = True
        try:
            s.step()
        finally:
            self._revealing = False
        self._stale = True
        self.refresh(force=True)

    # ----------------------------------------------------------------- the next question
    def _on_moved(self, *_args) -> None:
        if not self._revealing:
            self._stale = True
            self.refresh()

    def _on_network_changed(self) -> None:
        if not self._revealing and self.lesson is not None:
            self.lesson, self.remaining = None, None  # the lesson's network is gone: back to practice
            self.description.setText(to_html("Predict what each → computes on the network as it is now."))
            self.lesson_box.setCurrentIndex(0)
            self._show_score()
        self._on_moved()

    def _on_theme(self, *_args) -> None:
        """Presentation's dark theme (or back): the question and the rule in its colours."""
        self.rule.setStyleSheet(f"color: {T.current().muted}")
        self._stale = True
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Ask about the step the engine would take next (only while shown, or when ``force``d)."""
        if not self._stale or not (force or self.isVisible()):
            return
        self._stale = False
        s = self.session
        if self.remaining == 0:
            self.question = None
            got, asked = self.scores.score(self.lesson_key())
            self._prompt(f"*{{Lesson done: {got} of {asked} right.}} Choose another lesson, or Start again.")
            return
        if s.running:
            self.question = None
            self._prompt("Training is running: pause it to predict the next step.")
            return
        q = next_question(s.engine, s.selected, self.lesson.ask if self.lesson else None)
        if q is None:  # a^1 = x: the next step takes in an example and computes nothing to predict
            self.question = None
            self._prompt("Next: a^1 = x, the next training example comes in: nothing to predict.\n"
                         "Press Reveal (or →) to take it in.")
            self.reveal_button.setEnabled(True)
            return
        self.question = q
        r = q.readout
        step = equation_text.title(r)
        left = "" if self.remaining is None else f"   ~{{(question {self.lesson.questions - self.remaining + 1} " \
                                                 f"of {self.lesson.questions})}}"
        self._prompt(f"Next: {step}{left}\n{equation_text.equation(r)}\nPredict *{{{q.symbol}}}",
                     equation_text.which(r))

    def _prompt(self, markup: str, which: str = "") -> None:
        enabled = self.question is not None
        for w in (self.entry, self.check_button, self.reveal_button):
            w.setEnabled(enabled)
        self.prompt.setText(to_html(markup))
        self.which.setText(to_html(which) if which else "")

    def _show_score(self) -> None:
        key = self.lesson_key()
        got, asked = self.scores.score(key)
        where = f"lesson “{to_plain(self.lesson.title)}”" if self.lesson else "practice"
        text = f"Score in {where}: {got} of {asked} right." if asked else f"No answers yet in {where}."
        others = [f"{name}: {g}/{a}" for name, (g, a) in self.scores.scores.items() if name != key]
        if others:
            text += "  Other lessons — " + ", ".join(others)
        self.score.setText(text)
