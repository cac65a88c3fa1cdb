"""Time the course's numpy MLP against PyTorch (CPU) on the digits, per training epoch.

The MLP is not copied here: its cells (linear_forward, linear_backward,
relu_backward, softmax_ce_backward, mlp) are executed from
solutions/05-mlp-backprop/05-mlp-backprop.ipynb at run time, so the figure
always describes the reference solution as it is. Both sides train the same
64-128-10 ReLU network from the same initial weights, on the same minibatches
in the same order, with plain SGD on the mean softmax cross-entropy; their
losses must agree (to 1e-9 in float64, 1e-3 in float32), or the comparison is
void. Each dtype is timed as the best of several runs, the two libraries
interleaved. PyTorch is a benchmark-only dependency (not in pyproject.toml).

example:
  python benchmarks/mlp_vs_torch.py --quick
"""
import argparse
import os
import sys
import time
from pathlib import Path


def _pin_threads(n):
    """Both libraries get the same number of BLAS/OpenMP threads; must run before numpy is imported."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


_pin_threads(next((a.split("=")[1] for a in sys.argv if a.startswith("--threads=")), "1"))

import numpy as np  # noqa: E402 - after the thread pin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOTEBOOK = ROOT / "solutions" / "05-mlp-backprop" / "05-mlp-backprop.ipynb"
CELLS = ["linear_forward", "linear_backward", "relu_backward", "softmax_ce_backward", "mlp"]
SIZES, LR = [64, 128, 10], 0.1


def load_digits():
    """The notebook's split: 1437 training digits, pixels scaled to [0, 1]."""
    data = np.load(NOTEBOOK.parent / "digits.npz")
    X, y = data["X"] / 16.0, data["y"].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(X))
    return X[order[:-360]], y[order[:-360]]


def batches(n, batch_size, epochs, seed=0):
    """The minibatch indices of every epoch, shared by both libraries."""
    rng = np.random.default_rng(seed)
    return [[p[i:i + batch_size] for i in range(0, n, batch_size)] for p in (rng.permutation(n) for _ in range(epochs))]


def numpy_run(ns, X, y, plan, dtype):
    """Train the notebook's MLP; return (seconds per epoch, losses)."""
    model = ns["MLP"](SIZES, np.random.default_rng(1), dtype)
    X = X.astype(dtype)
    loss, losses = ns["softmax_cross_entropy"], []
    start = time.perf_counter()
    for epoch in plan:
        for idx in epoch:
            L, dL_dlogits = loss(model.forward(X[idx]), y[idx])
            model.backward(dL_dlogits)
            for p, g in zip(model.params(), model.grads()):
                p -= LR * g
            losses.append(float(L))
    return (time.perf_counter() - start) / len(plan), losses


def torch_run(ns, X, y, plan, dtype):
    """The same network, weights and minibatches in PyTorch; return (seconds per epoch, losses)."""
    import torch
    tdtype = {np.float32: torch.float32, np.float64: torch.float64}[dtype]
    init = ns["MLP"](SIZES, np.random.default_rng(1), dtype)   # the same initial weights
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)).to(tdtype)
    with torch.no_grad():
        for layer, ours in zip(net[::2], init.layers[::2]):
            layer.weight.copy_(torch.from_numpy(ours.W.T.copy()))
            layer.bias.copy_(torch.from_numpy(ours.b))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    X, y = torch.from_numpy(X.astype(dtype)), torch.from_numpy(y)
    plan = [[torch.from_numpy(idx) for idx in epoch] for epoch in plan]
    losses = []
    start = time.perf_counter()
    for epoch in plan:
        for idx in epoch:
            L = torch.nn.functional.cross_entropy(net(X[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            L.backward()
            opt.step()
            losses.append(L.item())
    return (time.perf_counter() - start) / len(plan), losses


def compare(epochs, repeats, batch_size):
    """{dtype name: (numpy s/epoch, torch s/epoch, largest loss gap)}, best of repeats, interleaved."""
    from autograder.reuse import load_cells
    ns = load_cells(NOTEBOOK, CELLS)
    X, y = load_digits()
    plan = batches(len(X), batch_size, epochs)
    results = {}
    for dtype in (np.float32, np.float64):
        numpy_run(ns, X, y, plan[:1], dtype), torch_run(ns, X, y, plan[:1], dtype)   # warm-up
        best = {"numpy": float("inf"), "torch": float("inf")}
        for r in range(repeats):
            runs = [("numpy", numpy_run), ("torch", torch_run)]
            for name, run in (runs if r % 2 == 0 else runs[::-1]):
                seconds, losses = run(ns, X, y, plan, dtype)
                best[name] = min(best[name], seconds)
                if name == "numpy":
                    ours = losses
                else:
                    theirs = losses
        gap = max(abs(a - b) for a, b in zip(ours, theirs))
        results[np.dtype(dtype).name] = (best["numpy"], best["torch"], gap)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[-1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run (seconds), for tests")
    parser.add_argument("--epochs", type=int, help="epochs per timed run (default 10, quick 2)")
    parser.add_argument("--repeats", type=int, help="timed runs per library and dtype; the best is kept (default 5, quick 2)")
    parser.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32, as in the notebook)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads for both libraries (default 1); "
                        "write it as --threads=N")
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    epochs, repeats = args.epochs or (2 if args.quick else 10), args.repeats or (2 if args.quick else 5)
    results = compare(epochs, repeats, args.batch_size)
    print(f"MLP: {NOTEBOOK.relative_to(ROOT)}; anchor: torch {torch.__version__}, {args.threads} thread(s)")
    print(f"MLP {SIZES} on {len(load_digits()[0])} digits, batch {args.batch_size}, SGD lr {LR}, "
          f"{epochs} epochs per run, best of {repeats}")
    tol = {"float32": 1e-3, "float64": 1e-9}
    status = 0
    for name, (ours, theirs, gap) in results.items():
        print(f"{name}: numpy {ours * 1e3:.2f} ms/epoch, torch {theirs * 1e3:.2f} ms/epoch, "
              f"ratio (numpy / torch) {ours / theirs:.3f}, largest loss difference {gap:.1e}")
        if gap > tol[name]:
            print(f"{name}: the two disagree beyond {tol[name]:.0e}: this comparison is void")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
