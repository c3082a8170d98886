"""The book's notation as text: symbols like w^3_24 from array indices, their HTML, and the hover texts.

Every index shown to a person is the book's, counted from 1: the layer l (1 = input) and the
neurons j and k (w^3_24 is the weight from the 4th neuron of layer 2 to the 2nd neuron of layer 3).
The helpers take 0-based array indices and add 1 only when they write text. What a neuron or
weight shows (``neuron_facts``, ``edge_text``) is read from the engine and the network, never computed.
"""

from __future__ import annotations

import html
import re

import numpy as np

from visualbp.gui import colors as C


def _sup(l: int | str) -> str:
    s = str(l)
    return f"^{s}" if len(s) == 1 else f"^({s})"


def shown(i: int) -> int:
    """The book's 1-based neuron number of 0-based array index ``i``."""
    return int(i) + 1


def _sub(*idx: int | str) -> str:
    """Subscripts jk in the book's numbering: array indices (ints) are shown from 1, letters as they are.

    Written together ('24') while every index is one character, else separated by commas ('12,406').
    """
    parts = [i if isinstance(i, str) else str(shown(i)) for i in idx]
    return "_" + ("".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts))


def sym(base: str, l: int | str, *idx: int | str) -> str:
    """Plain book notation from array indices: sym('w', 3, 1, 3) → 'w^3_24'; sym('δ', 3, 0) → 'δ^3_1';
    sym('w', 2, 11, 405) → 'w^2_12,406'; sym('w', 3, 1, 'k') → 'w^3_2k'."""
    return f"{base}{_sup(l)}{_sub(*idx) if idx else ''}"


_SUP_RE = re.compile(r"\^(\([^)]*\)|[0-9A-Za-z]+)")
_SUB_RE = re.compile(r"_(\([^)]*\)|[0-9A-Za-z]+(?:,[0-9A-Za-z]+)*)")  # 'w^2_12,406' but not 'w^3_2k, k'


def notation_html(text: str) -> str:
    """Plain 'w^2_31' notation as HTML with <sup>/<sub> (escaped; newlines become <br>)."""
    s = html.escape(text)
    s = _SUP_RE.sub(lambda m: f"<sup>{m.group(1).strip('()')}</sup>", s)
    s = _SUB_RE.sub(lambda m: f"<sub>{m.group(1).strip('()')}</sub>", s)
    return s.replace("\n", "<br>")


fmt = C.format_number


# ----------------------------------------------------------------- what is known about a neuron / weight
def _value(arr: np.ndarray | None, j: int, k: int = 0) -> float | None:
    if arr is None:
        return None
    return float(arr[j, k])


def neuron_facts(session, l: int, j: int) -> list[tuple[str, float | None, str]]:
    """(plain label, value or None, note) for neuron j of layer l: z, a, σ'(z), δ, b, ∂C/∂b.

    Read from the engine's current example (``engine.current``) and the network;
    ∂C/∂b^l_j = δ^l_j is BP3. Between minibatches the last minibatch's mean gradient is shown.
    """
    engine, net = session.engine, session.net
    if l == 1:
        return [(sym("a", 1, j), _value(engine.current("a", 1), j), f"= x{_sub(j)}, the input")]
    i = l - 2
    act = net.layer_activation(i)
    sp_name = "σ'" if act.name == "sigmoid" else f"{act.symbol}'"
    facts = [
        (sym("z", l, j), _value(engine.current("z", l), j), "weighted input"),
        (sym("a", l, j), _value(engine.current("a", l), j), f"{act.symbol}(z), activation"),
        (f"{sp_name}({sym('z', l, j)})", _value(engine.current("sp", l), j), ""),
        (sym("δ", l, j), _value(engine.current("delta", l), j), "BP1" if l == net.num_layers else "BP2"),
        (sym("b", l, j), float(net.biases[i][j, 0]), "bias"),
    ]
    nb = _value(engine.current("nabla_b", l), j)
    note = "BP3, this example"
    if nb is None and engine.current("delta", l) is not None:
        nb, note = _value(engine.current("delta", l), j), "BP3: = δ, this example"
    if nb is None and engine.last_gradient is not None:
        nb, note = float(engine.last_gradient[0][i][j, 0]), "BP3, mean over the last minibatch"
    facts.append((f"∂C/∂{sym('b', l, j)}", nb, note))
    return facts


def edge_text(session, l: int, j: int, k: int, dw: float | None = None) -> str:
    """The hover text of weight w^l_jk (array indices j, k; shown from 1): its value and ∂C/∂w^l_jk = a^(l−1)_k δ^l_j (BP4) with numbers."""
    engine, net = session.engine, session.net
    w = float(net.weights[l - 2][j, k])
    name = sym("w", l, j, k)
    lines = [f"{name} = {fmt(w)}",
             f"from neuron k={shown(k)} of layer {l - 1} to neuron j={shown(j)} of layer {l}"]
    delta, a_prev = engine.current("delta", l), engine.current("a", l - 1)
    if delta is not None and a_prev is not None:
        nabla_w = engine.current("nabla_w", l)
        a_k, d_j = float(a_prev[k, 0]), float(delta[j, 0])
        g = float(nabla_w[j, k]) if nabla_w is not None else a_k * d_j
        lines.append(f"∂C/∂{name} = {sym('a', l - 1, k)} {sym('δ', l, j)} = ({fmt(a_k)})({fmt(d_j)}) = {fmt(g)}"
                     "   (BP4, this example)")
    elif engine.last_gradient is not None:
        g = float(engine.last_gradient[1][l - 2][j, k])
        lines.append(f"∂C/∂{name} = {fmt(g)}   (BP4, mean over the last minibatch)")
    else:
        lines.append(f"∂C/∂{name}: not known yet — step through backpropagation (BP4)")
    if dw is not None and dw != 0.0:
        lines.append(f"last change Δ{name} = {fmt(dw)}")
    return "\n".join(lines)


def neuron_text(session, l: int, j: int) -> str:
    """The hover text of neuron j (array index; shown from 1) in layer l: every known quantity, '—' for what is not known yet."""
    L = session.net.num_layers
    role = "input" if l == 1 else ("output" if l == L else "hidden")
    lines = [f"neuron j={shown(j)} of layer l={l} ({role})"]
    for label, value, note in neuron_facts(session, l, j):
        lines.append(f"{label} = {fmt(value)}" + (f"   ({note})" if note and value is not None else ""))
    return "\n".join(lines)


# ----------------------------------------------------------------- derivatives and layer numbers as text
def prime_name(act) -> str:
    """How the derivative is written: σ' for sigmoid, tanh' and ReLU' otherwise."""
    return "σ'" if act.name == "sigmoid" else f"{act.symbol}'"


def _sup_digits(l: int) -> str:
    """l as Unicode superscript digits: 2 → '²', 12 → '¹²'."""
    return str(l).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
