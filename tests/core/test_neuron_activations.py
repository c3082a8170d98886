"""Activations per neuron (core/neuron_activations.py, core/neuron_edits.py): chapter 2's exercises "backpropagation
with a single modified neuron" and "with linear neurons". A network mixing activations passes the gradient check,
BP1/BP2 use the modified neuron's own f'(z) and nothing else changes, a linear network's δ recursion has no σ'
factor, a choice is a step ← undoes, and sessions and network files keep the choices (and refuse bad ones)."""

import io
import json
import zipfile

import numpy as np
import pytest

from visualbp.core.activations import ACTIVATIONS, get_activation
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.edits import saved_extra, take_saved_inputs
from visualbp.core.engine import Engine
from visualbp.core.gradcheck import gradient_check
from visualbp.core.network import Network
from visualbp.core.neuron_activations import Mixed, check_triples
from visualbp.core.neuron_edits import set_activation
from visualbp.core.readout import readout
from visualbp.core.sessionio import SavedSession, SessionFileError, load_network, load_session, save_session
from visualbp.core.steps import Kind

X1 = np.array([[0.3], [-0.5], [0.8]])
Y1 = np.array([[1.0], [0.0]])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy"])
def test_a_network_mixing_activations_passes_the_gradient_check(name, cost):
    net = Network([3, 4, 3, 2], "tanh", cost, seed=3)
    net.set_neuron_activation(2, 1, name)
    net.set_neuron_activation(3, 2, name)
    if cost == "quadratic":  # cross-entropy keeps sigmoid outputs
        net.set_neuron_activation(4, 0, name)
    assert max(gradient_check(net, X1, Y1)) < 1e-6


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "tanh"])
def test_bp1_and_bp2_use_the_modified_neurons_own_derivative_and_nothing_else_changes(name):
    plain = Network([3, 4, 2], "tanh", "quadratic", seed=5)
    net = plain.copy()
    net.set_neuron_activation(2, 2, name)  # hidden neuron j = 3 of layer 2: BP2
    net.set_neuron_activation(3, 1, name)  # output neuron j = 2: BP1
    f = get_activation(name)
    w2, b2, w3, b3 = net.weights[0], net.biases[0], net.weights[1], net.biases[1]
    # by hand: a = f_j(z_j) neuron by neuron, δ^L = (a − y) ⊙ f_j'(z^L), δ^2 = (w^3)^T δ^3 ⊙ f_j'(z^2)
    z2 = w2 @ X1 + b2
    a2 = np.tanh(z2)
    a2[2] = f.fn(z2[2])
    z3 = w3 @ a2 + b3
    a3 = 1 / (1 + np.exp(-z3))
    a3[1] = f.fn(z3[1])
    fp3 = a3 * (1 - a3)
    fp3[1] = f.prime(z3[1], a3[1])
    d3 = (a3 - Y1) * fp3
    fp2 = 1 - np.tanh(z2) ** 2
    fp2[2] = f.prime(z2[2], a2[2])
    d2 = (w3.T @ d3) * fp2
    nabla_b, nabla_w = net.backprop(X1, Y1)
    np.testing.assert_allclose(nabla_b[1], d3, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(nabla_b[0], d2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(nabla_w[0], d2 @ X1.T, rtol=1e-12, atol=1e-15)
    # BP1 changes only at the modified output neuron: the other output's δ is the unmodified network's
    only_output = plain.copy()
    only_output.set_neuron_activation(3, 1, name)
    assert only_output.backprop(X1, Y1)[0][1][0, 0] == plain.backprop(X1, Y1)[0][1][0, 0]


def test_the_step_engine_and_the_readout_show_the_modified_neurons_f_prime():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 2))
    Y = np.eye(2)[rng.integers(0, 2, 6)]
    engine = Engine(Network([2, 3, 2], seed=1), X, Y, mini_batch_size=2, eta=1.0)
    record = set_activation(engine, 2, 1, "softplus")
    assert record.kind is Kind.EDIT and "softplus" in record.describe()
    while engine.last_record.kind is not Kind.BACKPROP_ERROR:
        engine.step()
    r = readout(engine, engine.last_record, selected=(2, 1))
    z = engine.current("z", 2)[1, 0]
    assert r["fp"] == pytest.approx(1 / (1 + np.exp(-z)), rel=1e-12)  # softplus' = σ
    assert r.f_j == "softplus" and r.f == "f" and "softplus at j = 2" in r.f_note
    other = readout(engine, engine.last_record, selected=(2, 0))
    a0 = engine.current("a", 2)[0, 0]
    assert other["fp"] == pytest.approx(a0 * (1 - a0), rel=1e-12) and other.f_j == "σ"


