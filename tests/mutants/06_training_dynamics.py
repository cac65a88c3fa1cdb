"""Known-wrong and valid answers for notebook 06-training-dynamics."""
from tests.mutants.catalogue import Mutant, Valid, quiz


def _lines(body, indent="    "):
    return "".join(f"{indent}{line}\n" for line in body)


def _minibatches(*body):
    return "def minibatches(X, y, batch_size, rng):\n    m = X.shape[0]\n" + _lines(body)


SLICES = ["for start in range(0, m, batch_size):", "    idx = order[start:start + batch_size]", "    yield X[idx], y[idx]"]

MINIBATCHES = {
    "mutants": [
        Mutant("drops the last partial batch", _minibatches("order = rng.permutation(m)", "for start in range(0, m - batch_size + 1, batch_size):",
                                                            "    idx = order[start:start + batch_size]", "    yield X[idx], y[idx]"), "partial"),
        Mutant("does not shuffle", _minibatches("order = np.arange(m)", *SLICES), "shuffle"),
        Mutant("shuffles X and y separately", _minibatches("ox, oy = rng.permutation(m), rng.permutation(m)", "for start in range(0, m, batch_size):",
                                                           "    yield X[ox[start:start + batch_size]], y[oy[start:start + batch_size]]"), "same permutation"),
        Mutant("shuffles X but not y", _minibatches("order = rng.permutation(m)", "for start in range(0, m, batch_size):",
                                                    "    yield X[order[start:start + batch_size]], y[start:start + batch_size]"), "same permutation"),
        Mutant("a fresh rng with seed 0 in every call", _minibatches("order = np.random.default_rng(0).permutation(m)", *SLICES)),
        Mutant("the global, unseeded np.random", _minibatches("order = np.random.permutation(m)", *SLICES)),
        Mutant("slices one short", _minibatches("order = rng.permutation(m)", "for start in range(0, m, batch_size):",
                                                "    idx = order[start:start + batch_size - 1]", "    yield X[idx], y[idx]")),
        Mutant("one example per batch (batch_size ignored)", _minibatches("order = rng.permutation(m)", "for i in order:",
                                                                          "    yield X[[i]], y[[i]]"), "slices of batch_size"),
        Mutant("yields the indices", _minibatches("order = rng.permutation(m)", "for start in range(0, m, batch_size):",
                                                  "    yield order[start:start + batch_size], order[start:start + batch_size]")),
    ],
    "valid": [
        Valid("shuffled copies, then slices", _minibatches("order = rng.permutation(m)", "X_s, y_s = X[order], y[order]",
                                                           "for start in range(0, m, batch_size):", "    yield X_s[start:start + batch_size], y_s[start:start + batch_size]")),
        Valid("np.array_split at multiples of batch_size", _minibatches("order = rng.permutation(m)",
                                                                        "for idx in np.array_split(order, range(batch_size, m, batch_size)):", "    yield X[idx], y[idx]")),
        Valid("returns a list instead of yielding", _minibatches("order = rng.permutation(m)",
                                                                 "return [(X[order[s:s + batch_size]], y[order[s:s + batch_size]]) for s in range(0, m, batch_size)]")),
    ],
}


def _optim(sgd_step="next_w = w - config['learning_rate'] * dw",
           momentum=("v = config['momentum'] * v - config['learning_rate'] * dw", "next_w = w + v"),
           store="config['velocity'] = v"):
    return ("def sgd(w, dw, config):\n    config.setdefault('learning_rate', 1e-2)\n" + _lines([sgd_step])
            + "    return next_w, config\n\n\ndef sgd_momentum(w, dw, config):\n    config.setdefault('learning_rate', 1e-2)\n"
            "    config.setdefault('momentum', 0.9)\n    v = config.get('velocity', np.zeros_like(w))\n"
            + _lines(momentum) + _lines([store]) + "    return next_w, config\n")


