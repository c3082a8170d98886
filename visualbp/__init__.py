"""visualbp: watch backpropagation happen, in the notation of Nielsen's chapter 2.

Importing ``visualbp`` gives the NumPy core only; the Qt GUI lives in
``visualbp.gui`` and is imported by ``visualbp.app`` when the window opens.
"""

from visualbp.core import Network, gradient_check

__version__ = "0.1.0"

__all__ = ["Network", "gradient_check", "__version__"]
