"""Write the PyTorch files the tests read (run with torch installed; the files are committed, so the tests need
no torch): ``python tests/core/torch_models/make_fixtures.py``.

Models that visualbp opens, each with ``<name>.json`` beside it (the weights as torch has them, and torch's
outputs for a few inputs):
- ``sigmoid_2_3_2.pt``: nn.Sequential(Linear(2, 3), Sigmoid(), Linear(3, 2), Sigmoid())
- ``relu_4_5_3.pt``: nn.Sequential(Linear(4, 5), ReLU(), Linear(5, 3)) (logits out)
- ``checkpoint_tanh_3_4_2.pt``: a training checkpoint {'epoch', 'model_state_dict', 'optimizer_state_dict'}
  of nn.Sequential(Linear(3, 4), Tanh(), Linear(4, 2), Sigmoid()) after one SGD step with momentum
Files visualbp refuses, as torch writes them:
- ``whole_model.pt``: torch.save(model) (the pickled nn.Sequential: code)
- ``torchscript.pt``: torch.jit.save(torch.jit.script(model))
- ``conv.pt``: the state_dict of a Conv2d followed by a Linear
- ``batchnorm.pt``: the state_dict of Linear, BatchNorm1d, Linear
- ``legacy.pt``: a state_dict in the format of torch before 1.6 (a bare pickle)
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

HERE = Path(__file__).resolve().parent
INPUTS = [[0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 0.5, 2.0], [-0.3, 0.7, 0.1, -1.5]]


def described(model: nn.Sequential, n_in: int, activation: str, path: Path) -> None:
    """``path.with_suffix('.json')``: the weights and biases by name, and torch's outputs for INPUTS."""
    x = torch.tensor([row[:n_in] for row in INPUTS], dtype=torch.float32)
    with torch.no_grad():
        out = model(x)
    state = {k: v.tolist() for k, v in model.state_dict().items()}
    path.with_suffix(".json").write_text(json.dumps({
        "torch": torch.__version__, "activation": activation, "state_dict": state,
        "inputs": x.tolist(), "outputs": out.tolist(),
        "outputs_are": "sigmoid" if isinstance(model[-1], nn.Sigmoid) else "logits"}, indent=1) + "\n")


def main() -> None:
    torch.manual_seed(0)
    sig = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Sigmoid())
    torch.save(sig.state_dict(), HERE / "sigmoid_2_3_2.pt")
    described(sig, 2, "sigmoid", HERE / "sigmoid_2_3_2.pt")

    torch.manual_seed(1)
    relu = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    torch.save(relu.state_dict(), HERE / "relu_4_5_3.pt")
    described(relu, 4, "relu", HERE / "relu_4_5_3.pt")

    torch.manual_seed(2)
    tanh = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid())
    opt = torch.optim.SGD(tanh.parameters(), lr=0.1, momentum=0.9)
    loss = tanh(torch.ones(5, 3)).sum()
    loss.backward()
    opt.step()
    torch.save({"epoch": 1, "model_state_dict": tanh.state_dict(), "optimizer_state_dict": opt.state_dict()},
               HERE / "checkpoint_tanh_3_4_2.pt")
    described(tanh, 3, "tanh", HERE / "checkpoint_tanh_3_4_2.pt")

    torch.save(sig, HERE / "whole_model.pt")
    torch.jit.save(torch.jit.script(sig), HERE / "torchscript.pt")
    torch.save(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2)).state_dict(), HERE / "conv.pt")
    torch.save(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 2)).state_dict(), HERE / "batchnorm.pt")
    torch.save(sig.state_dict(), HERE / "legacy.pt", _use_new_zipfile_serialization=False)


if __name__ == "__main__":
    main()
