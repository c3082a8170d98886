"""The scaling choice for a user's CSV (--scale, Setup's Scaling, a session's config): auto, standard, minmax,
none; each says what it did in the dataset's description, and a session remembers it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from visualbp.app import build_parser, settings_from_args
from visualbp.core.config import SessionConfig, build, load_dataset
from visualbp.core.datafiles import load_csv
from visualbp.core.datasets import example_csv
from visualbp.core.labels import SCALINGS, scale_features
from visualbp.core.sessionio import SavedSession, load_session, save_session

X = np.array([[1.0, 100.0, 5.0], [3.0, 300.0, 5.0], [5.0, 900.0, 5.0]])


def test_minmax_maps_each_column_onto_0_1_and_a_constant_one_to_0():
    scaled, note = scale_features(X, scaling="minmax")
    assert np.allclose(scaled[:, 0], [0, 0.5, 1]) and np.allclose(scaled[:, 1], [0, 0.25, 1])
    assert np.array_equal(scaled[:, 2], [0, 0, 0]) and "0…1" in note and "1 constant column" in note


def test_none_keeps_the_files_numbers_and_standard_standardises_even_pixels():
    scaled, note = scale_features(X, scaling="none")
    assert np.array_equal(scaled, X) and "not scaled" in note
    pixels = np.array([[0.0, 255.0], [51.0, 102.0], [255.0, 0.0]])
    auto, _ = scale_features(pixels, image=True)
    standard, note = scale_features(pixels, image=True, scaling="standard")
    assert np.allclose(auto, pixels / 255) and np.allclose(standard.mean(axis=0), 0) and "standardised" in note


def test_an_unknown_scaling_is_named():
    with pytest.raises(ValueError, match="unknown scaling 'log': choose one of auto, standard, minmax, none"):
        scale_features(X, scaling="log")
    with pytest.raises(ValueError, match="unknown scaling"):
        SessionConfig(scaling="log").validated()


@pytest.mark.parametrize("scaling", SCALINGS)
def test_the_csv_reader_scales_as_asked_and_says_so(scaling):
    data = load_csv(example_csv(), scaling=scaling)
    features = np.vstack([data.X_train, data.X_val])
    if scaling == "none":
        assert features[:, 1].max() > 50 and "not scaled" in data.description  # humidity in %
    elif scaling == "minmax":
        assert features.min() == 0 and features.max() == 1 and "0…1" in data.description
    else:
        assert np.allclose(features.mean(axis=0), 0) and "standardised" in data.description


def test_the_command_line_option_reaches_the_config_and_the_data():
    args = build_parser().parse_args([str(example_csv()), "--scale", "minmax"])
    config, _ = settings_from_args(args)
    assert config.scaling == "minmax" and config.dataset == "file"
    assert load_dataset(config).X_train.max() <= 1.0


def test_a_session_remembers_its_scaling(tmp_path):
    config = replace(SessionConfig(dataset="file", data_path=str(example_csv()), sizes=(2, 4, 3)),
                     scaling="none").validated()
    data = load_dataset(config)
    net, engine = build(config, data)
    weights, biases = engine.batch_start_parameters()
    saved = SavedSession(config, weights, biases, *engine.initial_parameters, epoch=0, batch=0, offset=0, step=0)
    save_session(tmp_path / "s.vbp", saved)
    back = load_session(tmp_path / "s.vbp").config
    assert back.scaling == "none" and np.array_equal(load_dataset(back).X_train, data.X_train)
