"""Network: a feedforward network trained by minibatch SGD, in Nielsen's notation.

The public surface is the book's ``network.py`` (chapters 1–2) so a reader can
paste a snippet and it runs: ``Network(sizes)``, ``weights``, ``biases``,
``feedforward``, ``backprop``, ``update_mini_batch``, ``SGD``, ``evaluate``.
Added: tanh/ReLU hidden layers, the cross-entropy cost and L2 regularisation
(chapter 3's ``lmbda``), and a fully matrix-based minibatch pass that SGD uses.

Indexing: the book's layer ``l`` runs 1..L with layer 1 the input, so
``weights[i]`` is ``w^(i+2)`` and ``biases[i]`` is ``b^(i+2)``.

Left out, as in the book: momentum, dropout, softmax outputs, early stopping.
Arrays the network has handed out are never changed in place: an update binds new
arrays, or (SGD, the engine's fast minibatches) writes only into copies it made
itself, so step history can keep the old ones by reference.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from visualbp.core import checks
from visualbp.core.activations import ACTIVATIONS, Activation, get_activation
from visualbp.core.costs import CrossEntropyCost, QuadraticCost, get_cost

INITS = ("standard", "scaled", "blank")  # blank: all zero, for typing every value (core/edits.py)

Pair = tuple[np.ndarray, np.ndarray]

# The activations SGD's fast path computes in place (a custom Activation goes through fn/prime).
_SIGMOID, _TANH, _RELU = 1, 2, 3
_FAST_ACTIVATIONS = {"sigmoid": _SIGMOID, "tanh": _TANH, "relu": _RELU}
# Rows gathered at once by the fast path: a few minibatches, small enough to stay in cache.
_CHUNK_BYTES = 1 << 18


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
        self.seed = int(np.random.SeedSequence().entropy % 2**32) if seed is None else seed
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

    # ----------------------------------------------------------------- feedforward
    def layer_activation(self, i: int) -> Activation:
        """The activation of ``weights[i]``'s layer: hidden layers use ``activation``, the last ``output_activation``."""
        return self.output_activation if i == self.num_layers - 2 else self.activation

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        """a^l = σ(w^l a^(l−1) + b^l) for l = 2..L; ``a`` is a column (n_in, 1) or columns (n_in, m)."""
        for i, (b, w) in enumerate(zip(self.biases, self.weights)):
            a = self.layer_activation(i)(w @ a + b)
        return a

    # ----------------------------------------------------------------- backprop
    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradient of C_x for one example: BP1, BP2, then BP3 (∂C/∂b) and BP4 (∂C/∂w).

        Returns ``(nabla_b, nabla_w)`` shaped like ``biases`` and ``weights``.
        """
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # feedforward, keeping every z^l and a^l
        activation = x
        activations = [x]
        zs = []
        for i, (b, w) in enumerate(zip(self.biases, self.weights)):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = self.layer_activation(i)(z)
            activations.append(activation)
        # BP1: δ^L = ∇_a C ⊙ σ'(z^L)
        delta = self.cost.delta(zs[-1], activations[-1], y, self.output_activation)
        nabla_b[-1] = delta  # BP3
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())  # BP4
        # BP2, backwards. Here l counts from the end (l = 2 is the second-last layer),
        # as in the book's code; the book's text would call this layer L − l + 1.
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = self.activation.prime(z, activations[-l])
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w

    def backprop_batch(self, X: np.ndarray, Y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Matrix-based BP1–BP4 for examples as columns: gradient of the mean cost over the batch.

        ``X`` is (n_in, m), ``Y`` is (n_out, m). Equals the mean of ``backprop`` over the columns.
        """
        nabla_b, nabla_w, _ = self._gradient(X, Y)
        return nabla_b, nabla_w

    def _gradient(
        self, A: np.ndarray, Y: np.ndarray
    ) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        """Mean gradient over the columns of ``A``; also returns a^L for the caller's cost."""
        m = A.shape[1]
        weights = self.weights
        activations = [A]
        zs = []
        last = self.num_layers - 2
        for i, (b, w) in enumerate(zip(self.biases, weights)):
            z = w @ A
            z += b
            zs.append(z)
            A = (self.output_activation if i == last else self.activation).fn(z)
            activations.append(A)
        inv_m = 1.0 / m
        nabla_b = [None] * (last + 1)
        nabla_w = [None] * (last + 1)
        delta = self.cost.delta(zs[-1], A, Y, self.output_activation)  # BP1
        for i in range(last, -1, -1):
            if i < last:  # BP2
                delta = (weights[i + 1].T @ delta) * self.activation.prime(zs[i], activations[i + 1])
            nabla_b[i] = delta.sum(axis=1, keepdims=True) * inv_m  # BP3, averaged
            g = delta @ activations[i].T  # BP4, summed over the batch
            g *= inv_m
            nabla_w[i] = g
        return nabla_b, nabla_w, A

    # ----------------------------------------------------------------- gradient descent
    def _apply_gradient(self, nabla_b: list, nabla_w: list, eta: float, lmbda: float, n: int) -> None:
        """w → (1 − ηλ/n) w − η ∇_w C,  b → b − η ∇_b C, binding new arrays."""
        if lmbda:
            decay = 1.0 - eta * (lmbda / n)
            self.weights = [decay * w - eta * nw for w, nw in zip(self.weights, nabla_w)]
        else:
            self.weights = [w - eta * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - eta * nb for b, nb in zip(self.biases, nabla_b)]

    def update_mini_batch(
        self, mini_batch: Sequence[Pair], eta: float, lmbda: float | None = None, n: int | None = None
    ) -> None:
        """w^l → (1 − ηλ/n) w^l − η/m Σ_x δ^(x,l) (a^(x,l−1))^T,  b^l → b^l − η/m Σ_x δ^(x,l).

        ``lmbda`` defaults to the network's; ``n`` (training-set size, for L2) to the batch size.
        """
        eta = checks.check_eta(eta)
        lmbda = self.lmbda if lmbda is None else checks.check_lmbda(lmbda)
        X, Y = stack_pairs(mini_batch)
        nabla_b, nabla_w, _ = self._gradient(X.T, Y.T)
        self._apply_gradient(nabla_b, nabla_w, eta, lmbda, n or len(mini_batch))

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
        # Own parameters, one array [w^l | b^l] per layer, updated in place below (arrays anyone
        # else holds, such as step history, stay intact). weights/biases are views into them
        # while training, so evaluating between epochs sees the current network.
        params = [np.hstack((w, b)) for w, b in zip(self.weights, self.biases)]
        self.weights = [p[:, :-1] for p in params]
        self.biases = [p[:, -1:] for p in params]
        decay = 1.0 - eta * (lmbda / n) if lmbda else 1.0
        work: dict = {}
        try:
            for j in range(epochs):
                perm = self._shuffle_rng.permutation(n)
                self._train_epoch_in_place(X, Y, perm, mini_batch_size, eta, decay, params, work)
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

    def _train_epoch_in_place(
        self, X: np.ndarray, Y: np.ndarray, order: np.ndarray, m: int, eta: float, decay: float,
        params: list, work: dict,
    ) -> None:
        """One pass over rows ``X`` (n, n_in + 1, last column all ones) / ``Y`` (n, n_out), minibatches
        of ``m`` taken in ``order``; updates ``params`` ([w^l | b^l] per layer) in place.

        The fast path of SGD, the matrix form of BP1–BP4 with the update folded in:

        - the bias is the last column of each parameter array, and every layer's input
          carries a row of ones, so z^l = [w^l | b^l] [a^(l−1); 1] is one matrix multiply and
          so is the gradient [∂C/∂w^l | ∂C/∂b^l] = δ^l [a^(l−1); 1]^T (BP3 and BP4 together);
        - δ^L is scaled by η/m once (BP1), and BP2 is linear in δ, so every gradient comes
          out already scaled: the update is a single in-place subtraction per layer;
        - rows are gathered in chunks of a few minibatches, so each minibatch is a contiguous
          block, and every intermediate lives in a buffer of ``work`` (one set per batch size)
          written with ``out=``: a minibatch allocates nothing of its own.
        """
        acts = [self.layer_activation(i) for i in range(len(params))]
        kinds = [_FAST_ACTIVATIONS.get(f.name) if f is ACTIVATIONS.get(f.name) else None for f in acts]
        cost = self.cost
        if type(cost) is CrossEntropyCost and kinds[-1] == _SIGMOID:
            bp1 = 0  # σ' cancels: δ^L = a^L − y
        elif type(cost) is QuadraticCost:
            bp1 = 1 if kinds[-1] == _SIGMOID else 2  # (a − y) ⊙ a(1 − a), or (a − y) ⊙ f'(z)
        else:
            bp1 = 3
        out_act = acts[-1]
        grads = work.get("grads")
        if grads is None:
            grads = work["grads"] = [np.empty_like(p) for p in params]
        matmul, subtract, multiply = np.matmul, np.subtract, np.multiply
        negative, exp, reciprocal = np.negative, np.exp, np.reciprocal
        tanh, maximum, greater, copyto = np.tanh, np.maximum, np.greater, np.copyto
        n = len(order)
        chunk = max(1, _CHUNK_BYTES // (X.shape[1] * X.itemsize * m)) * m
        # Overflow stays quiet, as activations.sigmoid keeps it: e^{−z} = inf for z < −709 gives a = 0
        # exactly; a diverging run's inf and NaN spread into the weights as they would anyway.
        with np.errstate(over="ignore"):
            for c in range(0, n, chunk):
                rows = order[c:c + chunk]
                XB = X[rows]  # a contiguous block of minibatches
                YB = Y[rows]
                for k in range(0, len(rows), m):
                    xb = XB[k:k + m]
                    mb = len(xb)
                    plan = work.get(mb)
                    if plan is None:
                        plan = work[mb] = _fast_plan(self.sizes, mb, params, grads, acts, kinds, decay)
                    forward, z, t, a, d, backward = plan
                    # feedforward: z^l = [w^l | b^l] [a^(l−1); 1],  a^l = σ(z^l)
                    A = xb.T
                    for P, A_next, zl, tl, al, kind, f in forward:
                        matmul(P, A, out=zl)
                        if kind == _SIGMOID:  # 1 / (1 + e^{−z}); e^{−z} = inf (quietly) gives a = 0
                            negative(zl, out=tl)
                            exp(tl, out=tl)
                            tl += 1.0
                            reciprocal(tl, out=al)
                        elif kind == _TANH:
                            tanh(zl, out=al)
                        elif kind == _RELU:
                            maximum(zl, 0.0, out=al)
                        else:
                            copyto(al, f(zl))
                        A = A_next
                    # BP1: δ^L = ∇_a C ⊙ σ'(z^L), times η/m
                    s = eta / mb
                    yt = YB[k:k + mb].T
                    if bp1 == 1:
                        multiply(a, -s, out=t)
                        t += s
                        t *= a
                        subtract(a, yt, out=d)
                        d *= t
                    else:
                        if bp1 == 3:
                            copyto(d, cost.delta(z, a, yt, out_act))
                        else:
                            subtract(a, yt, out=d)
                        d *= s
                        if bp1 == 2:
                            d *= out_act.prime(z, a)
                    for g, A_in, P, W, Wt, e, al, zl, tl, mask, kind, prime in backward:
                        matmul(d, xb if A_in is None else A_in, out=g)  # BP3 and BP4, summed, × η/m
                        # BP2, with w^(l+1) before its update: δ^l = (w^(l+1))^T δ^(l+1) ⊙ σ'(z^l)
                        if e is not None:
                            matmul(Wt, d, out=e)
                            if kind == _SIGMOID:  # σ' = a(1 − a)
                                e *= al
                                subtract(1.0, al, out=tl)
                                e *= tl
                            elif kind == _TANH:  # 1 − a²
                                multiply(al, al, out=tl)
                                subtract(1.0, tl, out=tl)
                                e *= tl
                            elif kind == _RELU:  # 1 where z > 0
                                greater(zl, 0.0, out=mask)
                                multiply(e, mask, out=e)
                            else:
                                e *= prime(zl, al)
                            d = e
                        if W is not None:
                            W *= decay
                        # w → (1 − ηλ/n) w − η/m Σ_x ∂C_x/∂w,  b → b − η/m Σ_x ∂C_x/∂b
                        subtract(P, g, out=P)

    def _step_in_place(
        self, A: np.ndarray, Y: np.ndarray, scale: float, decay: float, buffers: list, bias_grads: list | None
    ) -> np.ndarray:
        """One minibatch (examples as columns of ``A``): BP1–BP4 and the update, in place.

        ``w → decay·w − scale·Σ_x ∂C_x/∂w`` with ``scale = η/m``; the scaled weight gradients
        are left in ``buffers`` and, when ``bias_grads`` is a list, the scaled bias gradients
        are put in it. Returns a^L for the caller's cost. Only for arrays the caller owns.
        """
        weights, biases = self.weights, self.biases
        last = self.num_layers - 2
        hidden, output = self.activation, self.output_activation
        activations = [A]
        zs = []
        for i in range(last + 1):
            z = weights[i] @ A
            z += biases[i]
            zs.append(z)
            A = (output if i == last else hidden).fn(z)
            activations.append(A)
        delta = self.cost.delta(zs[-1], A, Y, output)  # BP1
        for i in range(last, -1, -1):
            g = np.matmul(delta, activations[i].T, out=buffers[i])  # BP4, summed
            g *= scale
            gb = delta.sum(axis=1, keepdims=True)  # BP3, summed
            gb *= scale
            if bias_grads is not None:
                bias_grads[i] = gb
            if i:  # BP2 with w^(l+1) before its update
                delta = (weights[i].T @ delta) * hidden.prime(zs[i - 1], activations[i])
            if decay != 1.0:
                weights[i] *= decay
            weights[i] -= g
            biases[i] -= gb
        return A

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
    def copy(self) -> "Network":
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
    def load(path: str) -> "Network":
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

    The ones let one matrix multiply give z = [w | b] [a; 1] (see ``Network._train_epoch_in_place``).
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


def _fast_plan(sizes: Sequence[int], mb: int, params: list, grads: list, acts: list, kinds: list,
               decay: float) -> tuple:
    """Work arrays of SGD's fast path for a minibatch of ``mb`` examples (columns), laid out per layer.

    ``forward`` holds, per layer, (parameters, the next layer's input, z, scratch, where a goes,
    activation kind, activation); a hidden layer's a^l is the top of an (n_l + 1, mb) array whose
    last row is ones, and that array is the next layer's input. Then z^L, scratch, a^L and δ^L.
    ``backward`` holds, from the last layer down, (gradient buffer, input transposed, parameters,
    weights to decay or None, (w^l)^T, δ^(l−1), a^(l−1), z^(l−1), scratch, ReLU mask, kind, σ').
    """
    L1 = len(params)
    Z = [np.empty((s, mb)) for s in sizes[1:]]
    T = [np.empty((s, mb)) for s in sizes[1:]]
    D = [np.empty((s, mb)) for s in sizes[1:]]
    with_ones = [np.ones((s + 1, mb)) for s in sizes[1:-1]]
    outs = [h[:-1] for h in with_ones] + [np.empty((sizes[-1], mb))]
    masks = [np.empty((s, mb), dtype=bool) for s in sizes[1:]]
    forward = [(params[i], with_ones[i] if i < L1 - 1 else None, Z[i], T[i], outs[i], kinds[i], acts[i].fn)
               for i in range(L1)]
    backward = []
    for i in range(L1 - 1, -1, -1):
        W = params[i][:, :-1]
        below = (D[i - 1], outs[i - 1], Z[i - 1], T[i - 1], masks[i - 1], kinds[i - 1], acts[i - 1].prime) if i \
            else (None,) * 7
        backward.append((grads[i], with_ones[i - 1].T if i else None, params[i], W if decay != 1.0 else None, W.T)
                        + below)
    return forward, Z[-1], T[-1], outs[-1], D[-1], backward
