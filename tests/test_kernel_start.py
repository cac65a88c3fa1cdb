"""kernel_start.py defers matplotlib and pyplot in the graded kernel: every way of importing them still works."""
import subprocess
import sys

import pytest

from autograder.grading import kernel_start

PATTERNS = {
    "as plt, then draw": "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])",
    "from import": "from matplotlib import pyplot as plt\nplt.figure()",
    "package first": "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.figure()",
    "another module first": "import matplotlib.colors as mc\nassert mc.to_hex('red') == '#ff0000'\n"
                            "import matplotlib.pyplot as plt\nplt.figure()",
    "never used": "import matplotlib.pyplot as plt",
}
SAME = ("import sys, matplotlib\nassert sys.modules['matplotlib.pyplot'] is plt is matplotlib.pyplot\n"
        "assert plt.rcParams is matplotlib.rcParams and type(plt).__name__ == 'module'\n")


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_every_import_of_pyplot_works_as_without_deferral(pattern):
    code = f"import sys\nsys.path.insert(0, {str(kernel_start.__file__.rsplit('/', 1)[0])!r})\n" \
           "import kernel_start\nkernel_start.defer_pyplot()\n" + PATTERNS[pattern] + \
           "\nplt.gcf()\n" + SAME + "print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "ok", done.stderr


def test_an_unused_pyplot_runs_no_matplotlib_code():
    code = f"import sys\nsys.path.insert(0, {str(kernel_start.__file__.rsplit('/', 1)[0])!r})\n" \
           "import kernel_start\nkernel_start.defer_pyplot()\nimport matplotlib.pyplot as plt\n" \
           "print(type(plt).__name__, 'matplotlib.figure' in sys.modules, 'matplotlib.rcsetup' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["Deferred", "False", "False"], done.stderr
