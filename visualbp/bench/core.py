"""Core benchmark: one epoch of [784, 30, 10] on the 8,000 MNIST images, several ways, in one run.

Ways compared (float64, sigmoid, quadratic cost):
- the per-example loop of the book's ``network.py`` (backprop per example, summed);
- a bare matrix-based NumPy loop over pre-stacked arrays, no abstractions (the floor);
- ``Network.SGD`` through the book's API (list of (x, y) pairs);
- the step engine's coarse move (``Engine.run_epochs``) with an observer attached;
- PyTorch CPU (``nn.Sequential`` + ``optim.SGD``), when torch is installed;
- the machine's floor at batch 100: one large matrix multiply with the epoch's floating-point work.
Also the cost of one step record and of stepping back.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from visualbp.bench.timing import Row, median_time
from visualbp.core.datasets import load
from visualbp.core.engine import Engine
from visualbp.core.network import Network

SIZES = [784, 30, 10]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


def _book_backprop(weights, biases, x, y):
    """The book's network.py backprop, line for line (Python 3)."""
    nabla_b = [np.zeros(b.shape) for b in biases]
    nabla_w = [np.zeros(w.shape) for w in weights]
    activation = x
    activations = [x]
    zs = []
    for b, w in zip(biases, weights):
        z = np.dot(w, activation) + b
        zs.append(z)
        activation = _sigmoid(z)
        activations.append(activation)
    delta = (activations[-1] - y) * _sigmoid_prime(zs[-1])
    nabla_b[-1] = delta
    nabla_w[-1] = np.dot(delta, activations[-2].transpose())
    for l in range(2, len(weights) + 1):
        z = zs[-l]
        sp = _sigmoid_prime(z)
        delta = np.dot(weights[-l + 1].transpose(), delta) * sp
        nabla_b[-l] = delta
        nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
    return nabla_b, nabla_w


def book_epoch(net: Network, pairs: list, m: int, eta: float) -> None:
    """The book's per-example loop: update_mini_batch summing backprop(x, y) per example."""
    weights, biases = net.weights, net.biases
    for k in range(0, len(pairs), m):
        mini_batch = pairs[k:k + m]
        nabla_b = [np.zeros(b.shape) for b in biases]
        nabla_w = [np.zeros(w.shape) for w in weights]
        for x, y in mini_batch:
            dnb, dnw = _book_backprop(weights, biases, x, y)
            nabla_b = [nb + d for nb, d in zip(nabla_b, dnb)]
            nabla_w = [nw + d for nw, d in zip(nabla_w, dnw)]
        weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(weights, nabla_w)]
        biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(biases, nabla_b)]


def bare_epoch(params: list[np.ndarray], X: np.ndarray, Y: np.ndarray, m: int, eta: float) -> None:
    """The floor: a two-layer matrix-based loop over pre-stacked rows, updating in place."""
    W1, b1, W2, b2 = params
    for k in range(0, len(X), m):
        A0 = X[k:k + m].T
        T = Y[k:k + m].T
        A1 = 1.0 / (1.0 + np.exp(-(W1 @ A0 + b1)))
        A2 = 1.0 / (1.0 + np.exp(-(W2 @ A1 + b2)))
        D2 = (A2 - T) * A2 * (1.0 - A2)
        D1 = (W2.T @ D2) * A1 * (1.0 - A1)
        s = eta / A0.shape[1]
        W2 -= s * (D2 @ A1.T)
        b2 -= s * D2.sum(axis=1, keepdims=True)
        W1 -= s * (D1 @ A0.T)
        b1 -= s * D1.sum(axis=1, keepdims=True)


