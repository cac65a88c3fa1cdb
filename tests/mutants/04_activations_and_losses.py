"""Known-wrong and valid answers for notebook 04-activations-and-losses."""
from tests.mutants.catalogue import Mutant, Valid, quiz


def _sigmoid(forward, prime="return a * (1 - a)"):
    indent = lambda body: "".join(f"    {line}\n" for line in body.splitlines())  # noqa: E731
    return ("def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n" + indent(forward)
            + "\n\ndef sigmoid_prime(a):\n" + indent(prime))


STABLE = "e = np.exp(-np.abs(z))\nreturn np.where(z >= 0, 1 / (1 + e), e / (1 + e))"


def _tanh(forward="return 2 * sigmoid(2 * np.asarray(z, dtype=float)) - 1", prime="return 1 - a ** 2"):
    return f"def tanh(z):\n    {forward}\n\n\ndef tanh_prime(a):\n" + "".join(f"    {x}\n" for x in prime.splitlines())


def _relu(relu="np.maximum(z, 0.0)", prime="(a > 0).astype(float)", leaky="np.where(z > 0, z, alpha * z)",
          leaky_prime="np.where(a > 0, 1.0, alpha)"):
    return (f"def relu(z):\n    return {relu}\n\n\ndef relu_prime(a):\n    return {prime}\n\n\n"
            f"def leaky_relu(z, alpha=0.01):\n    return {leaky}\n\n\n"
            f"def leaky_relu_prime(a, alpha=0.01):\n    return {leaky_prime}\n")


def _slopes(first, after):
    return f"max_sigmoid_slope = {first}\nslope_after_10_layers = {after}\n"


def _softmax(body):
    return "def softmax(Z):\n" + "".join(f"    {line}\n" for line in body.splitlines())


def _ce(expr):
    return f"def cross_entropy(P, Y):\n    m = P.shape[0]\n    return {expr}\n"


def _jac(*body):
    return ("def softmax_jacobian(z):\n    p = softmax(np.asarray(z, dtype=float)[None, :])[0]\n"
            + "".join(f"    {line}\n" for line in body) + "    return J\n")


def _bce(loss="np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))", grad="(sigmoid(z) - y) / m"):
    return f"def bce_with_logits(z, y):\n    m = z.shape[0]\n    L = {loss}\n    dL_dz = {grad}\n    return L, dL_dz\n"


def _ce_grad(expr):
    return f"def softmax_ce_grad(Z, Y):\n    m = Z.shape[0]\n    dL_dZ = {expr}\n    return dL_dZ\n"


def _mse(expr):
    return f"def mse_grad(Y_hat, Y):\n    m = Y_hat.shape[0]\n    dL_dY_hat = {expr}\n    return dL_dY_hat\n"