SGD_MOMENTUM = {
    "mutants": [
        Mutant("sgd steps uphill", _optim(sgd_step="next_w = w + config['learning_rate'] * dw"), "uphill"),
        Mutant("momentum with the opposite sign", _optim(momentum=("v = config['momentum'] * v + config['learning_rate'] * dw", "next_w = w + v")), "uphill"),
        Mutant("momentum: w - v", _optim(momentum=("v = config['momentum'] * v - config['learning_rate'] * dw", "next_w = w - v")), "uphill"),
        Mutant("momentum subtracts the old velocity", _optim(momentum=("v = -config['momentum'] * v - config['learning_rate'] * dw", "next_w = w + v")),
               "plus beta * v"),
        Mutant("velocity never stored", _optim(store="pass")),
        Mutant("Nesterov look-ahead instead of classical momentum",
               _optim(momentum=("v = config['momentum'] * v - config['learning_rate'] * dw", "next_w = w + config['momentum'] * v - config['learning_rate'] * dw"))),
        Mutant("dampened by 1 - beta", _optim(momentum=("v = config['momentum'] * v - (1 - config['momentum']) * config['learning_rate'] * dw", "next_w = w + v"))),
        Mutant("sgd ignores the configured learning rate", _optim(sgd_step="next_w = w - 1e-2 * dw")),
        Mutant("beta and lr swapped", _optim(momentum=("v = config['learning_rate'] * v - config['momentum'] * dw", "next_w = w + v"))),
    ],
    "valid": [
        Valid("PyTorch convention: v without the learning rate",
              _optim(momentum=("v = config['momentum'] * v + dw", "next_w = w - config['learning_rate'] * v"))),
        Valid("in-place updates", _optim(sgd_step="w -= config['learning_rate'] * dw; next_w = w",
                                         momentum=("v = v * config['momentum']", "v -= config['learning_rate'] * dw", "w += v", "next_w = w"))),
        Valid("velocity along the gradient, subtracted", _optim(momentum=("v = config['momentum'] * v + config['learning_rate'] * dw", "next_w = w - v"))),
        Valid("float32 gradients upcast first", _optim(sgd_step="next_w = w - config['learning_rate'] * np.asarray(dw, dtype=np.float64)")),
    ],
}


def _rmsprop(*body):
    return ("def rmsprop(w, dw, config):\n    config.setdefault('learning_rate', 1e-2)\n    config.setdefault('decay_rate', 0.99)\n"
            "    config.setdefault('epsilon', 1e-8)\n    config.setdefault('cache', np.zeros_like(w))\n"
            "    rho, eps, lr = config['decay_rate'], config['epsilon'], config['learning_rate']\n" + _lines(body) + "    return next_w, config\n")


CACHE = "config['cache'] = rho * config['cache'] + (1 - rho) * dw ** 2"

RMSPROP = {
    "mutants": [
        Mutant("no square root", _rmsprop(CACHE, "next_w = w - lr * dw / (config['cache'] + eps)")),
        Mutant("epsilon inside the square root", _rmsprop(CACHE, "next_w = w - lr * dw / np.sqrt(config['cache'] + eps)"), "outside the square root"),
        Mutant("no 1 - rho on the new term", _rmsprop("config['cache'] = rho * config['cache'] + dw ** 2", "next_w = w - lr * dw / (np.sqrt(config['cache']) + eps)")),
        Mutant("cache never stored", _rmsprop("cache = rho * config['cache'] + (1 - rho) * dw ** 2", "next_w = w - lr * dw / (np.sqrt(cache) + eps)")),
        Mutant("rho and 1 - rho swapped", _rmsprop("config['cache'] = (1 - rho) * config['cache'] + rho * dw ** 2", "next_w = w - lr * dw / (np.sqrt(config['cache']) + eps)")),
        Mutant("steps uphill", _rmsprop(CACHE, "next_w = w + lr * dw / (np.sqrt(config['cache']) + eps)"), "opposite sign"),
        Mutant("running mean of |dw|", _rmsprop("config['cache'] = rho * config['cache'] + (1 - rho) * np.abs(dw)", "next_w = w - lr * dw / (np.sqrt(config['cache']) + eps)")),
    ],
    "valid": [
        Valid("in-place cache", _rmsprop("cache = config['cache']", "cache *= rho", "cache += (1 - rho) * dw * dw",
                                         "next_w = w - lr * dw / (np.sqrt(cache) + eps)")),
        Valid("numpy functions", _rmsprop("config['cache'] = np.add(rho * config['cache'], (1 - rho) * np.square(dw))",
                                          "next_w = np.subtract(w, lr * np.divide(dw, np.sqrt(config['cache']) + eps))")),
    ],
}


