"""Known-wrong and valid answers for notebook 05-mlp-backprop.

The solution cells also define the layer classes (Linear, ReLU, Sigmoid, MLP's
constructor) that later cells use, so each variant is the source cell itself
with only its solution region(s) replaced: the classes stay exactly as shipped.
"""
import json
import re

from tests.mutants.catalogue import Mutant, Valid, quiz
from tests.mutants.harness import ROOT

SOURCE = ROOT / "source" / "05-mlp-backprop" / "05-mlp-backprop.ipynb"
REGION = re.compile(r"( *)### BEGIN SOLUTION\n(.*?)\1### END SOLUTION(\n|$)", re.S)


def _solution_cells():
    cells = json.loads(SOURCE.read_text(encoding="utf-8"))["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
            for c in cells if c["metadata"].get("nbgrader", {}).get("solution")}


CELLS = _solution_cells()


def variant(gid, *bodies):
    """Cell gid with its k-th solution region replaced by bodies[k] (None keeps the solution)."""
    replacements = iter(bodies)

    def swap(match):
        body = next(replacements, None)
        if body is None:
            return match.group(2)
        return "".join(match.group(1) + line + "\n" for line in body.splitlines())

    return REGION.sub(swap, CELLS[gid])


def _fwd(body):
    return variant("linear_forward", body)


def _loops(db="dL_db[j] += dL_dZ[i, j]", dW="dL_dW[k, j] += dL_dZ[i, j] * X[i, k]", dX="dL_dX[i, k] += dL_dZ[i, j] * W[k, j]"):
    return variant("linear_backward_loops", f"{db}\nfor k in range(n_in):\n    {dW}\n    {dX}")


LOOPS_HEAD = ("def linear_backward_loops(dL_dZ, X, W):\n    m, n_in = X.shape\n    n_out = W.shape[1]\n"
              "    dL_dX, dL_dW, dL_db = np.zeros((m, n_in)), np.zeros((n_in, n_out)), np.zeros(n_out)\n")


def _loops_cell(*body):
    return LOOPS_HEAD + "".join(f"    {line}\n" for line in body) + "    return dL_dX, dL_dW, dL_db\n"


def _bwd(dX="dL_dX = dL_dZ @ W.T", dW="dL_dW = X.T @ dL_dZ", db="dL_db = dL_dZ.sum(axis=0)"):
    return variant("linear_backward", f"{dX}\n{dW}\n{db}")


def _act(relu=None, sig=None):
    return variant("relu_backward", relu, sig)


SOLUTION_CE = CELLS["softmax_ce_backward"]


def _ce(old, new):
    assert old in SOLUTION_CE, old
    return SOLUTION_CE.replace(old, new)


def _fix(body=None, layer=None):
    """The planted_fix cell with fixed_backward's body and/or the bug_layer line replaced."""
    return variant("planted_fix", body, None if layer is None else f"bug_layer = {layer!r}")


def _mlp(forward=None, backward=None, params=None, grads=None):
    return variant("mlp", forward, backward, params, grads)