EXERCISES = {
    "sigmoid": {
        "mutants": [
            Mutant("unstable sigmoid 1/(1+exp(-z))", _sigmoid("return 1 / (1 + np.exp(-z))"), "overflow"),
            Mutant("unstable exp(z)/(1+exp(z))", _sigmoid("return np.exp(z) / (1 + np.exp(z))"), "overflow"),
            Mutant("sigmoid applied to a again (the z convention)", _sigmoid(STABLE, "s = sigmoid(a)\nreturn s * (1 - s)"),
                   "already the output"),
            Mutant("derivative with the opposite sign", _sigmoid(STABLE, "return a * (a - 1)"), "opposite sign"),
            Mutant("derivative missing (1 - a)", _sigmoid(STABLE, "return a")),
            Mutant("derivative 1 - a^2 (tanh's)", _sigmoid(STABLE, "return 1 - a ** 2")),
            Mutant("branches swapped", _sigmoid("e = np.exp(-np.abs(z))\nreturn np.where(z < 0, 1 / (1 + e), e / (1 + e))")),
            Mutant("np.where over two naive branches", _sigmoid("return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))"), "overflow"),
            Mutant("derivative a^2 - a (sign)", _sigmoid(STABLE, "return a ** 2 - a"), "opposite sign"),
        ],
        "valid": [
            Valid("logaddexp", _sigmoid("return np.exp(-np.logaddexp(0, -z))")),
            Valid("tanh identity, a - a^2", _sigmoid("return 0.5 * (1 + np.tanh(z / 2))", "return a - a ** 2")),
            Valid("clipped exponent, in-place", _sigmoid("out = np.exp(-np.clip(z, -500, 500))\nout += 1\nreturn 1 / out")),
        ],
    },
    "tanh": {
        "mutants": [
            Mutant("tanh applied to a again (the z convention)", _tanh(prime="t = tanh(a)\nreturn 1 - t ** 2"), "already the output"),
            Mutant("missing square: 1 - a", _tanh(prime="return 1 - a")),
            Mutant("opposite sign: a^2 - 1", _tanh(prime="return a ** 2 - 1"), "opposite sign"),
            Mutant("2 sigmoid(z) - 1", _tanh(forward="return 2 * sigmoid(z) - 1")),
            Mutant("sigmoid(2z) without the 2", _tanh(forward="return sigmoid(2 * np.asarray(z, dtype=float)) - 0.5")),
            Mutant("sigmoid's derivative formula", _tanh(prime="return a * (1 - a)")),
            Mutant("twice the derivative", _tanh(prime="return 2 * (1 - a ** 2)"), "twice"),
            Mutant("a right tanh on a wrong sigmoid", "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n\n\n" + _tanh(), "failing above"),
        ],
        "valid": [
            Valid("np.tanh", _tanh(forward="return np.tanh(z)")),
            Valid("(1 - a)(1 + a)", _tanh(prime="return (1 - a) * (1 + a)")),
            Valid("stable exponentials", _tanh(forward="e = np.exp(-2 * np.abs(z))\n    return np.sign(z) * (1 - e) / (1 + e)")),
        ],
    },
    "relu": {
        "mutants": [
            Mutant("relu_prime returns relu(a)", _relu(prime="np.maximum(a, 0.0)")),
            Mutant("relu_prime a >= 0 (true for every output)", _relu(prime="(a >= 0).astype(float)"), "not a >= 0"),
            Mutant("relu = |z|", _relu(relu="np.abs(z)")),
            Mutant("leaky derivative forgets alpha", _relu(leaky_prime="(a > 0).astype(float)")),
            Mutant("leaky derivative alpha * a", _relu(leaky_prime="np.where(a > 0, 1.0, alpha * a)")),
            Mutant("leaky alpha hard-coded 0.01", _relu(leaky="np.where(z > 0, z, 0.01 * z)")),
            Mutant("leaky alpha on both sides", _relu(leaky="alpha * z", leaky_prime="alpha * np.ones_like(a)")),
            Mutant("relu_prime sign flipped", _relu(prime="-(a > 0).astype(float)"), "opposite sign"),
        ],
        "valid": [
            Valid("np.heaviside(a, 0)", _relu(prime="np.heaviside(a, 0.0)")),
            Valid("a boolean array (exact 0 and 1)", _relu(prime="a > 0")),
            Valid("masks and max", _relu(relu="z * (z > 0)", leaky="np.maximum(z, alpha * z)",
                                         leaky_prime="alpha + (1 - alpha) * (a > 0)")),
            Valid("np.clip, np.sign", _relu(relu="np.clip(z, 0, None)", prime="np.sign(a)",
                                            leaky_prime="np.where(a > 0, 1, alpha).astype(float)")),
        ],
    },
    "sigmoid_max": {
        "mutants": [
            Mutant("sigmoid(0) instead of its slope", _slopes(0.5, "0.5 ** 10"), "value at z = 0"),
            Mutant("slope 1", _slopes(1.0, 1.0)),
            Mutant("ten layers multiplied, not powered", _slopes(0.25, "0.25 * 10")),
            Mutant("ten layers added", _slopes(0.25, "0.25 + 10")),
            Mutant("not answered", _slopes(None, None), "None"),
            Mutant("slope at z = 1", _slopes("float(sigmoid_prime(sigmoid(1.0)))", "float(sigmoid_prime(sigmoid(1.0))) ** 10")),
            Mutant("rounded", _slopes(0.25, "0.000001")),
        ],
        "valid": [
            Valid("computed from sigmoid_prime", _slopes("float(sigmoid_prime(0.5))", "max_sigmoid_slope ** 10")),
            Valid("numpy maximum over a grid", "max_sigmoid_slope = np.max(sigmoid_prime(sigmoid(np.linspace(-5, 5, 1001))))\n"
                  "slope_after_10_layers = np.prod([max_sigmoid_slope] * 10)\n"),
        ],
    },
    "softmax": {
        "mutants": [
            Mutant("no max subtracted", _softmax("E = np.exp(Z)\nreturn E / E.sum(axis=1, keepdims=True)"), "overflow"),
            Mutant("normalised along axis=0", _softmax("E = np.exp(Z - Z.max(axis=0, keepdims=True))\nreturn E / E.sum(axis=0, keepdims=True)"), "axis"),
            Mutant("missing keepdims", _softmax("E = np.exp(Z - Z.max(axis=1))\nreturn E / E.sum(axis=1)"), "keepdims"),
            Mutant("one global maximum", _softmax("E = np.exp(Z - Z.max())\nreturn E / E.sum(axis=1, keepdims=True)")),
            Mutant("normalised by the global sum", _softmax("E = np.exp(Z - Z.max(axis=1, keepdims=True))\nreturn E / E.sum()"), "axis"),
            Mutant("max added instead of subtracted", _softmax("E = np.exp(Z + Z.max(axis=1, keepdims=True))\nreturn E / E.sum(axis=1, keepdims=True)"), "overflow"),
        ],
        "valid": [
            Valid("log-sum-exp", _softmax("S = Z - Z.max(axis=1, keepdims=True)\nreturn np.exp(S - np.log(np.exp(S).sum(axis=1, keepdims=True)))")),
            Valid("in place, transposes", _softmax("E = Z.T - Z.max(axis=1)\nnp.exp(E, out=E)\nE /= E.sum(axis=0)\nreturn E.T")),
            Valid("einsum row sums", _softmax("E = np.exp((Z - Z.max(axis=1, keepdims=True)).astype(np.float64))\nreturn E / np.einsum('ij->i', E)[:, None]")),
        ],
    },
    "cross_entropy": {
        "mutants": [
            Mutant("sum instead of mean", _ce("-np.sum(Y * np.log(P))"), "1/m"),
            Mutant("opposite sign", _ce("np.sum(Y * np.log(P)) / m"), "minus the log-probability"),
            Mutant("mean over every entry", _ce("-np.mean(Y * np.log(P))")),
            Mutant("log10", _ce("-np.sum(Y * np.log10(P)) / m")),
            Mutant("labels ignored", _ce("-np.sum(np.log(P)) / m")),
            Mutant("divided by m twice", _ce("-np.sum(Y * np.log(P)) / m / m"), "twice"),
        ],
        "valid": [
            Valid("pick the true class", _ce("-np.mean(np.log(P[np.arange(m), Y.argmax(axis=1)]))")),
            Valid("einsum", _ce("-np.einsum('ij,ij->', Y, np.log(P)) / m")),
        ],
    },
    "softmax_jacobian": {
        "mutants": [
            Mutant("diagonal only (each p_i from z_i alone)", _jac("J = np.diag(p * (1 - p))"), "off-diagonal"),
            Mutant("the outer product only", _jac("J = -np.outer(p, p)")),
            Mutant("opposite sign", _jac("J = np.outer(p, p) - np.diag(p)"), "opposite sign"),
            Mutant("p (1 - p) in every entry", _jac("J = np.outer(p, 1 - p)")),
            Mutant("logits instead of probabilities", _jac("J = np.diag(z) - np.outer(z, z)")),
            Mutant("log-softmax's Jacobian", _jac("J = np.eye(len(p)) - np.outer(np.ones_like(p), p)")),
            Mutant("the vector p (1 - p)", _jac("J = p * (1 - p)")),
        ],
        "valid": [
            Valid("entry by entry", _jac("k = len(p)", "J = np.zeros((k, k))", "for i in range(k):", "    for j in range(k):",
                                         "        J[i, j] = p[i] * ((i == j) - p[j])")),
            Valid("np.diagflat and broadcasting", _jac("J = np.diagflat(p) - p[:, None] * p[None, :]")),
            Valid("own softmax, einsum", "def softmax_jacobian(z):\n    e = np.exp(z - np.max(z))\n    p = e / e.sum()\n"
                  "    J = np.einsum('i,ij->ij', p, np.eye(len(p))) - np.einsum('i,j->ij', p, p)\n    return J\n"),
        ],
    },
    "softmax_ce_grad": {
        "mutants": [
            Mutant("missing 1/m", _ce_grad("softmax(Z) - Y"), "1/m"),
            Mutant("opposite sign", _ce_grad("(Y - softmax(Z)) / m"), "P - Y (predicted minus true)"),
            Mutant("divided by m twice", _ce_grad("(softmax(Z) - Y) / m / m"), "twice"),
            Mutant("logits instead of probabilities", _ce_grad("(Z - Y) / m")),
            Mutant("summed over the batch", _ce_grad("(softmax(Z) - Y).sum(axis=0) / m")),
            Mutant("divided by every entry", _ce_grad("(softmax(Z) - Y) / Z.size")),
            Mutant("only the true class", _ce_grad("-Y * (1 - softmax(Z)) / m")),
            Mutant("a right formula on a softmax normalized over axis 0", "def softmax(Z):\n    E = np.exp(Z)\n    return E / E.sum(axis=0)\n\n\n"
                   + _ce_grad("(softmax(Z) - Y) / m"), "failing above"),
        ],
        "valid": [
            Valid("in place on the probabilities", _ce_grad("softmax(Z)\n    dL_dZ -= Y\n    dL_dZ /= m")),
            Valid("float32 labels", _ce_grad("(softmax(Z.astype(np.float64)) - Y.astype(np.float32)) * (1.0 / m)")),
        ],
    },
    "mse_grad": {
        "mutants": [
            Mutant("missing factor 2", _mse("(Y_hat - Y) / m"), "derivative of a square"),
            Mutant("missing 1/m", _mse("2 * (Y_hat - Y)"), "1/m"),
            Mutant("opposite sign", _mse("2 * (Y - Y_hat) / m"), "Y_hat - Y, not"),
            Mutant("mean over every entry", _mse("2 * (Y_hat - Y) / Y_hat.size")),
            Mutant("the loss, not its gradient", _mse("(Y_hat - Y) ** 2 / m")),
            Mutant("summed over the outputs", _mse("2 * (Y_hat - Y).sum(axis=1, keepdims=True) / m")),
        ],
        "valid": [
            Valid("np.multiply", _mse("np.multiply(2.0 / m, np.subtract(Y_hat, Y))")),
            Valid("in place", _mse("Y_hat - Y\n    dL_dY_hat *= 2 / m")),
        ],
    },
    "bce_with_logits": {
        "mutants": [
            Mutant("from the probabilities (log of 0)", _bce(loss="-np.mean(y * np.log(sigmoid(z)) + (1 - y) * np.log(1 - sigmoid(z)))"), "overflow"),
            Mutant("log(1 + e^z) unstable", _bce(loss="np.mean(np.log(1 + np.exp(z)) - y * z)"), "overflow"),
            Mutant("gradient without 1/m", _bce(grad="sigmoid(z) - y"), "1/m"),
            Mutant("gradient through the naive sigmoid", _bce(grad="(1 / (1 + np.exp(-z)) - y) / m"), "stable sigmoid"),
            Mutant("gradient with the opposite sign", _bce(grad="(y - sigmoid(z)) / m"), "predicted minus true"),
            Mutant("loss with the opposite sign", _bce(loss="-np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))"), "minus the log-probability"),
            Mutant("max(z, 0) forgotten", _bce(loss="np.mean(-y * z + np.log1p(np.exp(-np.abs(z))))")),
            Mutant("the y = 0 term forgotten", _bce(loss="np.mean(y * np.log1p(np.exp(-z)))")),
            Mutant("loss summed, not averaged", _bce(loss="np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))"), "1/m"),
        ],
        "valid": [
            Valid("np.logaddexp", _bce(loss="np.mean(np.logaddexp(0.0, z) - y * z)")),
            Valid("per-class form with logaddexp", _bce(loss="np.mean(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))",
                                                       grad="(1 / (1 + np.exp(-np.clip(z, -500, 500))) - y) / m")),
        ],
    },
    "quiz": quiz(('b', 'b', 'a'), [
        ('q1 multiplied', ('a', 'b', 'a')),
        ('q2 more accurate', ('b', 'a', 'a')),
        ('q3 sign', ('b', 'b', 'b')),
        ('q3 probabilities', ('b', 'b', 'c')),
    ]),
}