def test_choosing_an_activation_is_a_step_back_undoes_exactly():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 2))
    Y = np.eye(2)[rng.integers(0, 2, 6)]
    engine = Engine(Network([2, 3, 2], seed=1), X, Y, mini_batch_size=2, eta=1.0)
    for _ in range(3):
        engine.step()
    position, step = engine.position, engine.step_index
    set_activation(engine, 2, 0, "relu")
    assert engine.net.neuron_activations == ((2, 0, "relu"),) and engine.at_batch_start
    engine.back()
    assert engine.net.neuron_activations == () and engine.position == position and engine.step_index == step
    with pytest.raises(ValueError, match="already uses sigmoid"):
        set_activation(engine, 2, 0, "sigmoid")
    with pytest.raises(ValueError, match="unknown activation"):
        set_activation(engine, 2, 0, "swish")
    with pytest.raises(ValueError, match="layer 2 has 3 neurons"):
        set_activation(engine, 2, 5, "tanh")
    assert engine.step_index == step  # refusals take no step


def test_whole_minibatches_train_with_the_neurons_own_activations():
    """The matrix kernel (SGD, whole minibatches) and the per-example steps agree on a mixed network."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((8, 2))
    Y = np.eye(2)[rng.integers(0, 2, 8)]
    a = Engine(Network([2, 3, 2], seed=1), X, Y, mini_batch_size=4, eta=0.5)
    b = Engine(Network([2, 3, 2], seed=1), X, Y, mini_batch_size=4, eta=0.5)
    for engine in (a, b):
        set_activation(engine, 2, 2, "leaky-relu")
        set_activation(engine, 3, 0, "linear")
    assert a.run_batches(1) == 1  # one matrix-based pass over the minibatch
    while b.epoch == 0 and b.batch == 0:  # example by example, equation by equation
        b.step()
    for wa, wb in zip(a.net.weights + a.net.biases, b.net.weights + b.net.biases):
        np.testing.assert_allclose(wa, wb, rtol=1e-12, atol=1e-14)


def test_a_linear_network_backpropagates_without_a_sigma_prime_factor():
    """Chapter 2's exercise: with σ(z) = z everywhere, δ^L = a^L − y and δ^l = (w^(l+1))^T δ^(l+1)."""
    net = Network([3, 4, 3, 2], "linear", "quadratic", seed=7)
    for j in range(2):
        net.set_neuron_activation(4, j, "linear")
    a = X1
    for w, b in zip(net.weights, net.biases):
        a = w @ a + b
    delta = a - Y1
    deltas = [delta]
    for w in reversed(net.weights[1:]):
        delta = w.T @ delta
        deltas.insert(0, delta)
    nabla_b, nabla_w = net.backprop(X1, Y1)
    for got, want in zip(nabla_b, deltas):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert max(gradient_check(net, X1, Y1)) < 1e-6


def test_a_mixed_layer_quacks_like_an_activation():
    m = Mixed(get_activation("sigmoid"), {1: get_activation("linear"), 2: get_activation("tanh")})
    z = np.array([[-1.0, 2.0], [-3.0, 0.5], [0.2, -0.7]])
    a = m.fn(z)
    np.testing.assert_array_equal(a[1], z[1])
    np.testing.assert_array_equal(a[2], np.tanh(z[2]))
    out, scratch, e = np.empty_like(z), np.empty_like(z), np.ones_like(z) * 2.0
    m.in_place[0](z, out, scratch)
    np.testing.assert_array_equal(out, a)
    m.in_place[1](e, z, a, scratch)
    np.testing.assert_allclose(e, 2.0 * m.prime(z, a))
    assert m.low == float("-inf") and m.high == float("inf") and m.max_prime == 1.0 and m.of(0).name == "sigmoid"