def _adam(*body):
    return ("def adam(w, dw, config):\n    config.setdefault('learning_rate', 1e-3)\n    config.setdefault('beta1', 0.9)\n"
            "    config.setdefault('beta2', 0.999)\n    config.setdefault('epsilon', 1e-8)\n    config.setdefault('m', np.zeros_like(w))\n"
            "    config.setdefault('v', np.zeros_like(w))\n    config.setdefault('t', 0)\n"
            "    b1, b2, lr, eps = config['beta1'], config['beta2'], config['learning_rate'], config['epsilon']\n"
            + _lines(body) + "    return next_w, config\n")


MV = ["config['m'] = b1 * config['m'] + (1 - b1) * dw", "config['v'] = b2 * config['v'] + (1 - b2) * dw ** 2"]
STEP = ["m_hat = config['m'] / (1 - b1 ** t)", "v_hat = config['v'] / (1 - b2 ** t)", "next_w = w - lr * m_hat / (np.sqrt(v_hat) + eps)"]

ADAM = {
    "mutants": [
        Mutant("t incremented after use", _adam("t = config['t']", *MV, *STEP, "config['t'] += 1"), "step counter"),
        Mutant("no bias correction", _adam("config['t'] += 1", *MV, "next_w = w - lr * config['m'] / (np.sqrt(config['v']) + eps)"), "bias correction"),
        Mutant("t incremented twice", _adam("config['t'] += 2", "t = config['t']", *MV, *STEP)),
        Mutant("beta1 in both corrections", _adam("config['t'] += 1", "t = config['t']", *MV, "m_hat = config['m'] / (1 - b1 ** t)",
                                                  "v_hat = config['v'] / (1 - b1 ** t)", "next_w = w - lr * m_hat / (np.sqrt(v_hat) + eps)")),
        Mutant("m and v never stored", _adam("config['t'] += 1", "t = config['t']", "m = b1 * config['m'] + (1 - b1) * dw", "v = b2 * config['v'] + (1 - b2) * dw ** 2",
                                             "next_w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)")),
        Mutant("steps uphill", _adam("config['t'] += 1", "t = config['t']", *MV, *STEP[:2], "next_w = w + lr * m_hat / (np.sqrt(v_hat) + eps)"), "opposite sign"),
        Mutant("epsilon inside the square root", _adam("config['t'] += 1", "t = config['t']", *MV, *STEP[:2],
                                                       "next_w = w - lr * m_hat / np.sqrt(v_hat + eps)"), "outside the square root"),
        Mutant("no square root of v_hat", _adam("config['t'] += 1", "t = config['t']", *MV, *STEP[:2], "next_w = w - lr * m_hat / (v_hat + eps)")),
        Mutant("t incremented locally, never stored", _adam("t = config['t'] + 1", *MV, *STEP)),
        Mutant("t clamped to 1, incremented after use", _adam("t = max(config['t'], 1)", *MV, *STEP, "config['t'] = t"), "step counter"),
    ],
    "valid": [
        Valid("t read, then stored", _adam("t = config['t'] + 1", "config['t'] = t", *MV, *STEP)),
        Valid("in-place m and v", _adam("config['t'] += 1", "t = config['t']", "m, v = config['m'], config['v']", "m *= b1", "m += (1 - b1) * dw",
                                        "v *= b2", "v += (1 - b2) * dw * dw", *STEP)),
        Valid("Kingma and Ba's step size form", _adam("config['t'] += 1", "t = config['t']", *MV,
                                                      "lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)",
                                                      "next_w = w - lr_t * config['m'] / (np.sqrt(config['v']) + eps * np.sqrt(1 - b2 ** t))")),
    ],
}


def _clip(*body):
    return "def clip_by_global_norm(grads, max_norm):\n" + _lines(body) + "    return clipped, norm\n"


NORM = "norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))"

