"""Learning on real data, through the book's API and through the engine."""


from visualbp.core import Network
from visualbp.core.datasets import load
from visualbp.core.engine import Engine


def test_mnist_784_30_10_reaches_88_percent_like_the_book():
    mnist = load("mnist", seed=0)
    net = Network([784, 30, 10], seed=0)
    hits = net.SGD(mnist.training_data(), 10, 10, 3.0, test_data=mnist.validation_data(), verbose=False)
    accuracy = hits[-1] / mnist.n_val
    assert accuracy >= 0.88, hits
    assert hits[-1] > hits[0]


def test_engine_trains_digits_and_reports_rising_accuracy():
    digits = load("digits", seed=1)
    net = Network([64, 16, 10], seed=1)
    engine = Engine(net, digits.X_train, digits.Y_train, mini_batch_size=10, eta=3.0,
                    X_val=digits.X_val, Y_val=digits.Y_val)
    before = engine.evaluate()
    epochs = []
    engine.epoch_done.connect(epochs.append)
    engine.run_epochs(15)
    assert len(epochs) == 15
    assert epochs[-1].val_accuracy > 0.85 > before.val_accuracy
    assert epochs[-1].train_cost < before.train_cost / 3


def test_engine_learns_xor_from_the_built_in_set():
    xor = load("xor", seed=0, noise=0.05)
    engine = Engine(Network([2, 4, 2], activation="tanh", seed=4), xor.X_train, xor.Y_train,
                    mini_batch_size=10, eta=1.0, X_val=xor.X_val, Y_val=xor.Y_val)
    engine.run_epochs(200)
    stats = engine.evaluate()
    assert stats.val_accuracy > 0.9, stats
    assert stats.train_cost < 0.05, stats
