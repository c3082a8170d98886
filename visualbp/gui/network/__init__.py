"""The network graph, split along its seams: ``scene`` (what is drawn, NumPy only), ``layout`` (one geometry
for painting and hit-testing), ``items`` (painters fed plain data), the controllers ``heatmaps``,
``saturation``, ``ratios``, ``labels``, ``interaction`` and ``toolbar``, and ``view`` composing them.

``NetworkView`` is imported on first use, so ``scene`` and ``layout`` can be imported (and tested) without Qt.
"""

__all__ = ["NetworkView"]


def __getattr__(name: str):
    if name == "NetworkView":
        from visualbp.gui.network.view import NetworkView

        return NetworkView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
