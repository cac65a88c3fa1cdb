"""Time the course's Value engine against micrograd (PyPI) on the same MLP and the same data.

The engine is not copied here: its cells are executed from
solutions/03-computation-graphs/03-computation-graphs.ipynb at run time, so the
figure always describes the reference solution as it is. Both engines run the
same MLP code (ReLU hidden layers, hinge loss, micrograd's demo setup), from the
same initial weights, so their losses must agree; the timed work is the full
training step: forward, backward, update. Prints the ratio ours / micrograd
(below 1 means ours is faster).

example:
  python benchmarks/micrograd_vs_engine.py --quick
"""
import argparse
import gc
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "solutions" / "03-computation-graphs" / "03-computation-graphs.ipynb"
ENGINE_CELLS = ("value-class", "value_add", "value_mul", "backward", "zero_grad", "value_pow",
                "value_neg_sub_div", "value_exp", "value_tanh", "value_relu")


def load_engine(path=NOTEBOOK):
    """The Value class defined by the notebook's engine cells, executed in notebook order."""
    from autograder.reuse import load_cells
    return load_cells(path, ENGINE_CELLS)["Value"]


def two_moons(m, seed=0):
    """The notebook's data set: m points on two interleaved half circles, labels -1 and +1."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, m)
    upper = np.arange(m) < m // 2
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    X = (X + 0.12 * rng.normal(size=(m, 2)) - [0.5, 0.25]) * [1.0, 1.6]
    return X.tolist(), np.where(upper, 1.0, -1.0).tolist()


def make_mlp(Value, sizes, seed=0):
    """Layers of (weights, bias) neurons; the same numbers for every engine."""
    rng = random.Random(seed)
    return [[([Value(rng.uniform(-1, 1)) for _ in range(n_in)], Value(0.0)) for _ in range(n_out)]
            for n_in, n_out in zip(sizes, sizes[1:])]


def forward(layers, x):
    for i, layer in enumerate(layers):
        zs = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
        x = zs if i == len(layers) - 1 else [z.relu() for z in zs]
    return x[0]


def train(Value, sizes, X, y, steps, lr=0.05):
    """Full-batch training with the hinge loss; return the losses and the seconds it took."""
    layers = make_mlp(Value, sizes)
    params = [p for layer in layers for w, b in layer for p in w + [b]]
    losses = []
    gc.collect()
    start = time.perf_counter()
    for _ in range(steps):
        L = sum((1 + -yi * forward(layers, xi)).relu() for xi, yi in zip(X, y)) * (1.0 / len(y))
        for p in params:
            p.grad = 0.0
        L.backward()
        for p in params:
            p.data -= lr * p.grad
        losses.append(L.data)
    return losses, time.perf_counter() - start


def compare(sizes, points, steps, repeats):
    """Best-of-repeats seconds for each engine (interleaved), and the largest loss difference."""
    from micrograd.engine import Value as MicrogradValue
    ours_value = load_engine()
    X, y = two_moons(points)
    engines = {"ours": ours_value, "micrograd": MicrogradValue}
    for value in engines.values():   # warm up both, so that neither pays for first-run costs
        train(value, sizes, X, y, 1)
    best, losses = {name: math.inf for name in engines}, {}
    for r in range(repeats):
        for name in (list(engines) if r % 2 == 0 else list(engines)[::-1]):   # alternate who goes first
            losses[name], seconds = train(engines[name], sizes, X, y, steps)
            best[name] = min(best[name], seconds)
    gap = max(abs(a - b) for a, b in zip(losses["ours"], losses["micrograd"]))
    return best, gap


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[-1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run (seconds), for tests")
    parser.add_argument("--steps", type=int, help="training steps per run (default 5, quick 2)")
    parser.add_argument("--repeats", type=int, help="runs per engine; the best is kept (default 3, quick 2)")
    args = parser.parse_args(argv)
    sizes, points = ([2, 8, 1], 24) if args.quick else ([2, 16, 16, 1], 64)
    steps = args.steps or (2 if args.quick else 5)
    repeats = args.repeats or (2 if args.quick else 3)
    best, gap = compare(sizes, points, steps, repeats)
    print(f"engine: {NOTEBOOK.relative_to(ROOT)}; anchor: micrograd (PyPI)")
    print(f"MLP {sizes}, {points} points, {steps} training steps, best of {repeats}")
    print(f"ours       {best['ours']:.3f} s")
    print(f"micrograd  {best['micrograd']:.3f} s")
    print(f"largest loss difference {gap:.1e}")
    if gap > 1e-9:
        print("the two engines disagree: the comparison is void")
        return 1
    print(f"ratio (ours / micrograd): {best['ours'] / best['micrograd']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