CLIP = {
    "mutants": [
        Mutant("per-tensor clipping", _clip(NORM, "clipped = [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]"), "same factor"),
        Mutant("clips when below the threshold too", _clip(NORM, "clipped = [g * (max_norm / norm) for g in grads]"), "unchanged"),
        Mutant("sum of squares without the root", _clip("norm = sum(np.sum(g ** 2) for g in grads)",
                                                        "clipped = [g * (max_norm / norm) for g in grads] if norm > max_norm else list(grads)")),
        Mutant("factor inverted", _clip(NORM, "clipped = [g * (norm / max_norm) for g in grads] if norm > max_norm else list(grads)")),
        Mutant("returns the norm after clipping", _clip("total = np.sqrt(sum(np.sum(g ** 2) for g in grads))",
                                                        "clipped = [g * (max_norm / total) for g in grads] if total > max_norm else list(grads)",
                                                        "norm = min(total, max_norm)")),
        Mutant("clips each entry by value", _clip(NORM, "clipped = [np.clip(g, -max_norm, max_norm) for g in grads]")),
        Mutant("the largest entry as the norm", _clip("norm = max(np.max(np.abs(g)) for g in grads)",
                                                      "clipped = [g * (max_norm / norm) for g in grads] if norm > max_norm else list(grads)")),
    ],
    "valid": [
        Valid("in-place scaling", _clip(NORM, "if norm > max_norm:", "    for g in grads:", "        g *= max_norm / norm", "clipped = grads")),
        Valid("one concatenated vector", _clip("norm = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads]))",
                                               "scale = min(1.0, max_norm / norm)", "clipped = [scale * g for g in grads]")),
    ],
}


def _l2(loss, grad):
    return f"def l2_penalty(weights, lam):\n    L2 = {loss}\n    dL2_dW = {grad}\n    return L2, dL2_dW\n"


LOSS, GRAD = "0.5 * lam * sum(np.sum(W ** 2) for W in weights)", "[lam * W for W in weights]"

L2_PENALTY = {
    "mutants": [
        Mutant("no 1/2 in loss and gradient", _l2("lam * sum(np.sum(W ** 2) for W in weights)", "[2 * lam * W for W in weights]"), "twice"),
        Mutant("gradient 2 lam W", _l2(LOSS, "[2 * lam * W for W in weights]"), "twice"),
        Mutant("lambda forgotten in the loss", _l2("0.5 * sum(np.sum(W ** 2) for W in weights)", GRAD)),
        Mutant("L1 instead of L2", _l2("lam * sum(np.sum(np.abs(W)) for W in weights)", "[lam * np.sign(W) for W in weights]")),
        Mutant("only the first matrix", _l2("0.5 * lam * np.sum(weights[0] ** 2)", GRAD)),
        Mutant("gradient sign", _l2(LOSS, "[-lam * W for W in weights]"), "opposite sign"),
        Mutant("mean instead of sum", _l2("0.5 * lam * sum(np.mean(W ** 2) for W in weights)", GRAD)),
    ],
    "valid": [
        Valid("squared Frobenius norm", _l2("lam / 2 * sum(np.linalg.norm(W) ** 2 for W in weights)", "[W * lam for W in weights]")),
        Valid("vdot and float64 copies", _l2("0.5 * lam * sum(float(np.vdot(W, W)) for W in weights)",
                                             "[lam * np.array(W, dtype=np.float64) for W in weights]")),
    ],
}


def _dropout(forward, backward=("return dL_dY * self.mask",)):
    return ("class Dropout:\n    def __init__(self, keep, rng):\n        self.keep, self.rng, self.mask = keep, rng, None\n\n"
            "    def forward(self, X, train=True):\n" + _lines(forward, " " * 8)
            + "\n    def backward(self, dL_dY):\n" + _lines(backward, " " * 8))


EVAL = "if not train:", "    return X"
MASK = "self.mask = (self.rng.random(X.shape) < self.keep) / self.keep"

