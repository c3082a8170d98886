"""Saving and opening: bitwise round-trips, atomic writes, corrupt files refused with a message."""


import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from visualbp.core import Network
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.sessionio import (
    SavedSession,
    SessionFileError,
    load_network,
    load_session,
    save_network,
    save_session,
)


def trained_session():
    config = SessionConfig(dataset="moons", sizes=(2, 5, 2), seed=3)
    data = load_dataset(config)
    net, engine = build(config, data)
    initial = engine.initial_parameters
    engine.run_epochs(2)
    for _ in range(7):
        engine.step()
    weights, biases = engine.batch_start_parameters()
    epoch, batch, offset, step = engine.position
    return config, engine, SavedSession(config, weights, biases, *initial, epoch=epoch, batch=batch,
                                        offset=offset, step=step, epoch_history=[engine.evaluate()],
                                        extra={"note": "hi"})


def test_session_round_trips_bitwise(tmp_path):
    config, engine, saved = trained_session()
    path = tmp_path / "run.vbp"
    save_session(path, saved)
    back = load_session(path)
    assert back.config == config
    for a, b in zip(back.weights + back.biases + back.initial_weights,
                    saved.weights + saved.biases + saved.initial_weights):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert (back.epoch, back.batch, back.offset, back.step) == (saved.epoch, saved.batch, saved.offset, saved.step)
    assert back.epoch_history == saved.epoch_history and back.extra == {"note": "hi"}


def test_saved_session_continues_exactly_like_the_original(tmp_path):
    config, engine, saved = trained_session()
    while not engine.at_batch_start:
        engine.step()
    engine.back()  # mid-batch again: a save records the batch start
    save_session(tmp_path / "s.vbp", saved)
    back = load_session(tmp_path / "s.vbp")
    net, twin = build(back.config, load_dataset(back.config))
    net.weights, net.biases = back.weights, back.biases
    twin.restore(back.epoch, back.batch, back.offset, back.step, (back.initial_weights, back.initial_biases))
    # the original, rewound to its batch start, and the reopened one take the same next minibatch
    while engine.step_index > back.step:
        engine.back()
    engine.finish_batch()
    twin.finish_batch()
    assert all(np.array_equal(a, b) for a, b in zip(engine.net.weights, twin.net.weights))


def test_network_save_load_bitwise(tmp_path):
    net = Network([4, 6, 3], "tanh", "cross-entropy", "scaled", seed=9, lmbda=0.5)
    net.save(str(tmp_path / "n.npz"))
    other = Network.load(str(tmp_path / "n.npz"))
    assert repr(other) == repr(net) and other.lmbda == 0.5
    assert all(np.array_equal(a, b) for a, b in zip(net.weights + net.biases, other.weights + other.biases))


def test_a_crash_mid_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    _, _, saved = trained_session()
    path = tmp_path / "keep.vbp"
    save_session(path, saved)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(OSError, match="disk full"):
        save_session(path, saved)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.vbp"]  # no temporary left behind


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"not a zip at all", "corrupt"),
    (b"PK\x03\x04" + b"\x00" * 40, "corrupt"),
])
def test_corrupt_files_are_refused_with_a_message(tmp_path, content, words):
    path = tmp_path / "bad.vbp"
    path.write_bytes(content)
    with pytest.raises(SessionFileError) as info:
        load_session(path)
    assert "bad.vbp" in str(info.value) and words in str(info.value)


