"""Known-wrong and valid answers for notebook 01-chain-rule."""
from tests.mutants.catalogue import Mutant, Valid, quiz

EXERCISES = {
    "numeric_derivative": {
        "mutants": [
            Mutant("forward difference", "def numeric_derivative(f, x, h=1e-5):\n    return (f(x + h) - f(x)) / h\n", "central difference"),
            Mutant("backward difference", "def numeric_derivative(f, x, h=1e-5):\n    return (f(x) - f(x - h)) / h\n", "central difference"),
            Mutant("divided by 4h", "def numeric_derivative(f, x, h=1e-5):\n    return (f(x + h) - f(x - h)) / (4 * h)\n", "2 * h"),
            Mutant("sign flip", "def numeric_derivative(f, x, h=1e-5):\n    return (f(x - h) - f(x + h)) / (2 * h)\n", "opposite sign"),
            Mutant("missing factor 2", "def numeric_derivative(f, x, h=1e-5):\n    return (f(x + h) - f(x - h)) / h\n", "twice"),
            Mutant("h not doubled in the numerator", "def numeric_derivative(f, x, h=1e-5):\n    return (f(x + 2 * h) - f(x - 2 * h)) / (2 * h)\n", "twice"),
            Mutant("returns f(x)", "def numeric_derivative(f, x, h=1e-5):\n    return f(x)\n"),
            Mutant("forgot to return", "def numeric_derivative(f, x, h=1e-5):\n    (f(x + h) - f(x - h)) / (2 * h)\n", "None"),
            Mutant("huge step", "def numeric_derivative(f, x, h=1e-5):\n    h = 0.1\n    return (f(x + h) - f(x - h)) / (2 * h)\n"),
        ],
        "valid": [
            Valid("two half-steps averaged", "def numeric_derivative(f, x, h=1e-5):\n    return 0.5 * ((f(x + h) - f(x)) / h + (f(x) - f(x - h)) / h)\n"),
            Valid("numpy subtract and divide", "import numpy as np\ndef numeric_derivative(f, x, h=1e-5):\n    return np.subtract(f(x + h), f(x - h)) / np.multiply(2, h)\n"),
        ],
    },
    "chain_rule": {
        "mutants": [
            Mutant("forgot the inner derivative", "def dk_dx(x):\n    return np.exp(np.tanh(x))\n", "inner derivative"),
            Mutant("outer derivative at x, not at g(x)", "def dk_dx(x):\n    return np.exp(x) * (1 - np.tanh(x) ** 2)\n"),
            Mutant("sign flip in tanh'", "def dk_dx(x):\n    return np.exp(np.tanh(x)) * (np.tanh(x) ** 2 - 1)\n", "opposite sign"),
            Mutant("tanh' as 1 - x^2", "def dk_dx(x):\n    return np.exp(np.tanh(x)) * (1 - x ** 2)\n"),
            Mutant("added instead of multiplied", "def dk_dx(x):\n    return np.exp(np.tanh(x)) + (1 - np.tanh(x) ** 2)\n"),
            Mutant("only the inner derivative", "def dk_dx(x):\n    return 1 - np.tanh(x) ** 2\n"),
        ],
        "valid": [
            Valid("one line", "def dk_dx(x):\n    return np.exp(np.tanh(x)) / np.cosh(x) ** 2\n"),
            Valid("float32 input upcast", "def dk_dx(x):\n    x = np.asarray(x, dtype=np.float64)\n    t = np.tanh(x)\n    return np.exp(t) - np.exp(t) * t * t\n"),
        ],
    },
    "graph_forward": {
        "mutants": [
            Mutant("sign of the error", "def forward(w, x, y):\n    z = w * x\n    e = y - z\n    L = e ** 2\n    return z, e, L\n", "opposite sign"),
            Mutant("z = w + x", "def forward(w, x, y):\n    z = w + x\n    e = z - y\n    L = e ** 2\n    return z, e, L\n"),
            Mutant("L not squared", "def forward(w, x, y):\n    z = w * x\n    e = z - y\n    L = e\n    return z, e, L\n"),
            Mutant("1/2 convention", "def forward(w, x, y):\n    z = w * x\n    e = z - y\n    L = 0.5 * e ** 2\n    return z, e, L\n", "half"),
            Mutant("L = |e|", "def forward(w, x, y):\n    z = w * x\n    e = z - y\n    L = abs(e)\n    return z, e, L\n"),
            Mutant("integer truncation", "def forward(w, x, y):\n    z = int(w * x)\n    e = z - y\n    L = e ** 2\n    return z, e, L\n"),
        ],
        "valid": [
            Valid("numpy ops", "def forward(w, x, y):\n    z = np.multiply(w, x)\n    e = np.subtract(z, y)\n    L = np.square(e)\n    return z, e, L\n"),
            Valid("e times e", "def forward(w, x, y):\n    z = x * w\n    e = -(y - z)\n    L = e * e\n    return z, e, L\n"),
        ],
    },
}