DROPOUT = {
    "mutants": [
        Mutant("draws a new mask in backward", _dropout((*EVAL, MASK, "return X * self.mask"),
                                                        ("return dL_dY * ((self.rng.random(dL_dY.shape) < self.keep) / self.keep)",)), "reuse the mask"),
        Mutant("not inverted: no 1/keep", _dropout((*EVAL, "self.mask = (self.rng.random(X.shape) < self.keep) * 1.0", "return X * self.mask")), "divided by keep"),
        Mutant("active in eval mode", _dropout((MASK, "return X * self.mask")), "eval"),
        Mutant("eval mode scales by keep", _dropout(("if not train:", "    return X * self.keep", MASK, "return X * self.mask")), "eval"),
        Mutant("drops with probability keep", _dropout((*EVAL, "self.mask = (self.rng.random(X.shape) >= self.keep) / self.keep", "return X * self.mask"))),
        Mutant("backward with the unscaled mask", _dropout((*EVAL, "self.kept = self.rng.random(X.shape) < self.keep", "self.mask = self.kept / self.keep",
                                                            "return X * self.mask"), ("return dL_dY * self.kept",))),
        Mutant("backward ignores the mask", _dropout((*EVAL, MASK, "return X * self.mask"), ("return dL_dY",))),
        Mutant("the global, unseeded np.random", _dropout((*EVAL, "self.mask = (np.random.random(X.shape) < self.keep) / self.keep", "return X * self.mask"))),
    ],
    "valid": [
        Valid("np.where mask", _dropout((*EVAL, "kept = self.rng.random(X.shape) < self.keep", "self.mask = np.where(kept, 1.0 / self.keep, 0.0)",
                                         "return X * self.mask"))),
        Valid("train branch first, eval returns a copy", _dropout(("if train:", "    u = self.rng.random(X.shape)", "    self.mask = (u < self.keep).astype(np.float64) / self.keep",
                                                                   "    return np.multiply(X, self.mask)", "return X.copy()"))),
    ],
}


def _residual(forward="return X + self.F.forward(X)", backward=("return dL_dY + self.F.backward(dL_dY)",)):
    return ("class Residual:\n    def __init__(self, F):\n        self.F = F\n\n    def forward(self, X):\n" + _lines([forward], " " * 8)
            + "\n    def backward(self, dL_dY):\n" + _lines(backward, " " * 8))


RESIDUAL = {
    "mutants": [
        Mutant("forgets the skip gradient", _residual(backward=("return self.F.backward(dL_dY)",)), "skip path"),
        Mutant("forgets the branch gradient", _residual(backward=("return dL_dY",))),
        Mutant("forward without the skip", _residual(forward="return self.F.forward(X)")),
        Mutant("gradients multiplied", _residual(backward=("return dL_dY * self.F.backward(dL_dY)",))),
        Mutant("skip gradient counted twice", _residual(backward=("return 2 * dL_dY + self.F.backward(dL_dY)",))),
        Mutant("branch gradient subtracted", _residual(backward=("return dL_dY - self.F.backward(dL_dY)",))),
        Mutant("branch fed ones instead of dL_dY", _residual(backward=("return dL_dY + self.F.backward(np.ones_like(dL_dY))",))),
    ],
    "valid": [
        Valid("accumulate with +=", _residual(backward=("dL_dX = dL_dY.copy()", "dL_dX += self.F.backward(dL_dY)", "return dL_dX"))),
        Valid("np.add, branch first", _residual(forward="return np.add(self.F.forward(X), X)", backward=("return self.F.backward(dL_dY) + dL_dY",))),
    ],
}

def _sched(warm="lr0 * (t + 1) / warmup", decay="lr0 * 0.5 * (1 + np.cos(np.pi * (t - warmup) / (total - warmup)))", cond="t < warmup"):
    return f"def lr_at(t, lr0, warmup, total):\n    if {cond}:\n        return {warm}\n    return {decay}\n"


LR_SCHEDULE = {
    "mutants": [
        Mutant("warm-up one step late (t / warmup)", _sched(warm="lr0 * t / warmup"), "one step late"),
        Mutant("no warm-up", _sched(cond="False")),
        Mutant("the decay's value computed, not returned", _sched(decay="None"), "None"),
        Mutant("cosine without the 1/2", _sched(decay="lr0 * (1 + np.cos(np.pi * (t - warmup) / (total - warmup)))")),
        Mutant("decay over the whole run, not after the warm-up", _sched(decay="lr0 * 0.5 * (1 + np.cos(np.pi * t / total))")),
        Mutant("linear decay instead of cosine", _sched(decay="lr0 * (total - t) / (total - warmup)")),
        Mutant("cosine of 2 pi: back up at the end", _sched(decay="lr0 * 0.5 * (1 + np.cos(2 * np.pi * (t - warmup) / (total - warmup)))")),
        Mutant("decays to lr0 / 2, not 0", _sched(decay="lr0 * (0.75 + 0.25 * np.cos(np.pi * (t - warmup) / (total - warmup)))")),
    ],
    "valid": [
        Valid("math.cos and min", "import math\n\ndef lr_at(t, lr0, warmup, total):\n    warm = lr0 * min(1.0, (t + 1) / warmup)\n"
              "    if t < warmup:\n        return warm\n    return lr0 * (1 + math.cos(math.pi * (t - warmup) / (total - warmup))) / 2\n"),
        Valid("progress variable, np.where", "def lr_at(t, lr0, warmup, total):\n    progress = (t - warmup) / (total - warmup)\n"
              "    return float(np.where(t < warmup, lr0 * (t + 1) / warmup, lr0 * 0.5 * (1 + np.cos(np.pi * max(progress, 0.0)))))\n"),
    ],
}