def test_cross_entropy_keeps_sigmoid_outputs_with_a_clear_refusal():
    net = Network([2, 3, 2], cost="cross-entropy", seed=1)
    with pytest.raises(ValueError, match="cross-entropy cost needs outputs in \\(0, 1\\).*quadratic cost"):
        net.set_neuron_activation(3, 0, "linear")
    assert net.neuron_activations == ()
    net.set_neuron_activation(2, 0, "linear")  # hidden neurons may be anything
    assert net.neuron_activations == ((2, 0, "linear"),)
    net.set_neuron_activation(2, 0, "sigmoid")  # the layer's own f takes the choice back
    assert net.neuron_activations == ()


def _saved(tmp_path, config, own):
    dataset = load_dataset(config)
    net, engine = build(config, dataset)
    for l, j, name in own:
        set_activation(engine, l, j, name)
    path = tmp_path / "s.vbp"
    w0, b0 = engine.initial_parameters
    save_session(path, SavedSession(config, *engine.batch_start_parameters(), w0, b0,
                                    extra=saved_extra({}, engine)))
    return path, net


def test_sessions_and_network_files_keep_the_choices(tmp_path):
    config = SessionConfig(dataset="xor", sizes=(2, 3, 2), seed=1)
    path, net = _saved(tmp_path, config, [(2, 1, "tanh"), (3, 0, "softplus")])
    saved = load_session(path)
    assert saved.extra["neuron_activations"] == [[2, 1, "tanh"], [3, 0, "softplus"]]
    net2, engine2 = build(saved.config, load_dataset(saved.config))
    take_saved_inputs(engine2, saved.extra, path)
    assert net2.neuron_activations == net.neuron_activations
    net.save(str(tmp_path / "n.vbpnet"))
    again = load_network(str(tmp_path / "n.vbpnet"))
    assert again.neuron_activations == net.neuron_activations
    np.testing.assert_array_equal(again.feedforward(np.array([[0.2], [0.9]])),
                                  net.feedforward(np.array([[0.2], [0.9]])))


def _rewrite_header(path, edit):
    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    header = json.loads(np.load(io.BytesIO(items["__header__.npy"])).tobytes())
    edit(header)
    buffer = io.BytesIO()
    np.save(buffer, np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8))
    items["__header__.npy"] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)


@pytest.mark.parametrize("value, words", [
    ("tanh", "must be a list"),
    ([[2, 1]], r"\[0\] must be \[l, j, activation\]"),
    ([[1, 0, "tanh"]], "layer 1 has no activation"),
    ([[4, 0, "tanh"]], "layer 4 has no activation"),
    ([[2, 3, "tanh"]], "layer 2 has 3 neurons"),
    ([[2, -1, "tanh"]], "layer 2 has 3 neurons"),
    ([[2, 0, "swish"]], "unknown activation"),
    ([[2, 0, "tanh"], [2, 0, "relu"]], "named twice"),
    ([[2, 0, True]], r"must be \[l, j, activation\]"),
    ([[2.0, 0, "tanh"]], r"must be \[l, j, activation\]"),
    ([[2, 2**70, "tanh"]], "too large"),
    ([[2, 0, "tanh"]] * 10_001, "at most 10,000"),
])
def test_hostile_choices_in_a_session_header_are_refused_naming_the_entry(tmp_path, value, words):
    config = SessionConfig(dataset="xor", sizes=(2, 3, 2), seed=1)
    path, _ = _saved(tmp_path, config, [(2, 1, "tanh")])
    _rewrite_header(path, lambda h: h["extra"].__setitem__("neuron_activations", value))
    with pytest.raises(SessionFileError, match=words):
        load_session(path)


def test_a_non_sigmoid_output_under_cross_entropy_is_refused_in_a_file(tmp_path):
    config = SessionConfig(dataset="xor", sizes=(2, 3, 2), seed=1, cost="cross-entropy")
    path, net = _saved(tmp_path, config, [(2, 1, "tanh")])
    _rewrite_header(path, lambda h: h["extra"].__setitem__("neuron_activations", [[3, 0, "linear"]]))
    with pytest.raises(SessionFileError, match="cross-entropy cost needs outputs"):
        load_session(path)
    net.save(str(tmp_path / "n.vbpnet"))
    _rewrite_header(tmp_path / "n.vbpnet", lambda h: h.__setitem__("neuron_activations", [[3, 1, "relu"]]))
    with pytest.raises(SessionFileError, match="cross-entropy cost needs outputs"):
        load_network(str(tmp_path / "n.vbpnet"))


