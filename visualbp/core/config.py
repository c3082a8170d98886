"""What a session is made of: the settings a person chooses, and building the network from them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from visualbp.core import checks
from visualbp.core.activations import ACTIVATIONS
from visualbp.core.costs import COSTS
from visualbp.core.datafiles import idx_pair_path, load_data_file  # noqa: F401  (re-exported)
from visualbp.core.datasets import BUILTIN, Dataset, DatasetError, load
from visualbp.core.engine import Engine
from visualbp.core.labels import SCALINGS
from visualbp.core.network import INITS, Network

GENERATED = ("xor", "circles", "moons", "spiral", "sine", "cubic")


@dataclass(frozen=True)
class SessionConfig:
    """Architecture, data and hyperparameters. ``sizes`` may omit nothing: input and output too."""

    dataset: str = "moons"
    sizes: tuple[int, ...] = (2, 4, 3, 2)
    activation: str = "sigmoid"
    cost: str = "quadratic"
    init: str = "standard"
    eta: float = 3.0
    mini_batch_size: int = 10
    epochs: int = 30
    lmbda: float = 0.0
    seed: int = 1  # the initial weights (and nothing else)
    data_seed: int = 0  # the generated points and the train/validation split
    n: int = 400  # points, for the generated 2-D sets
    noise: float = 0.1
    val_fraction: float = 0.2
    data_path: str | None = field(default=None)  # a user's CSV, or an IDX pair (datafiles.idx_pair_path)
    scaling: str = "auto"  # of a user's CSV's features (labels.SCALINGS)

    def validated(self) -> SessionConfig:
        """The same config, checked: raises ValueError naming the first bad field."""
        sizes = tuple(checks.check_sizes(self.sizes))
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}: choose one of {', '.join(ACTIVATIONS)}")
        if self.cost not in COSTS:
            raise ValueError(f"unknown cost {self.cost!r}: choose one of {', '.join(COSTS)}")
        if self.init not in INITS:
            raise ValueError(f"unknown init {self.init!r}: choose one of {', '.join(INITS)}")
        if self.scaling not in SCALINGS:
            raise ValueError(f"unknown scaling {self.scaling!r}: choose one of {', '.join(SCALINGS)}")
        if self.dataset not in BUILTIN and self.dataset != "file":
            raise ValueError(f"unknown dataset {self.dataset!r}: choose one of {', '.join(BUILTIN)}")
        return replace(
            self,
            sizes=sizes,
            eta=checks.check_eta(self.eta),
            mini_batch_size=checks.check_mini_batch_size(self.mini_batch_size),
            epochs=checks.check_epochs(self.epochs),
            lmbda=checks.check_lmbda(self.lmbda),
            seed=checks.check_seed(self.seed),
            data_seed=checks.check_seed(self.data_seed),
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sizes"] = list(self.sizes)
        return d


#: Per generated 2-D set, the settings it learns with: each reaches at least 90 % validation accuracy in its
#: epochs, noise included (tests/core/test_dataset_defaults.py trains every one). Measured over 3 data seeds × 3
#: weight seeds with ``Network.SGD`` (worst / mean validation accuracy): xor 97.5 / 98.5 %, circles 97.5 /
#: 98.8 %, moons 95 / 98.2 %, spiral 95 / 97.1 %. The spiral's arms overlap at noise 0.1 (at best 71–86 %), so
#: its noise is 0.03; tanh and the cross-entropy cost keep a deeper net learning where sigmoid + quadratic crawls.
DATASET_DEFAULTS: dict[str, dict] = {
    "xor": dict(sizes=(2, 8, 2), activation="sigmoid", cost="cross-entropy", eta=1.0, mini_batch_size=10,
                epochs=60, noise=0.05),
    "circles": dict(sizes=(2, 8, 2), activation="sigmoid", cost="cross-entropy", eta=1.0, mini_batch_size=10,
                    epochs=60, noise=0.05),
    "moons": dict(sizes=(2, 8, 8, 2), activation="tanh", cost="cross-entropy", eta=0.3, mini_batch_size=10,
                  epochs=30, noise=0.1),
    "spiral": dict(sizes=(2, 16, 16, 2), activation="tanh", cost="cross-entropy", eta=0.1, mini_batch_size=10,
                   epochs=200, noise=0.03),
    # regression (a linear output, visualbp.core.functions): at noise 0.1 the best RMS error is 0.1. Measured
    # over 3 weight seeds × 2 data seeds on 200 points (worst / mean validation RMS): sine 0.135 / 0.114
    # (from 2.6 untrained), cubic 0.226 / 0.176.
    "sine": dict(sizes=(1, 10, 1), activation="tanh", cost="quadratic", eta=0.1, mini_batch_size=10,
                 epochs=100, noise=0.1),
    "cubic": dict(sizes=(1, 10, 1), activation="tanh", cost="quadratic", eta=0.05, mini_batch_size=10,
                  epochs=200, noise=0.1),
}


def defaults_for(dataset: str, base: SessionConfig | None = None) -> SessionConfig:
    """``base`` (default: ``SessionConfig()``) switched to ``dataset`` with that set's own defaults (layers,
    activation, cost, η, m, epochs, noise) where it has them (``DATASET_DEFAULTS``); otherwise only the name
    changes. The initial weights' seed, λ, init and the data's size and split stay as in ``base``."""
    base = base if base is not None else SessionConfig()
    return replace(base, dataset=dataset, **DATASET_DEFAULTS.get(dataset, {}))


def output_activation_for(dataset: Dataset) -> str:
    """The output layer's activation: linear for regression (a^L = z^L can reach any real target, and BP1 is
    δ^L = a^L − y under the quadratic cost), sigmoid for classes (the book's)."""
    return "linear" if dataset.is_regression else "sigmoid"


def fit_sizes(sizes: tuple[int, ...], dataset: Dataset) -> tuple[int, ...]:
    """Make the input and output layers match the data, keeping the hidden layers as chosen."""
    sizes = tuple(sizes)
    hidden = sizes[1:-1] if len(sizes) >= 2 else ()
    return (dataset.n_inputs, *hidden, dataset.n_outputs)


def load_dataset(config: SessionConfig, dataset: Dataset | None = None) -> Dataset:
    """The config's dataset (a given ``dataset`` wins: a user's own file, loaded once)."""
    if dataset is not None:
        return dataset
    if config.dataset == "file":
        if not config.data_path:
            raise DatasetError("no data file is recorded for this session")
        return load_data_file(config.data_path, seed=config.data_seed, val_fraction=config.val_fraction,
                              scaling=config.scaling)
    return load(config.dataset, seed=config.data_seed, n=config.n, noise=config.noise,
                val_fraction=config.val_fraction)


def build(config: SessionConfig, dataset: Dataset) -> tuple[Network, Engine]:
    """A fresh network (from ``config.seed``) and its engine on ``dataset``."""
    config = config.validated()
    if config.sizes[0] != dataset.n_inputs or config.sizes[-1] != dataset.n_outputs:
        raise ValueError(
            f"the {dataset.name} data has {dataset.n_inputs} inputs and {dataset.n_outputs} classes, "
            f"so the first layer must be {dataset.n_inputs} and the last {dataset.n_outputs} "
            f"(got {list(config.sizes)})"
        )
    checks.check_workload(config.sizes, dataset.n_train + dataset.n_val, config.mini_batch_size)
    net = Network(list(config.sizes), config.activation, config.cost, config.init, config.seed,
                  output_activation=output_activation_for(dataset), lmbda=config.lmbda)
    engine = Engine(net, dataset.X_train, dataset.Y_train, mini_batch_size=config.mini_batch_size,
                    eta=config.eta, X_val=dataset.X_val, Y_val=dataset.Y_val, regression=dataset.is_regression)
    return net, engine
