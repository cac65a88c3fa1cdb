"""The micrograd benchmark runs end to end on the real solutions notebook and prints its ratio."""
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_quick_benchmark_prints_a_ratio():
    pytest.importorskip("micrograd", reason="the anchor package micrograd is not installed")
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "micrograd_vs_engine.py"), "--quick"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    match = re.search(r"^ratio \(ours / micrograd\): (\d+\.\d+)$", run.stdout, flags=re.M)
    assert match, f"no ratio in the output:\n{run.stdout}"
    assert float(match.group(1)) > 0
