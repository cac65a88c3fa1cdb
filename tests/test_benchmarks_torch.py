"""The PyTorch benchmark runs end to end on the real solutions notebook and prints a ratio per dtype."""
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LINE = re.compile(r"^(float32|float64): numpy (\d+\.\d+) ms/epoch, torch (\d+\.\d+) ms/epoch, "
                  r"ratio \(numpy / torch\) (\d+\.\d+), largest loss difference (\S+)$", flags=re.M)


def test_quick_benchmark_prints_both_dtypes():
    pytest.importorskip("torch", reason="PyTorch is a benchmark-only dependency and is not installed")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "mlp_vs_torch.py"), "--quick"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    found = {m.group(1): m.groups()[1:] for m in LINE.finditer(run.stdout)}
    assert set(found) == {"float32", "float64"}, f"expected one line per dtype:\n{run.stdout}"
    for dtype, (ours, theirs, ratio, gap) in found.items():
        assert float(ours) > 0 and float(theirs) > 0
        assert float(ratio) == pytest.approx(float(ours) / float(theirs), rel=0.02, abs=2e-3)
        assert float(gap) <= (1e-3 if dtype == "float32" else 1e-9), f"{dtype}: the two libraries disagree"