def _backward(de="2 * e", dz="dL_de", dw="dL_dz * x", dx="dL_dz * w", dy="-dL_de"):
    return ("def backward(w, x, y):\n    z, e, L = forward(w, x, y)\n"
            f"    dL_de = {de}\n    dL_dz = {dz}\n    dL_dw = {dw}\n    dL_dx = {dx}\n    dL_dy = {dy}\n"
            "    return dL_de, dL_dz, dL_dw, dL_dx, dL_dy\n")


def _fanout(body):
    return ("def fanout_grad(w, x1, x2):\n    p, q = w * x1, w + x2\n    dL_dp, dL_dq = q, p\n    dL_dw = 0.0\n"
            + "".join(f"    {line}\n" for line in body) + "    return dL_dw\n")



EXERCISES["graph_backward"] = {
    "mutants": [
        Mutant("sign flip in dL_de", _backward(de="-2 * e"), "opposite sign"),
        Mutant("missing factor 2", _backward(de="e"), "half"),
        Mutant("dL_dw uses w instead of x", _backward(dw="dL_dz * w")),
        Mutant("dL_dy sign flip", _backward(dy="dL_de"), "opposite sign"),
        Mutant("dL_dz forgets the upstream gradient", _backward(dz="1.0")),
        Mutant("dL_dw skips the chain", _backward(dw="x")),
        Mutant("dL_dx = dL_dw", _backward(dx="dL_dz * x")),
    ],
    "valid": [
        Valid("expanded algebra", _backward(de="2 * (w * x - y)", dw="2 * (w * x - y) * x", dx="2 * (w * x - y) * w", dy="-2 * (w * x - y)")),
        Valid("numpy floats", "import numpy as np\n" + _backward(de="np.float64(2.0) * e", dy="np.negative(dL_de)")),
    ],
}

EXERCISES["fanout"] = {
    "mutants": [
        Mutant("= instead of += (second path overwrites)", _fanout(["dL_dw = dL_dp * x1", "dL_dw = dL_dq * 1.0"]), "overwrites"),
        Mutant("= instead of += (first path overwrites)", _fanout(["dL_dw = dL_dq * 1.0", "dL_dw = dL_dp * x1"]), "overwrites"),
        Mutant("the path counted twice (the old 'factor 2' advice)", _fanout(["dL_dw = 2 * dL_dp * x1"])),
        Mutant("only the first path", _fanout(["dL_dw += dL_dp * x1"])),
        Mutant("only the second path", _fanout(["dL_dw += dL_dq"])),
        Mutant("paths multiplied", _fanout(["dL_dw = (dL_dp * x1) * (dL_dq * 1.0)"])),
        Mutant("local gradients swapped", _fanout(["dL_dw += dL_dp * 1.0", "dL_dw += dL_dq * x1"])),
        Mutant("sum path's local gradient taken as x2", _fanout(["dL_dw += dL_dp * x1", "dL_dw += dL_dq * x2"])),
        Mutant("sign flip", _fanout(["dL_dw -= dL_dp * x1", "dL_dw -= dL_dq * 1.0"]), "opposite sign"),
        Mutant("counted twice", _fanout(["dL_dw += 2 * dL_dp * x1", "dL_dw += 2 * dL_dq"]), "twice"),
        Mutant("closed form without the sum path's x1 x2", _fanout(["dL_dw = 2 * w * x1"])),
    ],
    "valid": [
        Valid("one expression", _fanout(["dL_dw = dL_dp * x1 + dL_dq * 1.0"])),
        Valid("closed form 2 w x1 + x1 x2", _fanout(["dL_dw += 2 * w * x1 + x1 * x2"])),
        Valid("recomputed from w", _fanout(["dL_dw = dL_dw + (w + x2) * x1", "dL_dw = dL_dw + w * x1"])),
    ],
}