EXERCISES = {
    "linear_backward_loops": {
        "mutants": [
            Mutant("= instead of += for dL_dW", _loops(dW="dL_dW[k, j] = dL_dZ[i, j] * X[i, k]"), "use +=, not ="),
            Mutant("= instead of += for dL_dX", _loops(dX="dL_dX[i, k] = dL_dZ[i, j] * W[k, j]"), "use +=, not ="),
            Mutant("= instead of += for dL_db", _loops(db="dL_db[j] = dL_dZ[i, j]"), "use +=, not ="),
            Mutant("W indexed as W[j, k]", _loops(dX="dL_dX[i, k] += dL_dZ[i, j] * W[j, k]"), "IndexError"),
            Mutant("X indexed as X[i, j]", _loops(dW="dL_dW[k, j] += dL_dZ[i, j] * X[i, j]")),
            Mutant("upstream gradient forgotten in dL_dW", _loops(dW="dL_dW[k, j] += X[i, k]")),
            Mutant("dL_dX with the opposite sign", _loops(dX="dL_dX[i, k] -= dL_dZ[i, j] * W[k, j]"), "opposite sign"),
            Mutant("dL_db averaged over the batch", _loops(db="dL_db[j] += dL_dZ[i, j] / m"), "m times too small"),
            Mutant("dL_db added once per input k", _loops_cell(
                "for i in range(m):", "    for j in range(n_out):", "        for k in range(n_in):",
                "            dL_db[j] += dL_dZ[i, j]", "            dL_dW[k, j] += dL_dZ[i, j] * X[i, k]",
                "            dL_dX[i, k] += dL_dZ[i, j] * W[k, j]")),
        ],
        "valid": [
            Valid("loops in the order k, j, i", _loops_cell(
                "for k in range(n_in):", "    for j in range(n_out):", "        for i in range(m):",
                "            dL_dW[k, j] += X[i, k] * dL_dZ[i, j]", "            dL_dX[i, k] += W[k, j] * dL_dZ[i, j]",
                "for i in range(m):", "    for j in range(n_out):", "        dL_db[j] += dL_dZ[i, j]")),
            Valid("one outer product per example", _loops_cell(
                "for i in range(m):", "    dL_dW += np.outer(X[i], dL_dZ[i])", "    dL_dX[i] += W @ dL_dZ[i]",
                "    dL_db += dL_dZ[i]")),
            Valid("sums written with sum()", _loops_cell(
                "for k in range(n_in):", "    for j in range(n_out):",
                "        dL_dW[k, j] = sum(X[i, k] * dL_dZ[i, j] for i in range(m))",
                "for i in range(m):", "    for k in range(n_in):",
                "        dL_dX[i, k] = sum(dL_dZ[i, j] * W[k, j] for j in range(n_out))",
                "dL_db = dL_dZ.sum(axis=0)")),
        ],
    },
    "linear_forward": {
        "mutants": [
            Mutant("bias forgotten", _fwd("Z = X @ W"), "without the bias"),
            Mutant("bias subtracted", _fwd("Z = X @ W - b")),
            Mutant("output transposed", _fwd("Z = (X @ W + b).T"), "transposed"),
            Mutant("bias as a column", _fwd("Z = X @ W + b[:, None]")),
            Mutant("W transposed (X @ W.T)", _fwd("Z = X @ W.T + b"), "shape error"),
            Mutant("X transposed (X.T @ W)", _fwd("Z = X.T @ W + b"), "X's columns must match W's rows"),
            Mutant("bias summed to a scalar", _fwd("Z = X @ W + b.sum()")),
            Mutant("bias added to the first row only", _fwd("Z = X @ W\nZ[0] += b")),
        ],
        "valid": [
            Valid("einsum", _fwd("Z = np.einsum('mi,io->mo', X, W) + b")),
            Valid("np.dot and an explicit row axis", _fwd("Z = np.dot(X, W) + b[None, :]")),
            Valid("in-place bias", _fwd("Z = X @ W\nZ += b")),
        ],
    },
    "linear_backward": {
        "mutants": [
            Mutant("dW transposed (dZ.T @ X)", _bwd(dW="dL_dW = dL_dZ.T @ X"), "transposed"),
            Mutant("dW as X @ dZ.T", _bwd(dW="dL_dW = X @ dL_dZ.T")),
            Mutant("dW as X @ dZ (shape error)", _bwd(dW="dL_dW = X @ dL_dZ"), "dL_dW = X.T @ dL_dZ is (n_in, m)"),
            Mutant("dX transposed (W @ dZ.T)", _bwd(dX="dL_dX = W @ dL_dZ.T"), "transposed"),
            Mutant("dX with the opposite sign", _bwd(dX="dL_dX = -dL_dZ @ W.T"), "opposite sign"),
            Mutant("db not summed", _bwd(db="dL_db = dL_dZ"), "axis"),
            Mutant("db with keepdims", _bwd(db="dL_db = dL_dZ.sum(axis=0, keepdims=True)"), "keepdims"),
            Mutant("db summed over the wrong axis", _bwd(db="dL_db = dL_dZ.sum(axis=1)"), "axis"),
            Mutant("db averaged instead of summed", _bwd(db="dL_db = dL_dZ.mean(axis=0)"), "m times too small"),
            Mutant("dW divided by m", _bwd(dW="dL_dW = X.T @ dL_dZ / X.shape[0]"), "m times too small"),
            Mutant("bias gradient forgotten", _bwd(db="dL_db = np.zeros(W.shape[1])"), "all zeros"),
            Mutant("= instead of += over the batch", _bwd(db="dL_db = np.zeros(W.shape[1])\nfor row in dL_dZ:\n    dL_db = row")),
            Mutant("dW ignores the upstream gradient", _bwd(dW="dL_dW = X.T @ np.ones_like(dL_dZ)")),
        ],
        "valid": [
            Valid("einsum", _bwd("dL_dX = np.einsum('mo,io->mi', dL_dZ, W)", "dL_dW = np.einsum('mi,mo->io', X, dL_dZ)",
                                 "dL_db = np.einsum('mo->o', dL_dZ)")),
            Valid("+= over the rows of the batch", _bwd(db="dL_db = np.zeros(W.shape[1])\nfor row in dL_dZ:\n    dL_db += row")),
            Valid("transpose of a product", _bwd(dX="dL_dX = (W @ dL_dZ.T).T", dW="dL_dW = (dL_dZ.T @ X).T",
                                                 db="dL_db = np.ones(X.shape[0]) @ dL_dZ")),
        ],
    },
    "relu_backward": {
        "mutants": [
            Mutant("ReLU masks by the gradient, not by Z", _act(relu="dL_dZ = dL_dA * (dL_dA > 0)")),
            Mutant("ReLU forgets the upstream gradient", _act(relu="dL_dZ = (Z > 0).astype(float)")),
            Mutant("ReLU multiplies by relu(Z)", _act(relu="dL_dZ = dL_dA * np.maximum(Z, 0)")),
            Mutant("ReLU with the opposite sign", _act(relu="dL_dZ = -dL_dA * (Z > 0)"), "opposite sign"),
            Mutant("sigmoid: a instead of z (sigma of A)", _act(sig="s = 1 / (1 + np.exp(-A))\ndL_dZ = dL_dA * s * (1 - s)")),
            Mutant("sigmoid with the opposite sign", _act(sig="dL_dZ = dL_dA * A * (A - 1)"), "opposite sign"),
            Mutant("sigmoid forgets the upstream gradient", _act(sig="dL_dZ = A * (1 - A)")),
            Mutant("sigmoid slope as 1 - A^2 (tanh's)", _act(sig="dL_dZ = dL_dA * (1 - A ** 2)")),
        ],
        "valid": [
            Valid("np.where", _act(relu="dL_dZ = np.where(Z > 0, dL_dA, 0.0)", sig="dL_dZ = dL_dA * (A - A ** 2)")),
            Valid("in place on the upstream gradient", _act(relu="dL_dA[Z <= 0] = 0\ndL_dZ = dL_dA",
                                                            sig="dL_dA *= A\ndL_dA *= 1 - A\ndL_dZ = dL_dA")),
            Valid("float mask and np.multiply", _act(relu="dL_dZ = np.multiply(dL_dA, (Z > 0).astype(np.float32))")),
        ],
    },
    "softmax_ce_backward": {
        "mutants": [
            Mutant("missing 1/m", _ce("    dL_dlogits /= m\n", ""), "1/m"),
            Mutant("gradient with the opposite sign", _ce("    dL_dlogits /= m\n", "    dL_dlogits /= -m\n"), "subtract 1 at the true class"),
            Mutant("loss summed, not averaged", _ce(".mean()", ".sum()"), "1/m"),
            Mutant("loss with the opposite sign", _ce("L = -log_P", "L = log_P"), "minus the mean log-probability"),
            Mutant("no maximum subtracted", _ce("Z = logits - logits.max(axis=1, keepdims=True)", "Z = logits"), "overflow"),
            Mutant("maximum without keepdims", _ce("logits.max(axis=1, keepdims=True)", "logits.max(axis=1)")),
            Mutant("one subtracted from every class", _ce("dL_dlogits[np.arange(m), y] -= 1", "dL_dlogits -= 1")),
            Mutant("= instead of -= for the true class", _ce("dL_dlogits[np.arange(m), y] -= 1", "dL_dlogits[np.arange(m), y] = -1")),
            Mutant("true class never subtracted", _ce("    dL_dlogits[np.arange(m), y] -= 1\n", "")),
            Mutant("divided by m twice", _ce("    dL_dlogits /= m\n", "    dL_dlogits /= m * m\n"), "twice"),
        ],
        "valid": [
            Valid("float32 one-hot matrix", _ce("    dL_dlogits[np.arange(m), y] -= 1\n",
                                                "    dL_dlogits -= np.eye(logits.shape[1], dtype=np.float32)[y]\n")),
            Valid("probabilities by division", _ce("dL_dlogits = np.exp(log_P)",
                                                   "dL_dlogits = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)")),
            Valid("einsum for the loss", _ce("L = -log_P[np.arange(m), y].mean()",
                                             "L = -np.einsum('mk,mk->', np.eye(logits.shape[1])[y], log_P) / m")),
        ],
    },
    "mlp": {
        "mutants": [
            Mutant("backward in forward order", _mlp(backward="grad = dL_dlogits\nfor layer in self.layers:\n    grad = layer.backward(grad)"), "in reverse"),
            Mutant("backward not chained", _mlp(backward="grad = dL_dlogits\nfor layer in reversed(self.layers):\n    layer.backward(grad)")),
            Mutant("every layer gets dL_dlogits", _mlp(backward="for layer in reversed(self.layers):\n    grad = layer.backward(dL_dlogits)")),
            Mutant("forward skips the ReLUs", _mlp(forward="for layer in self.layers[::2]:\n    X = layer.forward(X)")),
            Mutant("forward stops before the last layer", _mlp(forward="for layer in self.layers[:-1]:\n    X = layer.forward(X)")),
            Mutant("params() returns copies", _mlp(params="return [p.copy() for layer in self.layers if isinstance(layer, Linear) for p in (layer.W, layer.b)]"), "copies"),
            Mutant("params() only the weights", _mlp(params="return [layer.W for layer in self.layers if isinstance(layer, Linear)]"), "copies"),
            Mutant("grads() in the order b, W", _mlp(grads="return [g for layer in self.layers if isinstance(layer, Linear) for g in (layer.dL_db, layer.dL_dW)]")),
            Mutant("grads() returns the params", _mlp(grads="return self.params()")),
            Mutant("grads() of the last layer only", _mlp(grads="last = self.layers[-1]\nreturn [last.dL_dW, last.dL_db]")),
        ],
        "valid": [
            Valid("functools.reduce and an index loop", _mlp(
                forward="import functools\nX = functools.reduce(lambda a, layer: layer.forward(a), self.layers, X)",
                backward="grad = dL_dlogits\nfor i in range(len(self.layers) - 1, -1, -1):\n    grad = self.layers[i].backward(grad)")),
            Valid("lists built with extend", _mlp(
                params="out = []\nfor layer in self.layers:\n    if isinstance(layer, Linear):\n        out.extend([layer.W, layer.b])\nreturn out",
                grads="out = []\nfor layer in self.layers:\n    if hasattr(layer, 'dL_dW'):\n        out += [layer.dL_dW, layer.dL_db]\nreturn out")),
            Valid("generators", _mlp(
                params="for layer in self.layers:\n    if isinstance(layer, Linear):\n        yield layer.W\n        yield layer.b",
                grads="for layer in self.layers:\n    if isinstance(layer, Linear):\n        yield from (layer.dL_dW, layer.dL_db)")),
        ],
    },
    "planted_fix": {
        "mutants": [
            Mutant("the planted bug kept: sigmoid of -Z", _fix("dL_dZ = dL_dA / (1 + np.exp(Z))")),
            Mutant("the layer below named (Act1), with its right slope", _fix("dL_dZ = dL_dA * (1 - A ** 2)", "Act1")),
            Mutant("the layer above named (Act3), with its right slope",
                   _fix("s = 1 / (1 + np.exp(-Z))\ndL_dZ = dL_dA * s * (1 + Z * (1 - s))", "Act3")),
            Mutant("the right fix, but no layer named", _fix(layer="")),
            Mutant("the layer named by its number", _fix(layer=2)),
            Mutant("the sigmoid's own derivative", _fix("s = 1 / (1 + np.exp(-Z))\ndL_dZ = dL_dA * s * (1 - s)")),
            Mutant("the forward pass instead of its slope", _fix("dL_dZ = dL_dA * np.logaddexp(0.0, Z)")),
            Mutant("upstream gradient forgotten", _fix("dL_dZ = 1 / (1 + np.exp(-Z))")),
            Mutant("opposite sign", _fix("dL_dZ = -dL_dA / (1 + np.exp(-Z))"), "opposite sign"),
            Mutant("ReLU's slope", _fix("dL_dZ = dL_dA * (Z > 0)")),
            Mutant("e^Z without the denominator", _fix("dL_dZ = dL_dA * np.exp(Z)")),
            Mutant("the sigmoid taken of the output A", _fix("dL_dZ = dL_dA / (1 + np.exp(-A))")),
        ],
        "valid": [
            Valid("stable sigmoid by logaddexp", _fix("dL_dZ = dL_dA * np.exp(-np.logaddexp(0.0, -Z))")),
            Valid("tanh identity", _fix("dL_dZ = dL_dA * 0.5 * (1 + np.tanh(Z / 2))")),
            Valid("e^Z / (1 + e^Z)", _fix("e = np.exp(Z)\ndL_dZ = dL_dA * e / (1 + e)")),
            Valid("written with the output A: 1 - e^-A", _fix("dL_dZ = dL_dA * (1 - np.exp(-A))")),
            Valid("the name in lower case, with spaces", _fix(layer=" act2 ")),
        ],
    },
    "quiz": quiz(('b', 'a', 'b'), [
        ('q1 the shape of Z', ('a', 'a', 'b')),
        ('q1 transposed', ('c', 'a', 'b')),
        ('q2 because of the mean', ('b', 'b', 'b')),
        ('q3 order does not matter', ('b', 'a', 'c')),
    ]),
}
