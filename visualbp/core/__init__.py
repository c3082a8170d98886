"""The NumPy core: network, step engine, datasets. Never imports Qt."""

from visualbp.core.gradcheck import gradient_check
from visualbp.core.network import Network

__all__ = ["Network", "gradient_check"]