def _ngrad(*body):
    return ("def numeric_gradient(f, x, h=1e-5):\n    x = np.asarray(x, dtype=float)\n    grad = np.zeros_like(x)\n"
            + "".join(f"    {line}\n" for line in body) + "    return grad\n")


EXERCISES["numeric_gradient"] = {
    "mutants": [
        Mutant("every entry nudged at once", _ngrad("for i in range(x.size):", "    grad[i] = (f(x + h) - f(x - h)) / (2 * h)"), "ONE entry"),
        Mutant("forward difference", _ngrad("for i in range(x.size):", "    step = np.zeros_like(x)", "    step[i] = h",
                                            "    grad[i] = (f(x + step) - f(x)) / h"), "both ways"),
        Mutant("divided by h", _ngrad("for i in range(x.size):", "    step = np.zeros_like(x)", "    step[i] = h",
                                      "    grad[i] = (f(x + step) - f(x - step)) / h"), "twice"),
        Mutant("x nudged in place and not restored", _ngrad("for i in range(x.size):", "    x[i] += h", "    up = f(x)", "    x[i] -= 2 * h",
                                                            "    grad[i] = (up - f(x)) / (2 * h)"), "copy"),
        Mutant("only the first entry", _ngrad("step = np.zeros_like(x)", "step[0] = h", "grad[0] = (f(x + step) - f(x - step)) / (2 * h)")),
        Mutant("same partial everywhere", _ngrad("step = np.zeros_like(x)", "step[0] = h", "grad[:] = (f(x + step) - f(x - step)) / (2 * h)")),
        Mutant("returns a scalar", "def numeric_gradient(f, x, h=1e-5):\n    x = np.asarray(x, dtype=float)\n    return (f(x + h) - f(x - h)) / (2 * h)\n", "one partial derivative per entry"),
    ],
    "valid": [
        Valid("rows of the identity", _ngrad("for i, e in enumerate(np.eye(x.size) * h):", "    grad[i] = (f(x + e) - f(x - e)) / (2 * h)")),
        Valid("in place, then restored", _ngrad("x = x.copy()", "for i in range(x.size):", "    old = x[i]", "    x[i] = old + h", "    up = f(x)",
                                                "    x[i] = old - h", "    down = f(x)", "    x[i] = old", "    grad[i] = (up - down) / (2 * h)")),
        Valid("list comprehension", "def numeric_gradient(f, x, h=1e-5):\n    x = np.asarray(x, dtype=float)\n    E = np.eye(x.size) * h\n"
                                    "    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in E])\n"),
    ],
}

EXERCISES["quiz"] = quiz(('b', 'b', 'c', 'a'), [
    ('q1 wrong', ('a', 'b', 'c', 'a')),
    ('q2 forward difference', ('b', 'a', 'c', 'a')),
    ('q3 multiplied paths', ('b', 'b', 'a', 'a')),
    ('q3 magnitudes added', ('b', 'b', 'b', 'a')),
    ('q4 against the gradient', ('b', 'b', 'c', 'b')),
    ('q4 one partial only', ('b', 'b', 'c', 'c')),
])
