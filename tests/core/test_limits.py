"""Resource limits: an architecture too large to hold or to draw is refused with a message that states
the limit, before a single weight is allocated (core side; the GUI side is in tests/gui/test_fuzz_inputs.py)."""

import tracemalloc
from dataclasses import replace

import pytest

from visualbp.core import Network, checks
from visualbp.core.config import SessionConfig, build, load_dataset

#: A refusal may build a message and a list of sizes, never arrays: well under one layer of weights.
REFUSAL_BYTES = 1 << 20


def refused_before_allocating(make) -> str:
    """Call ``make()``; it must raise ValueError while Python allocates < 1 MB. Returns the message."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with pytest.raises(ValueError) as info:
            make()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < REFUSAL_BYTES, f"{peak:,} bytes allocated before refusing"
    return str(info.value)


# (sizes, words the message must contain): each over exactly one limit
OVER = [
    pytest.param([100_000, 100_000], ("10,000,100,000 weights and biases", f"{checks.MAX_PARAMETERS:,}"),
                 id="parameters"),
    pytest.param([2] * (checks.MAX_LAYERS + 1), (f"{checks.MAX_LAYERS + 1} layers", f"limit of {checks.MAX_LAYERS}"),
                 id="layers"),
    pytest.param([checks.MAX_LAYER_SIZE + 1, 1], ("layer 1", f"{checks.MAX_LAYER_SIZE:,}"), id="layer-size"),
    pytest.param([2, 10**18, 2], ("layer 2", "1,000,000,000,000,000,000 neurons"), id="absurd-layer"),
]


@pytest.mark.parametrize("sizes, words", OVER)
def test_network_refuses_before_allocation(sizes, words):
    message = refused_before_allocating(lambda: Network(sizes, seed=0))
    for word in words:
        assert word in message, message


@pytest.mark.parametrize("sizes, words", OVER)
def test_session_config_refuses_too(sizes, words):
    message = refused_before_allocating(lambda: SessionConfig(sizes=tuple(sizes)).validated())
    for word in words:
        assert word in message, message


def test_build_refuses_before_allocation_even_with_data_loaded():
    config = SessionConfig(dataset="moons", sizes=(2, 100_000, 100_000, 2), seed=0)
    data = load_dataset(replace(config, sizes=(2, 3, 2)))
    message = refused_before_allocating(lambda: build(config, data))
    assert f"{checks.MAX_PARAMETERS:,}" in message


def test_the_limits_are_inclusive():
    # exactly at each limit is allowed (checked without building: 20 M parameters are 160 MB)
    a = checks.MAX_PARAMETERS // 200 - 1  # a·200 + 200 = MAX_PARAMETERS
    assert checks.check_sizes([a, 200]) == [a, 200]
    with pytest.raises(ValueError, match="more than the limit"):
        checks.check_sizes([a + 1, 200])
    assert len(checks.check_sizes([1] * checks.MAX_LAYERS)) == checks.MAX_LAYERS
    assert checks.check_sizes([checks.MAX_LAYER_SIZE, 1]) == [checks.MAX_LAYER_SIZE, 1]
    net = Network([784, 2000, 10], seed=0)  # the largest network the GUI tests draw: ~1.6 M weights
    assert sum(w.size for w in net.weights) == 784 * 2000 + 2000 * 10


@pytest.mark.parametrize("sizes", [[], [5], None, "784,30,10", [3.5, 2], [True, 2], [0, 2], [-1, 2],
                                   [float("nan"), 2], [float("inf"), 2]])
def test_malformed_sizes_are_refused_with_a_message(sizes):
    message = refused_before_allocating(lambda: Network(sizes))
    assert message


def test_a_wide_layer_on_a_big_data_set_is_refused_before_allocation():
    config = SessionConfig(dataset="moons", n=1_000_000, sizes=(2, 100_000, 2), seed=0)
    data = load_dataset(config)
    # never evaluated here: on a machine that overcommits memory that would be a 149 GiB allocation
    message = refused_before_allocating(lambda: build(config, data))
    assert "limit" in message