def _bn_eval(body):
    return ("class BatchNormRunning(BatchNorm):\n    def __init__(self, n, eps=1e-5, rho=0.9):\n        super().__init__(n, eps)\n"
            "        self.rho, self.running_mu, self.running_var = rho, np.zeros(n), np.ones(n)\n\n"
            "    def forward(self, X, train=True):\n" + _lines(body, " " * 8))


EVAL_Y = "return self.gamma * (X - self.running_mu) / np.sqrt(self.running_var + self.eps) + self.beta"
UPDATE = ["self.running_mu = self.rho * self.running_mu + (1 - self.rho) * X.mean(axis=0)",
          "self.running_var = self.rho * self.running_var + (1 - self.rho) * X.var(axis=0)"]

BN_EVAL = {
    "mutants": [
        Mutant("eval mode uses the batch statistics", _bn_eval(["Y = super().forward(X)", "if train:", *("    " + u for u in UPDATE), "return Y"]),
               "running averages instead"),
        Mutant("rho and 1 - rho swapped", _bn_eval(["if not train:", "    " + EVAL_Y, "Y = super().forward(X)",
                                                    "self.running_mu = (1 - self.rho) * self.running_mu + self.rho * X.mean(axis=0)",
                                                    "self.running_var = (1 - self.rho) * self.running_var + self.rho * X.var(axis=0)", "return Y"])),
        Mutant("running std instead of variance", _bn_eval(["if not train:", "    " + EVAL_Y, "Y = super().forward(X)", UPDATE[0],
                                                            "self.running_var = self.rho * self.running_var + (1 - self.rho) * X.std(axis=0)", "return Y"])),
        Mutant("running averages updated in eval mode too", _bn_eval(["Y = super().forward(X) if train else " + EVAL_Y[len("return "):], *UPDATE, "return Y"]),
               "unchanged"),
        Mutant("running averages never updated", _bn_eval(["if not train:", "    " + EVAL_Y, "return super().forward(X)"])),
        Mutant("eval mode without epsilon", _bn_eval(["if not train:", "    return self.gamma * (X - self.running_mu) / np.sqrt(self.running_var) + self.beta",
                                                      "Y = super().forward(X)", *UPDATE, "return Y"])),
        Mutant("eval mode forgets gamma and beta", _bn_eval(["if not train:", "    return (X - self.running_mu) / np.sqrt(self.running_var + self.eps)",
                                                             "Y = super().forward(X)", *UPDATE, "return Y"])),
        Mutant("unbiased batch variance in the running average", _bn_eval(["if not train:", "    " + EVAL_Y, "Y = super().forward(X)", UPDATE[0],
                                                                          "self.running_var = self.rho * self.running_var + (1 - self.rho) * X.var(axis=0, ddof=1)", "return Y"])),
    ],
    "valid": [
        Valid("in-place updates, BatchNorm.forward by name", _bn_eval([
            "if train:", "    Y = BatchNorm.forward(self, X)", "    self.running_mu *= self.rho", "    self.running_mu += (1 - self.rho) * X.mean(axis=0)",
            "    self.running_var *= self.rho", "    self.running_var += (1 - self.rho) * X.var(axis=0)", "    return Y",
            "X_hat = (X - self.running_mu) / np.sqrt(self.running_var + self.eps)", "return self.gamma * X_hat + self.beta"])),
        Valid("statistics kept by the parent's forward", _bn_eval([
            "if not train:", "    " + EVAL_Y, "Y = super().forward(X)",
            "self.running_mu = self.rho * self.running_mu + (1 - self.rho) * self.mu",
            "self.running_var = self.rho * self.running_var + (1 - self.rho) * (self.std ** 2 - self.eps)", "return Y"])),
    ],
}


BN_STAGES_FWD = ("m = X.shape[0]", "mu = X.mean(axis=0)", "Xc = X - mu", "var = (Xc ** 2).mean(axis=0)", "s = np.sqrt(var + eps)",
                 "X_hat = Xc / s")
BN_STAGES = ["dL_dX_hat = gamma * dL_dY", "dL_dXc = dL_dX_hat / s", "dL_ds = -np.sum(dL_dX_hat * Xc, axis=0) / s ** 2",
             "dL_dvar = dL_ds / (2 * s)", "dL_dXc += 2 / m * Xc * dL_dvar", "dL_dmu = -np.sum(dL_dXc, axis=0)", "dL_dX = dL_dXc + dL_dmu / m"]


def _staged(*changes, stages=None):
    """The staged backward with stage lines replaced: changes are (index, new line) pairs."""
    body = list(BN_STAGES if stages is None else stages)
    for i, line in changes:
        body[i] = line
    return ("def batchnorm_backward_staged(dL_dY, X, gamma, eps=1e-5):\n" + _lines(BN_STAGES_FWD) + _lines(body)
            + "    return dL_dX\n")


BN_STAGED = {
    "mutants": [
        Mutant("mean and variance as constants", _staged(stages=["dL_dX = gamma * dL_dY / s"]), "as constants"),
        Mutant("= instead of += in stage 3", _staged((4, "dL_dXc = 2 / m * Xc * dL_dvar")), "not ="),
        Mutant("stage 4 without the 1/2 of the square root", _staged((3, "dL_dvar = dL_ds / s"))),
        Mutant("stage 5: the denominator path not summed over the batch", _staged((2, "dL_ds = -dL_dX_hat * Xc / s ** 2"))),
        Mutant("stage 5: the denominator path with the opposite sign", _staged((2, "dL_ds = np.sum(dL_dX_hat * Xc, axis=0) / s ** 2"))),
        Mutant("stage 2 with the opposite sign", _staged((5, "dL_dmu = np.sum(dL_dXc, axis=0)"))),
        Mutant("stage 1 without the 1/m", _staged((6, "dL_dX = dL_dXc + dL_dmu"))),
        Mutant("stage 1: the path through mu dropped", _staged((6, "dL_dX = dL_dXc"))),
        Mutant("gamma forgotten", _staged((0, "dL_dX_hat = dL_dY"))),
    ],
    "valid": [
        Valid("the compact formula", _staged(stages=["g = gamma * dL_dY",
                                                     "dL_dX = (g - g.mean(axis=0) - X_hat * (g * X_hat).mean(axis=0)) / s"])),
        Valid("CS231n's staging through var ** -1.5", _staged(stages=[
            "d_xhat = dL_dY * gamma", "d_var = np.sum(d_xhat * Xc, axis=0) * -0.5 * (var + eps) ** -1.5",
            "d_mu = -np.sum(d_xhat, axis=0) / s + d_var * np.mean(-2 * Xc, axis=0)",
            "dL_dX = d_xhat / s + d_var * 2 * Xc / m + d_mu / m"])),
        Valid("stages through X_hat and means", _staged(stages=[
            "dL_dX_hat = gamma * dL_dY", "dL_dX = (dL_dX_hat - dL_dX_hat.mean(axis=0)) / s",
            "dL_dX -= X_hat * (dL_dX_hat * X_hat).mean(axis=0) / s"])),
    ],
}

BN_FORWARD = ("self.mu = X.mean(axis=0)", "self.std = np.sqrt(X.var(axis=0) + self.eps)", "self.X_hat = (X - self.mu) / self.std")
BN_PARAMS = ("self.dL_dgamma = np.sum(dL_dY * self.X_hat, axis=0)", "self.dL_dbeta = np.sum(dL_dY, axis=0)")
BN_DX = ("g = self.gamma * dL_dY", "dL_dX = (g - g.mean(axis=0) - self.X_hat * (g * self.X_hat).mean(axis=0)) / self.std")


