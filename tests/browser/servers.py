"""Jupyter servers for the browser tests, and a fresh environment built the way Binder builds it.

Every server gets its own HOME, config, data and runtime folders, a free port and a token, so that
tests can run in parallel and none of them reads or changes the developer's Jupyter settings.
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# What postBuild needs from the repo: it runs `pip install .` there.
REPO_FILES = ["pyproject.toml", "README.md", "LICENSE", "postBuild", "environment.yml", "autograder"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str        # http://127.0.0.1:PORT/
    token: str
    proc: subprocess.Popen
    log: Path
    started_in: float  # seconds from launch to the first answer of /api/status

    def link(self, path=""):
        sep = "&" if "?" in path else "?"
        return f"{self.url}{path}{sep}token={self.token}"

    def get(self, path):
        """The HTTP status of path, asked with the token in a header (no browser involved)."""
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def stop(self):
        # The server and its kernels share the session started for it: end exactly that group.
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def tail(self, n=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


# User settings of the isolated JupyterLab and Notebook 7: render every cell (not only those scrolled
# into view) so that the tests can read all outputs, and do not ask about a news feed that needs internet.
SETTINGS = {"@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"}}


def isolated_env(tmp, bindir=None):
    """Environment variables for a server whose user-level Jupyter state lives under tmp."""
    home = Path(tmp) / "home"
    for name, values in SETTINGS.items():
        path = home / ".jupyter/lab/user-settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    bindir = Path(bindir or Path(sys.executable).parent)
    env = dict(os.environ)
    # MPLBACKEND=Agg (set for the other tests) would stop kernels from showing figures inline.
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "VIRTUAL_ENV", "PYTHONPATH", "MPLBACKEND"):
        env.pop(name, None)
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
               JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"), JUPYTER_RUNTIME_DIR=str(Path(tmp) / "runtime"),
               IPYTHONDIR=str(home / ".ipython"), MPLCONFIGDIR=str(home / ".mpl"),
               PATH=os.pathsep.join([str(bindir), env.get("PATH", "")]), VIRTUAL_ENV=str(bindir.parent),
               AUTOGRADER_NO_SELF_CHECK="1")   # the self-check cell would start a second kernel run
    return env


def start(app, root, tmp, bindir=None, timeout=90):
    """Start `jupyter lab` or `jupyter notebook` (Notebook 7) serving root; return a Server once it answers."""
    tmp = Path(tmp)
    env = isolated_env(tmp, bindir)
    port, token = free_port(), secrets.token_hex(16)
    log = tmp / f"{app}.log"
    cmd = [str(Path(env["VIRTUAL_ENV"]) / "bin" / "jupyter"), app, "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}",
           # offline: no update check, no news feed
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.news_url=None"]
    if app == "notebook":
        cmd = [c for c in cmd if not c.startswith("--LabApp.")]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}/", token, proc, log, 0.0)
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter {app} exited with {proc.returncode}:\n{server.tail()}")
        if _answers(server):
            server.started_in = time.perf_counter() - t0
            return server
        time.sleep(0.2)
    server.stop()
    raise TimeoutError(f"jupyter {app} did not answer within {timeout} s:\n{server.tail()}")


def _answers(server):
    try:
        return server.get("api/status") == 200
    except OSError:
        return False


def pip_requirements(environment_yml):
    """environment.yml's conda-forge specs as pip requirements (python and pip themselves left out)."""
    deps = yaml.safe_load(Path(environment_yml).read_text())["dependencies"]
    return [d for d in deps if isinstance(d, str) and d.split("=")[0].split("<")[0].split(">")[0] not in ("python", "pip")]


def binder_env(dest):
    """A fresh venv at dest with environment.yml's packages, then postBuild run from a copy of the repo.

    Returns the venv's bin folder. Binder uses conda; pip with the same pins gives the same Jupyter
    packages, and postBuild's commands write to sys.prefix exactly as they do on Binder.
    """
    dest = Path(dest)
    repo = dest / "repo"
    for name in REPO_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            repo.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / name)
    venv = dest / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", str(venv)], dest)
    _run([str(venv / "bin/python"), "-m", "pip", "install", "-q", *pip_requirements(ROOT / "environment.yml")], dest)
    env = isolated_env(dest / "postbuild", venv / "bin")
    _run(["bash", "./postBuild"], dest, cwd=repo, env=env)
    return venv / "bin"


def _run(cmd, dest, cwd=None, env=None):
    done = subprocess.run(cmd, cwd=cwd or dest, env=env, capture_output=True, text=True)
    (dest / "build.log").open("a").write(f"$ {' '.join(cmd)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed with {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def jupyter(bindir, tmp, *args):
    """Run `jupyter ARGS` from bindir's environment with an isolated user config; return its output."""
    env = isolated_env(tmp, bindir)
    done = subprocess.run([str(Path(bindir) / "jupyter"), *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr

