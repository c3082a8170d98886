"""The NumPy core: network, step engine, datasets. Never imports Qt."""

from visualbp.core.network import Network
from visualbp.core.gradcheck import gradient_check

__all__ = ["Network", "gradient_check"]