def _bn(forward=BN_FORWARD, params=BN_PARAMS, dx=BN_DX):
    return ("class BatchNorm:\n    def __init__(self, n, eps=1e-5):\n        self.gamma, self.beta, self.eps = np.ones(n), np.zeros(n), eps\n\n"
            "    def forward(self, X):\n" + _lines(forward, " " * 8) + "        return self.gamma * self.X_hat + self.beta\n\n"
            "    def backward(self, dL_dY):\n" + _lines((*params, *dx), " " * 8) + "        return dL_dX\n")


BATCHNORM = {
    "mutants": [
        Mutant("backward without the mean terms", _bn(dx=("dL_dX = self.gamma * dL_dY / self.std",)), "mean terms"),
        Mutant("backward without the variance term", _bn(dx=("g = self.gamma * dL_dY", "dL_dX = (g - g.mean(axis=0)) / self.std"))),
        Mutant("unbiased variance (ddof=1)", _bn(forward=("self.mu = X.mean(axis=0)", "self.std = np.sqrt(X.var(axis=0, ddof=1) + self.eps)",
                                                          "self.X_hat = (X - self.mu) / self.std"))),
        Mutant("no epsilon in the forward pass", _bn(forward=("self.mu = X.mean(axis=0)", "self.std = np.sqrt(X.var(axis=0))", "self.X_hat = (X - self.mu) / self.std"))),
        Mutant("dL_dgamma not summed over the batch", _bn(params=("self.dL_dgamma = dL_dY * self.X_hat", BN_PARAMS[1])), "axis=0"),
        Mutant("gamma forgotten in backward", _bn(dx=("g = dL_dY", BN_DX[1]))),
        Mutant("dL_dbeta with the opposite sign", _bn(params=(BN_PARAMS[0], "self.dL_dbeta = -np.sum(dL_dY, axis=0)")), "opposite sign"),
        Mutant("statistics over the features (axis=1)", _bn(forward=("self.mu = X.mean(axis=1, keepdims=True)", "self.std = np.sqrt(X.var(axis=1, keepdims=True) + self.eps)",
                                                                     "self.X_hat = (X - self.mu) / self.std"))),
    ],
    "valid": [
        Valid("staged backward through mu and var (CS231n)", _bn(
            forward=("self.X, self.mu, self.var = X, X.mean(axis=0), X.var(axis=0)", "self.std = np.sqrt(self.var + self.eps)", "self.X_hat = (X - self.mu) / self.std"),
            dx=("m = dL_dY.shape[0]", "d_xhat = dL_dY * self.gamma", "xc = self.X - self.mu",
                "d_var = np.sum(d_xhat * xc, axis=0) * -0.5 * (self.var + self.eps) ** -1.5",
                "d_mu = -np.sum(d_xhat, axis=0) / self.std + d_var * np.mean(-2 * xc, axis=0)",
                "dL_dX = d_xhat / self.std + d_var * 2 * xc / m + d_mu / m"))),
        Valid("in-place subtraction", _bn(dx=("g = self.gamma * dL_dY", "dL_dX = g.copy()", "dL_dX -= g.mean(axis=0)",
                                               "dL_dX -= self.X_hat * (g * self.X_hat).mean(axis=0)", "dL_dX /= self.std"))),
    ],
}



QUIZ = quiz(('b', 'a', 'c'), [
    ('q1: t starts at 0', ('a', 'a', 'c')),
    ('q2: without the 1/2', ('b', 'b', 'c')),
    ('q3: old-style dropout scales at eval', ('b', 'a', 'a')),
    ('q3: reuses the mask at eval', ('b', 'a', 'b')),
])

EXERCISES = {
    "minibatches": MINIBATCHES,
    "sgd_momentum": SGD_MOMENTUM,
    "rmsprop": RMSPROP,
    "adam": ADAM,
    "clip_by_global_norm": CLIP,
    "l2_penalty": L2_PENALTY,
    "dropout": DROPOUT,
    "residual": RESIDUAL,
    "lr_schedule": LR_SCHEDULE,
    "batchnorm_staged": BN_STAGED,
    "batchnorm": BATCHNORM,
    "batchnorm_eval": BN_EVAL,
    "quiz": QUIZ,
}
