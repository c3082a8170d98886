"""Hover cards and the neuron card: the core's readout of a neuron or weight, formatted; the same after
← as before →."""

import pytest

from visualbp.core.config import SessionConfig
from visualbp.core.steps import Kind
from visualbp.gui import theme
from visualbp.gui.cards import edge_text, neuron_text
from visualbp.gui.inspector import NeuronInspector
from visualbp.gui.notation import number
from visualbp.gui.session import Session


@pytest.fixture
def session(qtbot):
    s = Session(SessionConfig(sizes=(2, 3, 2), dataset="xor", seed=1, mini_batch_size=2))
    yield s
    s.shutdown()


def step_until(session, done, limit=200):
    for _ in range(limit):
        record = session.step()
        if done(record):
            return record
    raise AssertionError("not reached")


def all_cards(session):
    sizes = session.net.sizes
    texts = [neuron_text(session, l, j) for l in range(1, len(sizes) + 1) for j in range(sizes[l - 1])]
    texts += [edge_text(session, l, j, k) for l in range(2, len(sizes) + 1)
              for j in range(sizes[l - 1]) for k in range(sizes[l - 2])]
    return texts


def test_an_edge_card_shows_bp4_with_its_numbers_then_the_minibatch_mean(session):
    text = edge_text(session, 3, 1, 2, dw=0.0)
    assert text.startswith(f"w^3_23 = {number(session.net.weights[1][1, 2])}\n"
                           "from neuron k=3 of layer 2 to neuron j=2 of layer 3")
    assert "not known yet" in text and "last change" not in text
    step_until(session, lambda r: r.kind is Kind.GRADIENT_W and r.l == 3)
    a_k = session.engine.current("a", 2)[2, 0]
    d_j = session.engine.current("delta", 3)[1, 0]
    g = session.engine.current("nabla_w", 3)[1, 2]
    assert (f"∂C/∂w^3_23 = a^2_3 δ^3_2 = ({number(a_k)})({number(d_j)}) = {number(g)}   (BP4, this example)"
            in edge_text(session, 3, 1, 2))
    step_until(session, lambda r: session.engine.at_batch_start)
    mean = session.engine.last_gradient[1][1][1, 2]
    text = edge_text(session, 3, 1, 2, dw=-0.25)
    assert f"∂C/∂w^3_23 = {number(mean)}   (BP4, mean over the last minibatch)" in text
    assert text.endswith("last change Δw^3_23 = −0.25")


def test_a_neuron_card_names_the_real_activation(qtbot):
    s = Session(SessionConfig(sizes=(2, 3, 2), dataset="xor", activation="tanh", seed=1))
    step_until(s, lambda r: r.kind is Kind.FEEDFORWARD and r.l == 3)
    hidden, output = neuron_text(s, 2, 0), neuron_text(s, 3, 1)
    assert hidden.startswith("neuron j=1 of layer l=2 (hidden)")
    assert "tanh'(z^2_1) = " in hidden and "(tanh(z), activation)" in hidden
    assert "σ'(z^3_2) = " in output and f"z^3_2 = {number(s.engine.current('z', 3)[1, 0])}" in output
    assert "δ^3_2 = —" in output
    assert neuron_text(s, 1, 1).splitlines()[1].endswith("(= x_2, the input)")
    s.shutdown()


def test_after_back_the_cards_and_the_neuron_card_show_what_they_showed(session, qtbot):
    """Stepping back past the update that ends a minibatch: the cards once kept the undone minibatch's
    gradient, labelled 'mean over the last minibatch'."""
    theme.apply()
    inspector = NeuronInspector(session)
    qtbot.addWidget(inspector)
    session.select((2, 1))
    step_until(session, lambda r: session.engine.at_batch_start)  # one minibatch done
    history = []
    for _ in range(30):  # on through the second minibatch's update
        history.append((all_cards(session), inspector.facts()))
        session.step()
    for expected in reversed(history):
        session.back()
        assert (all_cards(session), inspector.facts()) == expected
