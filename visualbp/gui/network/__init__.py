"""The network graph, split along its seams: ``scene`` (what is drawn, NumPy only), ``layout`` (one geometry
for painting and hit-testing), ``items`` (painters fed plain data), the controllers ``heatmaps``,
``saturation``, ``ratios``, ``labels``, ``interaction`` and ``toolbar``, and ``view`` composing them."""

from visualbp.gui.network.view import NetworkView

__all__ = ["NetworkView"]
