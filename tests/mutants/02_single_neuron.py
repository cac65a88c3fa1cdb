"""Known-wrong and valid answers for notebook 02-single-neuron."""
from tests.mutants.catalogue import Mutant, Valid, quiz


def _losses(L="(y - y_hat) ** 2", d="-2 * (y - y_hat)", hL="0.5 * (y - y_hat) ** 2", hd="-(y - y_hat)"):
    return (f"def squared_loss(y, y_hat):\n    L = {L}\n    dL_dy_hat = {d}\n    return L, dL_dy_hat\n\n"
            f"def half_squared_loss(y, y_hat):\n    L = {hL}\n    dL_dy_hat = {hd}\n    return L, dL_dy_hat\n")


def _step(y_hat="w * x + b", L="(y - y_hat) ** 2", d="-2 * (y - y_hat)", dw="dL_dy_hat * x", db="dL_dy_hat"):
    return (f"def neuron_step(x, w, b, y):\n    y_hat = {y_hat}\n    L = {L}\n    dL_dy_hat = {d}\n"
            f"    dL_dw = {dw}\n    dL_db = {db}\n    return y_hat, L, dL_dy_hat, dL_dw, dL_db\n")


def _sgd(body):
    return f"def sgd_update(param, grad, lr):\n{body}"


def _sigmoid(expr):
    return f"def sigmoid(z):\n    return {expr}\n"


def _sigmoid_grad(expr):
    return f"def sigmoid_grad(a):\n    return {expr}\n"


def _forward(z1="np.dot(w1, x) + b1", a1="sigmoid(z1)", z2="w2 * a1 + b2", a2="sigmoid(z2)", L="0.5 * (y - a2) ** 2"):
    return (f"def spreadsheet_forward(x, w1, b1, w2, b2, y):\n    z1 = {z1}\n    a1 = {a1}\n    z2 = {z2}\n"
            f"    a2 = {a2}\n    L = {L}\n    return z1, a1, z2, a2, L\n")


_BACK = dict(da2="-(y - a2)", dz2="dL_da2 * sigmoid_grad(a2)", dw2="dL_dz2 * a1", db2="dL_dz2", da1="dL_dz2 * w2",
             dz1="dL_da1 * sigmoid_grad(a1)", dw1="dL_dz1 * x", db1="dL_dz1")


def _backward(**changes):
    e = dict(_BACK, **changes)
    return ("def spreadsheet_backward(x, w1, b1, w2, b2, y):\n    z1, a1, z2, a2, L = spreadsheet_forward(x, w1, b1, w2, b2, y)\n"
            + "".join(f"    dL_{k} = {v}\n" for k, v in e.items())
            + "    return dL_da2, dL_dz2, dL_dw2, dL_db2, dL_da1, dL_dz1, dL_dw1, dL_db1\n")


def _batch(pred="X @ w + b", d="-2 * (y - predict(X, w, b)) / m", dw="X.T @ dL_dy_hat", db="np.sum(dL_dy_hat)"):
    return (f"def predict(X, w, b):\n    return {pred}\n\n"
            f"def batch_gradients(X, y, w, b):\n    m = len(y)\n    dL_dy_hat = {d}\n    dL_dw = {dw}\n    dL_db = {db}\n"
            "    return dL_dw, dL_db\n")


def _epoch(body):
    return "def train_epoch(X, y, w, b, lr, batch_size):\n" + "".join(f"    {line}\n" for line in body) + "    return w, b\n"


_LOOP = ["for start in range(0, len(y), batch_size):",
         "    Xb, yb = X[start:start + batch_size], y[start:start + batch_size]",
         "    dL_dw, dL_db = batch_gradients(Xb, yb, w, b)",
         "    w = sgd_update(w, dL_dw, lr)",
         "    b = sgd_update(b, dL_db, lr)"]


def _loop(i, line):
    body = list(_LOOP)
    body[i] = line
    return _epoch(body)