def torch_epoch_fn(X: np.ndarray, Y: np.ndarray, m: int, eta: float):
    """A PyTorch CPU epoch (2 threads), or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    Xt = torch.from_numpy(np.array(X))  # own writable copies: torch warns about read-only arrays
    Yt = torch.from_numpy(np.array(Y))
    model = torch.nn.Sequential(torch.nn.Linear(784, 30), torch.nn.Sigmoid(),
                                torch.nn.Linear(30, 10), torch.nn.Sigmoid()).double()
    opt = torch.optim.SGD(model.parameters(), lr=eta)

    def epoch() -> None:
        for k in range(0, len(Xt), m):
            opt.zero_grad()
            out = model(Xt[k:k + m])
            loss = 0.5 * ((out - Yt[k:k + m]) ** 2).sum(dim=1).mean()
            loss.backward()
            opt.step()

    return epoch


def run(repeats: int = 5) -> list[Row]:
    """Time everything in one run and return the rows with their ratios and verdicts."""
    mnist = load("mnist", seed=0)
    X, Y = np.ascontiguousarray(mnist.X_train), np.ascontiguousarray(mnist.Y_train)
    pairs = mnist.training_data()
    rows: list[Row] = []
    eta = 3.0

    net = Network(SIZES, seed=0)
    with np.errstate(over="ignore"):  # the book's sigmoid overflows harmlessly for very negative z
        per_example = median_time(lambda: book_epoch(net, pairs, 10, eta), repeats=max(2, repeats // 2))

    floors = {}
    for m in (10, 100):
        p = [w.copy() for w in (net.weights[0], net.biases[0], net.weights[1], net.biases[1])]
        floors[m] = median_time(partial(bare_epoch, p, X, Y, m, eta), repeats=repeats)

    sgd = {}
    for m in (10, 100):
        n2 = Network(SIZES, seed=0)
        # Five epochs per call, as the book trains: the one-off stacking of the pairs is shared.
        sgd[m] = median_time(partial(n2.SGD, pairs, 5, m, eta, verbose=False), repeats=max(2, repeats // 2)) / 5

    n3 = Network(SIZES, seed=0)
    engine = Engine(n3, X, Y, mini_batch_size=10, eta=eta, history_steps=100)
    seen: list = []  # the BatchBlocks, as a session queues them
    engine.batch_done.connect(seen.append)

    def engine_run() -> None:
        engine.run_epochs(1)
        seen.clear()

    engine_epoch = median_time(engine_run, repeats=repeats)

    torch_times = {}
    for m in (10, 100):
        fn = torch_epoch_fn(X, Y, m, eta)
        if fn is not None:
            torch_times[m] = median_time(fn, repeats=repeats)

    # Machine floor: the epoch's multiply-adds at batch 100 as one big matrix multiply.
    flops = 2 * len(X) * (784 * 30 + 30 * 10) * 3  # forward, backward (δ), gradient: 3 GEMMs of each layer
    k = 784
    n_cols = int(flops / (2 * 1024 * k))
    A = np.random.default_rng(0).random((1024, k))
    B = np.random.default_rng(1).random((k, n_cols))
    gemm = median_time(lambda: A @ B, repeats=repeats)

    rows.append(Row("per-example loop (book), batch 10", per_example, "s"))
    rows.append(Row("bare NumPy floor, batch 10", floors[10], "s"))
    rows.append(Row("bare NumPy floor, batch 100", floors[100], "s"))
    rows.append(Row("Network.SGD (book API), batch 10", sgd[10], "s", "≤ 1.25× floor",
                    sgd[10] / floors[10], sgd[10] / floors[10] <= 1.25))
    rows.append(Row("Network.SGD speed-up over per-example loop", per_example / sgd[10], "×", "≥ 8×",
                    per_example / sgd[10], per_example / sgd[10] >= 8))
    rows.append(Row("Network.SGD (book API), batch 100", sgd[100], "s", "≤ 3× one-GEMM floor",
                    sgd[100] / gemm, sgd[100] / gemm <= 3))
    rows.append(Row("one GEMM with the epoch's flops (batch-100 floor)", gemm, "s"))
    rows.append(Row("Engine.run_epochs with an observer, batch 10", engine_epoch, "s", "≤ 1.1× SGD",
                    engine_epoch / sgd[10], engine_epoch / sgd[10] <= 1.1))
    if torch_times:
        rows.append(Row("PyTorch CPU, batch 10", torch_times[10], "s", "≥ 4× slower than SGD",
                        torch_times[10] / sgd[10], torch_times[10] / sgd[10] >= 4))
        rows.append(Row("PyTorch CPU, batch 100", torch_times[100], "s", "not faster than SGD",
                        torch_times[100] / sgd[100], torch_times[100] / sgd[100] >= 1))
    else:
        rows.append(Row("PyTorch CPU", float("nan"), "", "skipped: pip install visualbp[bench]"))

    # Stepping: one record, and one step back, on [784, 30, 10].
    n4 = Network(SIZES, seed=0)
    stepper = Engine(n4, X, Y, mini_batch_size=10, eta=eta)
    count = 2000

    def forward() -> None:
        for _ in range(count):
            stepper.step()

    def backward() -> None:
        for _ in range(count):
            stepper.back()

    t_step = median_time(forward, repeats=1, warmup=0) / count
    t_back = median_time(backward, repeats=1, warmup=0) / count
    rows.append(Row("one step record, [784, 30, 10]", t_step, "s", "≤ 1 ms", None, t_step <= 1e-3))
    rows.append(Row("one step back, [784, 30, 10]", t_back, "s", "≤ 1 ms", None, t_back <= 1e-3))
    return rows