def test_check_triples_drops_choices_equal_to_the_layers_own():
    assert check_triples([[2, 0, "sigmoid"], [2, 1, "relu"]], [2, 3, 2], "quadratic",
                         lambda l: get_activation("sigmoid")) == [(2, 1, "relu")]


def test_choices_between_whole_minibatches_step_back_exactly_across_the_replay():
    """← redoes whole minibatches from a checkpoint with the kernel they ran on: a choice of f between them must
    neither be lost nor leak into a redo."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((12, 2))
    Y = np.eye(3)[rng.integers(0, 3, 12)]
    engine = Engine(Network([2, 4, 3], seed=2), X, Y, mini_batch_size=2, eta=0.5)

    def state():
        return ([p.copy() for p in engine.net.weights + engine.net.biases], engine.net.neuron_activations,
                engine.position)

    states = [state()]
    moves = [engine.finish_batch, engine.finish_batch, lambda: set_activation(engine, 2, 1, "softplus"),
             engine.finish_batch, engine.finish_batch, lambda: set_activation(engine, 3, 2, "linear"),
             engine.finish_batch]
    for move in moves:
        move()
        states.append(state())
    while len(states) > 1:
        states.pop()
        assert engine.back() is not None
        params, own, position = state()
        assert own == states[-1][1] and position == states[-1][2]
        assert all(a.tobytes() == b.tobytes() for a, b in zip(params, states[-1][0]))


def test_the_matrix_form_names_the_neurons_with_their_own_f():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((6, 2))
    Y = np.eye(2)[rng.integers(0, 2, 6)]
    engine = Engine(Network([2, 3, 2], seed=1), X, Y, mini_batch_size=2, eta=1.0)
    set_activation(engine, 2, 1, "tanh")
    engine.finish_batch()
    r = readout(engine, engine.last_record)
    assert r.kind is Kind.BATCH and r.f_hidden == "f" and r.f_output == "σ"
    assert r.f_note == "tanh at l = 2, j = 2"


def test_saturation_is_measured_against_each_neurons_own_largest_f_prime():
    """σ' ≤ 1/4 but tanh' ≤ 1: in a layer mixing them, a sigmoid neuron with σ'(z) = 0.05 is not saturated
    (0.05 > 0.1 × 1/4), though 0.05 < 0.1 × 1 would call a tanh neuron saturated."""
    from visualbp.core.diagnostics import saturation

    net = Network([1, 2, 1], seed=1)
    net.set_neuron_activation(2, 1, "tanh")
    z = float(np.log((1 + np.sqrt(1 - 4 * 0.05)) / (1 - np.sqrt(1 - 4 * 0.05))))  # σ'(z) = 0.05
    net.weights[0] = np.array([[z], [2.5]])  # tanh'(2.5) ≈ 0.0266: saturated
    net.biases[0] = np.zeros((2, 1))
    fractions = saturation(net, np.array([[1.0]]))
    assert fractions[0].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_sum_over_paths_equals_bp4_through_modified_neurons(name):
    """Chapter 2's big picture: each hop through a neuron multiplies by that neuron's own f'(z)."""
    from visualbp.core.paths import path_sum

    net = Network([3, 4, 3, 2], "sigmoid", "quadratic", seed=4)
    net.set_neuron_activation(2, 0, name)
    net.set_neuron_activation(3, 1, name)
    net.set_neuron_activation(4, 1, name)
    _, nabla_w = net.backprop(X1, Y1)
    for l, j, k in ((2, 0, 1), (2, 3, 2), (3, 1, 0), (4, 1, 2)):
        ps = path_sum(net, X1, Y1, l, j, k, top=10_000)
        assert ps.backprop == nabla_w[l - 2][j, k]
        assert abs(ps.total - ps.backprop) <= 1e-12 * max(1.0, abs(ps.backprop))
