"""Network: a feedforward network trained by minibatch SGD, in Nielsen's notation.

The public surface is the book's ``network.py`` (chapters 1–2) so a reader can
paste a snippet and it runs: ``Network(sizes)``, ``weights``, ``biases``,
``feedforward``, ``backprop``, ``update_mini_batch``, ``SGD``, ``evaluate``.
Added: tanh/ReLU/linear/softplus/leaky-ReLU layers and single neurons with their own
activation (``set_neuron_activation``, chapter 2's modified-neuron exercise), the
cross-entropy cost and L2 regularisation (chapter 3's ``lmbda``). Every gradient comes from one matrix-based BP1–BP4,
``visualbp.core.fastpath.Kernel``, which SGD and the step engine run in place.

Indexing: the book's layer ``l`` runs 1..L with layer 1 the input, so
``weights[i]`` is ``w^(i+2)`` and ``biases[i]`` is ``b^(i+2)``.

Left out, as in the book: momentum, dropout, softmax outputs, early stopping.
Arrays the network has handed out are never changed in place: an update binds new
arrays, or (SGD, the engine's whole minibatches) writes only into copies it made
itself, so step history can keep the old ones by reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import numpy as np

from visualbp.core import checks, fastpath
from visualbp.core.activations import Activation, get_activation
from visualbp.core.costs import get_cost
from visualbp.core.neuron_activations import Mixed, check_output

INITS = ("standard", "scaled", "blank")  # blank: all zero, for typing every value (core/edits.py)

Pair = tuple[np.ndarray, np.ndarray]

class Network:
    """A network with layer sizes ``sizes``, e.g. ``Network([784, 30, 10])``."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation = "sigmoid",
        cost: str = "quadratic",
        init: str = "standard",
        seed: int | None = None,
        *,
        output_activation: str | Activation = "sigmoid",
        lmbda: float = 0.0,
    ) -> None:
        self.sizes = checks.check_sizes(sizes)
        self.num_layers = len(self.sizes)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(output_activation)
        self.cost = get_cost(cost)
        if self.cost.name == "cross-entropy" and self.output_activation.name != "sigmoid":
            raise ValueError(
                f"the cross-entropy cost needs outputs in (0, 1), but a {self.output_activation.name} "
                "output layer can leave that range: use a sigmoid output layer or the quadratic cost"
            )
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)}")
        self.init = init
        self.lmbda = checks.check_lmbda(lmbda)
        seed = checks.check_seed(seed)
        # a SeedSequence made without entropy draws an int
        self.seed = cast(int, np.random.SeedSequence().entropy) % 2**32 if seed is None else seed
        rng = np.random.default_rng(self.seed)
        # Biases b^l: N(0, 1), shape (n_l, 1). Weights w^l: N(0, 1) ("standard", chapters 1–2)
        # or N(0, 1/n_in) ("scaled", chapter 3), shape (n_l, n_{l-1}): row j, column k is w^l_jk.
        self.biases = [rng.standard_normal((y, 1)) for y in self.sizes[1:]]
        self.weights = [
            rng.standard_normal((y, x)) / (np.sqrt(x) if init == "scaled" else 1.0)
            for x, y in zip(self.sizes[:-1], self.sizes[1:])
        ]
        if init == "blank":
            self.weights = [np.zeros_like(w) for w in self.weights]
            self.biases = [np.zeros_like(b) for b in self.biases]
        self._shuffle_rng = np.random.default_rng([self.seed, 1])
        # {l: {j: f}}: neurons whose activation differs from their layer's (rebound, never written in place)
        self._neuron_overrides: dict[int, dict[int, Activation]] = {}

    # ----------------------------------------------------------------- feedforward
    def layer_activation(self, i: int) -> Activation | Mixed:
        """The activation of ``weights[i]``'s layer: hidden layers use ``activation``, the last
        ``output_activation``; a ``Mixed`` one when some of its neurons have their own."""
        default = self.output_activation if i == self.num_layers - 2 else self.activation
        overrides = self._neuron_overrides.get(i + 2)
        if not overrides:
            return default
        if len(overrides) == self.sizes[i + 1] and len(set(overrides.values())) == 1:
            return next(iter(overrides.values()))  # every neuron changed to one f: that is the layer's f
        return Mixed(default, overrides)

    def neuron_activation(self, l: int, j: int) -> Activation:
        """The activation f of neuron j (from 0) of the book's layer l (2 … L)."""
        self._check_neuron(l, j)
        act = self.layer_activation(l - 2)
        return act.of(j) if isinstance(act, Mixed) else act

    def set_neuron_activation(self, l: int, j: int, activation: str | Activation) -> None:
        """Give neuron j of layer l its own f (the layer's own f takes the choice back). ValueError naming the
        problem, and nothing changes, for no such neuron, an unknown name, or a non-sigmoid output under the
        cross-entropy cost."""
        self._check_neuron(l, j)
        act = get_activation(activation)
        check_output(l, self.num_layers, act.name, self.cost.name)
        default = self.output_activation if l == self.num_layers else self.activation
        layer = dict(self._neuron_overrides.get(l, {}))
        if act == default:
            layer.pop(j, None)
        else:
            layer[j] = act
        overrides = {k: v for k, v in self._neuron_overrides.items() if k != l}
        if layer:
            overrides[l] = layer
        self._neuron_overrides = overrides

    @property
    def activations_token(self) -> tuple:
        """Identical (element by element, ``is``) while no activation, output activation, cost or neuron's own f
        changed: what a cached ``kernel()`` is checked against, in a few comparisons per minibatch."""
        return (self.activation, self.output_activation, self.cost, self._neuron_overrides)

    @property
    def neuron_activations(self) -> tuple[tuple[int, int, str], ...]:
        """Every neuron with its own f, as (l, j, name) sorted: what a session file keeps."""
        return tuple((l, j, a.name) for l in sorted(self._neuron_overrides)
                     for j, a in sorted(self._neuron_overrides[l].items()))

    def _check_neuron(self, l: int, j: int) -> None:
        L = self.num_layers
        if not 2 <= l <= L:
            raise ValueError(f"layer {l} has no activation: l runs 2 … {L} (layer 1 is the input)")
        if not 0 <= j < self.sizes[l - 1]:
            raise ValueError(f"layer {l} has {self.sizes[l - 1]} neurons: j = 1 … {self.sizes[l - 1]}, got {j + 1}")

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        """a^l = σ(w^l a^(l−1) + b^l) for l = 2..L; ``a`` is a column (n_in, 1) or columns (n_in, m)."""
        for i, (b, w) in enumerate(zip(self.biases, self.weights)):
            a = self.layer_activation(i)(w @ a + b)
        return a

    # ----------------------------------------------------------------- backprop
    def kernel(self) -> fastpath.Kernel:
        """The matrix-based BP1–BP4 of this network (see ``visualbp.core.fastpath``)."""
        acts = [self.layer_activation(i) for i in range(self.num_layers - 1)]
        return fastpath.Kernel(self.sizes, acts, self.cost)

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradient of C_x for one example (a column ``x``, one-hot column ``y``): BP1, BP2, then BP3
        (∂C/∂b) and BP4 (∂C/∂w). Returns ``(nabla_b, nabla_w)`` shaped like ``biases`` and ``weights``."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
        y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
        return self.backprop_batch(x, y)

    def backprop_batch(self, X: np.ndarray, Y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Matrix-based BP1–BP4 for examples as columns: gradient of the mean cost over the batch.

        ``X`` is (n_in, m), ``Y`` is (n_out, m). Equals the mean of ``backprop`` over the columns.
        """
        with np.errstate(over="ignore"):
            return fastpath.gradient(self.kernel(), self.weights, self.biases, X, Y, 1.0 / X.shape[1])

    # ----------------------------------------------------------------- gradient descent
    def update_mini_batch(
        self, mini_batch: Sequence[Pair], eta: float, lmbda: float | None = None, n: int | None = None
    ) -> None:
        """w^l → (1 − ηλ/n) w^l − η/m Σ_x δ^(x,l) (a^(x,l−1))^T,  b^l → b^l − η/m Σ_x δ^(x,l).

        ``lmbda`` defaults to the network's; ``n`` (training-set size, for L2) to the batch size.
        Binds new arrays: arrays handed out before are never changed.
        """
        eta = checks.check_eta(eta)
        lmbda = self.lmbda if lmbda is None else checks.check_lmbda(lmbda)
        X, Y = stack_pairs(mini_batch)
        params = fastpath.join(self.weights, self.biases)
        grads = [np.empty_like(p) for p in params]
        decay = fastpath.weight_decay(eta, lmbda, n or len(mini_batch))
        with np.errstate(over="ignore"):
            self.kernel().minibatch(params, fastpath.with_ones(X), Y, eta / len(X), grads, decay)
        self.weights = [p[:, :-1].copy() for p in params]
        self.biases = [p[:, -1:].copy() for p in params]

    def SGD(
        self,
        training_data: Iterable[Pair],
        epochs: int,
        mini_batch_size: int,
        eta: float,
        test_data: Iterable[Pair] | None = None,
        lmbda: float | None = None,
        verbose: bool = True,
    ) -> list[int]:
        """Minibatch stochastic gradient descent, as in the book.

        Shuffles each epoch (with the network's seeded generator, without touching
        ``training_data``), updates once per minibatch, and prints the epoch like the
        book does unless ``verbose`` is False. Returns the test hits per epoch.
        """
        epochs = checks.check_count("epochs", epochs, minimum=0)
        mini_batch_size = checks.check_count("minibatch size", mini_batch_size)
        eta = checks.check_eta(eta)
        lmbda = self.lmbda if lmbda is None else checks.check_lmbda(lmbda)
        X, Y = _stack_pairs_with_ones(training_data)  # pre-stacked once: rows [x^T 1]
        if X.shape[1] != self.sizes[0] + 1 or Y.shape[1] != self.sizes[-1]:
            raise ValueError(
                f"the network takes {self.sizes[0]} inputs and gives {self.sizes[-1]} outputs, but the "
                f"training examples have {X.shape[1] - 1} inputs and {Y.shape[1]} targets (y must be one-hot)"
            )
        test = list(test_data) if test_data is not None else None
        n = len(X)
        hits = []
        # Own parameters, one array [w^l | b^l] per layer, updated in place (arrays anyone else holds,
        # such as step history, stay intact). weights/biases are views into them while training, so
        # evaluating between epochs sees the current network.
        params = fastpath.join(self.weights, self.biases)
        self.weights, self.biases = fastpath.split(params)
        grads = [np.empty_like(p) for p in params]
        kernel = self.kernel()
        decay = fastpath.weight_decay(eta, lmbda, n)
        try:
            for j in range(epochs):
                order = self._shuffle_rng.permutation(n)
                fastpath.train_epoch(kernel, params, grads, X, Y, order, mini_batch_size, eta, decay)
                if test is not None:
                    hits.append(self.evaluate(test))
                    if verbose:
                        print(f"Epoch {j}: {hits[-1]} / {len(test)}")
                elif verbose:
                    print(f"Epoch {j} complete")
        finally:  # plain contiguous arrays again, as the book's network holds
            self.weights = [p[:, :-1].copy() for p in params]
            self.biases = [p[:, -1:].copy() for p in params]
        return hits

    # ----------------------------------------------------------------- evaluation
    def evaluate(self, test_data: Iterable[Pair]) -> int:
        """How many examples the network classifies right (argmax of a^L); y may be a label or one-hot."""
        results = [
            (int(np.argmax(self.feedforward(x))), int(y) if np.ndim(y) == 0 else int(np.argmax(y)))
            for x, y in test_data
        ]
        return sum(int(a == y) for a, y in results)

    def total_cost(self, data: Iterable[Pair]) -> float:
        """C = 1/n Σ_x C_x + λ/2n Σ_w w² over ``data`` (one-hot y)."""
        X, Y = stack_pairs(data)
        return self.cost_arrays(X, Y)

    def _chunks(self, n: int) -> range:
        """Row offsets that keep one chunk's activations near 4 million floats (32 MB)."""
        return range(0, n, max(1, 4_000_000 // max(self.sizes)))

    def cost_arrays(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Mean cost (plus the L2 term) over rows ``X`` (n, n_in), one-hot rows ``Y``."""
        n = len(X)
        step = self._chunks(n).step
        c = sum(self.cost.fn(self.feedforward(X[k:k + step].T), Y[k:k + step].T) for k in self._chunks(n)) / n
        if self.lmbda:
            c += 0.5 * (self.lmbda / n) * sum(float(np.vdot(w, w)) for w in self.weights)
        return c

    def accuracy_arrays(self, X: np.ndarray, labels: np.ndarray) -> float:
        """Fraction of rows ``X`` whose argmax output equals ``labels``."""
        if len(X) == 0:
            return float("nan")
        step = self._chunks(len(X)).step
        hits = sum(int(np.sum(np.argmax(self.feedforward(X[k:k + step].T), axis=0) == labels[k:k + step]))
                   for k in self._chunks(len(X)))
        return hits / len(X)

    # ----------------------------------------------------------------- helpers
    def copy(self) -> Network:
        """An independent network with the same settings and bitwise-equal parameters."""
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.sizes = list(self.sizes)
        other.weights = [w.copy() for w in self.weights]
        other.biases = [b.copy() for b in self.biases]
        other._shuffle_rng = np.random.default_rng()
        other._shuffle_rng.bit_generator.state = self._shuffle_rng.bit_generator.state
        return other

    def save(self, path: str) -> None:
        """Write this network (settings, weights and biases, bitwise) to ``path``; atomic."""
        from visualbp.core.sessionio import save_network

        save_network(path, self)

    @staticmethod
    def load(path: str) -> Network:
        """A network saved with ``save`` or exported from the app; SessionFileError if it cannot be read."""
        from visualbp.core.sessionio import load_network

        return load_network(path)

    @property
    def n_parameters(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def describe(self) -> str:
        """One line: sizes, activation, cost, init, seed."""
        s = f"{self.sizes} {self.activation.name}"
        if self.output_activation.name != self.activation.name:
            s += f"/{self.output_activation.name} output"
        if self._neuron_overrides:
            s += ", own f: " + ", ".join(f"{a}^{l}_{j + 1}" for l, j, a in self.neuron_activations)
        s += f", {self.cost.name} cost, {self.init} init, seed {self.seed}"
        if self.lmbda:
            s += f", λ={self.lmbda:g}"
        return s

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, activation={self.activation.name!r}, cost={self.cost.name!r}, "
            f"init={self.init!r}, seed={self.seed})"
        )


def stack_pairs(pairs: Iterable[Pair]) -> tuple[np.ndarray, np.ndarray]:
    """Book-format ``(x, y)`` pairs → rows ``X`` (n, n_in) and ``Y`` (n, n_out), float64."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError("no examples: the data is empty")
    try:
        X = np.array([x for x, _ in pairs], dtype=np.float64).reshape(len(pairs), -1)
        Y = np.array([y for _, y in pairs], dtype=np.float64).reshape(len(pairs), -1)
    except ValueError:
        raise ValueError("the examples do not all have the same shape") from None
    return X, Y


def _stack_pairs_with_ones(pairs: Iterable[Pair]) -> tuple[np.ndarray, np.ndarray]:
    """Like ``stack_pairs``, with a last column of ones in ``X`` (n, n_in + 1), in one copy.

    The ones let one matrix multiply give z = [w | b] [a; 1] (see ``visualbp.core.fastpath``).
    """
    pairs = pairs if isinstance(pairs, list) else list(pairs)
    if not pairs:
        raise ValueError("no examples: the data is empty")
    try:
        rows = [x.reshape(1, -1) if type(x) is np.ndarray else np.reshape(x, (1, -1)) for x, _ in pairs]
        n_in = rows[0].shape[1]
        X = np.empty((len(rows), n_in + 1))
        X[:, n_in] = 1.0
        np.concatenate(rows, axis=0, out=X[:, :n_in])
        Y = np.array([y for _, y in pairs], dtype=np.float64).reshape(len(pairs), -1)
    except ValueError:
        raise ValueError("the examples do not all have the same shape") from None
    return X, Y