def test_truncated_wrong_kind_and_wrong_shapes(tmp_path):
    _, _, saved = trained_session()
    good = tmp_path / "good.vbp"
    save_session(good, saved)
    data = good.read_bytes()
    (tmp_path / "cut.vbp").write_bytes(data[: len(data) // 2])
    with pytest.raises(SessionFileError, match="cut.vbp"):
        load_session(tmp_path / "cut.vbp")
    save_network(tmp_path / "net.npz", Network([2, 3, 2], seed=0))
    with pytest.raises(SessionFileError, match="expected a visualbp-session file"):
        load_session(tmp_path / "net.npz")
    saved.weights[0] = np.zeros((7, 7))
    save_session(tmp_path / "shape.vbp", saved)
    with pytest.raises(SessionFileError, match="shape"):
        load_session(tmp_path / "shape.vbp")
    with pytest.raises(SessionFileError, match="folder"):
        load_session(tmp_path)
    with pytest.raises(SessionFileError, match="no such file"):
        load_network(tmp_path / "missing.npz")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
@given(st.binary(max_size=2000), st.integers(0, 3000))
def test_fuzz_random_and_damaged_bytes_only_raise_session_file_error(tmp_path, junk, cut):
    path = tmp_path / "fuzz.vbp"
    path.write_bytes(junk)
    with pytest.raises(SessionFileError):
        load_session(path)
    if not hasattr(test_fuzz_random_and_damaged_bytes_only_raise_session_file_error, "good"):
        _, _, saved = trained_session()
        save_session(tmp_path / "g.vbp", saved)
        test_fuzz_random_and_damaged_bytes_only_raise_session_file_error.good = (tmp_path / "g.vbp").read_bytes()
    good = test_fuzz_random_and_damaged_bytes_only_raise_session_file_error.good
    damaged = bytearray(good)
    if junk:
        pos = cut % len(damaged)
        damaged[pos:pos + len(junk[:16])] = junk[:16]
    path.write_bytes(bytes(damaged[: max(1, len(damaged) - cut // 3)]))
    try:
        load_session(path)
    except SessionFileError:
        pass


def test_a_file_over_the_size_limit_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    from visualbp.core import sessionio
    _, _, saved = trained_session()
    path = tmp_path / "run.vbp"
    save_session(path, saved)
    on_disk = path.stat().st_size
    monkeypatch.setattr(sessionio, "MAX_FILE_BYTES", on_disk - 1)
    with pytest.raises(SessionFileError, match=f"{on_disk:,} bytes is larger than the limit"):
        load_session(path)
    # small on disk, large unpacked (a zip bomb): refused from the archive's directory, unread
    sizes = (2, 3000, 2)
    zeros = [np.zeros((n, k)) for k, n in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros((n, 1)) for n in sizes[1:]]
    bomb = SavedSession(SessionConfig(dataset="moons", sizes=sizes), zeros, biases, zeros, biases)
    save_session(path, bomb)
    on_disk = path.stat().st_size
    monkeypatch.setattr(sessionio, "MAX_FILE_BYTES", on_disk + 1)
    with np.load(path) as archive:
        unpacked = sum(archive[k].nbytes for k in archive.files)
    assert unpacked > on_disk + 1
    unpacked_reads = []
    monkeypatch.setattr(np, "load", lambda *a, **k: unpacked_reads.append(a))
    with pytest.raises(SessionFileError, match="unpacks to .* more than the limit"):
        load_session(path)
    assert not unpacked_reads


def test_a_diverged_session_is_not_saved_and_the_old_file_stays(tmp_path):
    """Non-finite weights would give a file no reopen accepts: the save says so and writes nothing."""
    _, _, saved = trained_session()
    path = tmp_path / "run.vbp"
    save_session(path, saved)
    before = path.read_bytes()
    saved.weights[1] = np.full_like(saved.weights[1], np.inf)
    with pytest.raises(SessionFileError, match=r"run.vbp: the weights w\^3 are not finite.*step back"):
        save_session(path, saved)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["run.vbp"]


def test_a_header_too_large_to_reopen_is_not_saved(tmp_path, monkeypatch):
    from visualbp.core import sessionio

    _, _, saved = trained_session()
    path = tmp_path / "run.vbp"
    save_session(path, saved)
    before = path.read_bytes()
    monkeypatch.setattr(sessionio, "MAX_HEADER_BYTES", 2000)
    saved.extra = {"kept_runs": [{"label": f"run {i}", "epochs": [[0, 0.1, 0.2, 0.5, 0.5]]} for i in range(100)]}
    with pytest.raises(SessionFileError, match="run.vbp: .*clear some kept runs"):
        save_session(path, saved)
    assert path.read_bytes() == before


def test_a_session_whose_minibatch_size_changed_mid_epoch_saves_and_reopens(tmp_path):
    """m = 1 for 8 minibatches, then m = 10: the epoch has 8 + 32 minibatches, more than n/m = 32. A position
    past minibatch 32 was refused on opening (found by the generated-header test when training ran far)."""
    config = SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=3, n=400, mini_batch_size=1)
    net, engine = build(config, load_dataset(config))
    ends = []
    engine.batch_done.connect(ends.append)
    for _ in range(8):
        engine.finish_batch()
    engine.mini_batch_size = 10
    while engine.position[1] < 35:
        engine.finish_batch()
    epoch, batch, offset, step = engine.position
    assert (epoch, batch, offset) == (0, 35, 278) and batch >= engine.batches_per_epoch
    weights, biases = engine.batch_start_parameters()
    saved = SavedSession(config, weights, biases, *engine.initial_parameters, epoch=epoch, batch=batch,
                         offset=offset, step=step, epoch_history=[engine.evaluate()])
    save_session(tmp_path / "m.vbp", saved)
    back = load_session(tmp_path / "m.vbp")
    twin_net, twin = build(back.config, load_dataset(back.config))
    twin.mini_batch_size = 10
    twin_net.weights, twin_net.biases = back.weights, back.biases
    twin.restore(back.epoch, back.batch, back.offset, back.step, (back.initial_weights, back.initial_biases))
    engine.finish_batch()
    twin.finish_batch()
    assert all(np.array_equal(a, b) for a, b in zip(engine.net.weights, twin.net.weights))
    # the plots' x (where each minibatch ends, in epochs) stays inside the epoch and grows with the examples
    xs = [s.end for s in ends]
    assert xs[:8] == pytest.approx([(k + 1) / 320 for k in range(8)])
    assert all(a < b for a, b in zip(xs, xs[1:])) and xs[-1] < 1.0


@pytest.mark.parametrize("batch, offset", [(1, 0), (0, 5), (6, 5), (0, 320)])
def test_a_position_no_minibatches_can_reach_is_refused(batch, offset):
    config = SessionConfig(dataset="moons", sizes=(2, 3, 2), seed=3, n=400)
    _net, engine = build(config, load_dataset(config))
    with pytest.raises(ValueError, match="minibatch|outside"):
        engine.restore(0, batch, offset, 0)