EXERCISES = {
    "losses": {
        "mutants": [
            Mutant("plain: missing factor 2", _losses(d="-(y - y_hat)"), "half"),
            Mutant("half: factor 2 kept", _losses(hd="-2 * (y - y_hat)"), "cancels the 1/2"),
            Mutant("half: loss without the 1/2", _losses(hL="(y - y_hat) ** 2"), "twice"),
            Mutant("plain: sign flip", _losses(d="2 * (y - y_hat)"), "y_hat - y, not y - y_hat"),
            Mutant("half: sign flip", _losses(hd="y - y_hat"), "opposite sign"),
            Mutant("conventions swapped", _losses(L="0.5 * (y - y_hat) ** 2", d="-(y - y_hat)", hL="(y - y_hat) ** 2", hd="-2 * (y - y_hat)"), "half"),
            Mutant("absolute error", _losses(L="abs(y - y_hat)")),
            Mutant("plain: the 2 applied twice (no half-convention hint)", _losses(d="-4 * (y - y_hat)"), "twice too large"),
            Mutant("half: half of the half", _losses(hd="-(y - y_hat) / 2"), "half the right size"),
        ],
        "valid": [
            Valid("error first", _losses(L="(y_hat - y) ** 2", d="2 * (y_hat - y)", hL="(y_hat - y) ** 2 / 2", hd="y_hat - y")),
            Valid("numpy square", _losses(L="np.square(y - y_hat)", hL="np.square(y - y_hat) * 0.5", hd="np.subtract(y_hat, y)")),
        ],
    },
    "neuron_step": {
        "mutants": [
            Mutant("sign flip in dL_dy_hat", _step(d="2 * (y - y_hat)"), "opposite sign"),
            Mutant("missing factor 2 (the 1/2 convention)", _step(d="-(y - y_hat)"), "half"),
            Mutant("half loss", _step(L="0.5 * (y - y_hat) ** 2"), "half"),
            Mutant("dL_dw forgets x", _step(dw="dL_dy_hat")),
            Mutant("forgotten bias gradient", _step(db="0.0"), "all zeros"),
            Mutant("dL_dw uses w", _step(dw="dL_dy_hat * w")),
            Mutant("bias left out of the forward pass", _step(y_hat="w * x"), "bias included"),
            Mutant("dL_dw with the square's 2 applied again", _step(dw="2 * dL_dy_hat * x"), "appears once"),
        ],
        "valid": [
            Valid("expanded", _step(d="2 * (w * x + b - y)", dw="2 * (w * x + b - y) * x", db="2 * (w * x + b - y)")),
            Valid("numpy floats", "import numpy as np\n" + _step(y_hat="np.float64(w) * x + b", L="np.square(y - y_hat)")),
        ],
    },
    "sgd_update": {
        "mutants": [
            Mutant("ascent instead of descent", _sgd("    return param + lr * grad\n"), "downhill"),
            Mutant("lr forgotten", _sgd("    return param - grad\n")),
            Mutant("in place", _sgd("    param -= lr * grad\n    return param\n"), "in place"),
            Mutant("returns the step", _sgd("    return -lr * grad\n")),
            Mutant("divides by lr", _sgd("    return param - grad / lr\n")),
            Mutant("forgot to return", _sgd("    param = param - lr * grad\n"), "None"),
        ],
        "valid": [
            Valid("numpy", _sgd("    return np.subtract(param, np.multiply(lr, grad))\n")),
            Valid("copy then in place", _sgd("    new = np.array(param, dtype=float)\n    new -= lr * np.asarray(grad)\n    return new if np.ndim(param) else float(new)\n")),
        ],
    },
    "sigmoid": {
        "mutants": [
            Mutant("sign of the exponent", _sigmoid("1 / (1 + np.exp(z))")),
            Mutant("missing 1 +", _sigmoid("1 / np.exp(-z)")),
            Mutant("tanh", _sigmoid("np.tanh(z)")),
            Mutant("exp without the reciprocal", _sigmoid("1 + np.exp(-z)")),
            Mutant("e^z / (1 - e^z)", _sigmoid("np.exp(z) / (1 - np.exp(z))")),
            Mutant("integer division habit", _sigmoid("1 // (1 + np.exp(-z))")),
        ],
        "valid": [
            Valid("e^z form", _sigmoid("np.exp(z) / (1 + np.exp(z))")),
            Valid("tanh identity", _sigmoid("0.5 * (1 + np.tanh(z / 2))")),
        ],
    },
    "sigmoid_grad": {
        "mutants": [
            Mutant("a treated as z", "def sigmoid_grad(a):\n    s = 1 / (1 + np.exp(-a))\n    return s * (1 - s)\n", "OUTPUT"),
            Mutant("sign flip", _sigmoid_grad("a * (a - 1)"), "opposite sign"),
            Mutant("tanh derivative", _sigmoid_grad("1 - a ** 2")),
            Mutant("just a", _sigmoid_grad("a")),
            Mutant("squared", _sigmoid_grad("a ** 2 * (1 - a)")),
            Mutant("twice", _sigmoid_grad("2 * a * (1 - a)"), "twice"),
        ],
        "valid": [
            Valid("expanded", _sigmoid_grad("a - a * a")),
            Valid("numpy", _sigmoid_grad("np.multiply(a, np.subtract(1, a))")),
        ],
    },
    "spreadsheet_forward": {
        "mutants": [
            Mutant("bias forgotten", _forward(z1="np.dot(w1, x)")),
            Mutant("plain loss instead of the half", _forward(L="(y - a2) ** 2"), "twice"),
            Mutant("output stays linear", _forward(a2="z2")),
            Mutant("z2 from z1, not a1", _forward(z2="w2 * z1 + b2")),
            Mutant("elementwise instead of dot", _forward(z1="w1 * x + b1")),
            Mutant("sigmoid with the wrong sign", _forward(a1="1 / (1 + np.exp(z1))")),
        ],
        "valid": [
            Valid("sum of products", _forward(z1="w1[0] * x[0] + w1[1] * x[1] + b1")),
            Valid("matmul and square", _forward(z1="x @ w1 + b1", L="np.square(a2 - y) / 2")),
        ],
    },
    "spreadsheet_backward": {
        "mutants": [
            Mutant("sign flip at the loss", _backward(da2="y - a2"), "a2 - y, not y - a2"),
            Mutant("plain-loss factor 2", _backward(da2="-2 * (y - a2)"), "half convention"),
            Mutant("z used instead of a in sigma'", _backward(dz2="dL_da2 * sigmoid_grad(z2)")),
            Mutant("a used instead of z: sigma(a2) in sigma'", _backward(dz1="dL_da1 * sigmoid(a1) * (1 - sigmoid(a1))")),
            Mutant("forgotten bias gradient", _backward(db1="0.0"), "all zeros"),
            Mutant("dL_dw2 uses w2", _backward(dw2="dL_dz2 * w2")),
            Mutant("dL_da1 uses a1", _backward(da1="dL_dz2 * a1")),
            Mutant("sigma' skipped in the hidden layer", _backward(dz1="dL_da1")),
            Mutant("dL_dw1 summed to a scalar", _backward(dw1="dL_dz1 * np.sum(x)")),
        ],
        "valid": [
            Valid("sigma' written out", _backward(dz2="(a2 - y) * a2 * (1 - a2)", dz1="dL_dz2 * w2 * a1 * (1 - a1)")),
            Valid("numpy array ops", _backward(dw1="np.multiply(dL_dz1, x)", db1="np.float64(dL_dz1)")),
        ],
    },
    "batch_gradients": {
        "mutants": [
            Mutant("missing 1/m", _batch(d="-2 * (y - predict(X, w, b))"), "1/m"),
            Mutant("divided by m twice", _batch(d="-2 * (y - predict(X, w, b)) / m / m"), "divide by m twice"),
            Mutant("sign flip", _batch(d="2 * (y - predict(X, w, b)) / m"), "y_hat - y, not"),
            Mutant("missing factor 2", _batch(d="-(y - predict(X, w, b)) / m"), "half"),
            Mutant("bias gradient not summed", _batch(db="dL_dy_hat"), "axes"),
            Mutant("forgotten bias gradient", _batch(db="0.0"), "all zeros"),
            Mutant("forward without bias", _batch(pred="X @ w"), "bias included"),
        ],
        "valid": [
            Valid("mean of per-example gradients", _batch(d="y_err = predict(X, w, b) - y", dw="2 * np.mean(X * y_err[:, None], axis=0)", db="2 * np.mean(y_err)").replace("dL_dy_hat = y_err", "y_err")),
            Valid("einsum", _batch(pred="np.einsum('ij,j->i', X, w) + b", dw="np.einsum('i,ij->j', dL_dy_hat, X)", db="dL_dy_hat.sum()")),
        ],
    },
    "train_epoch": {
        "mutants": [
            Mutant("last partial batch dropped", _loop(0, "for start in range(0, len(y) - batch_size + 1, batch_size):")),
            Mutant("the whole data set every time", _loop(2, "    dL_dw, dL_db = batch_gradients(X, y, w, b)")),
            Mutant("bias never updated", _loop(4, "    b = b")),
            Mutant("gradient ascent", _loop(3, "    w = sgd_update(w, -dL_dw, lr)")),
            Mutant("one batch only", _loop(0, "for start in range(0, min(len(y), batch_size), batch_size):")),
            Mutant("summed, not averaged: lr times batch size", _loop(3, "    w = sgd_update(w, dL_dw, lr * len(yb))")),
        ],
        "valid": [
            Valid("array_split", _epoch(["for idx in np.array_split(np.arange(len(y)), range(batch_size, len(y), batch_size)):",
                                          "    dL_dw, dL_db = batch_gradients(X[idx], y[idx], w, b)",
                                          "    w, b = w - lr * dL_dw, b - lr * dL_db"])),
            Valid("while loop", _epoch(["start = 0", "while start < len(y):",
                                        "    dL_dw, dL_db = batch_gradients(X[start:start + batch_size], y[start:start + batch_size], w, b)",
                                        "    w, b = sgd_update(w, dL_dw, lr), sgd_update(b, dL_db, lr)", "    start += batch_size"])),
        ],
    },
    "quiz": quiz(('b', 'b', 'a'), [
        ('q1 twice', ('c', 'b', 'a')),
        ('q1 same', ('a', 'b', 'a')),
        ('q2 a, not a(1 - a)', ('b', 'a', 'a')),
        ('q3 same', ('b', 'b', 'b')),
    ]),
}
