"""Per-submission caps on memory, processes and CPU share, with cgroups (v1 or v2) or rlimits.

A Confinement is made for one sandboxed kernel and removed after it. Its
`prefix` goes in front of the kernel's command line: a shell that moves
itself into the submission's cgroups, then prlimit, then the command. So
every process the kernel ever starts is counted, tmpfs pages included (they
are charged to the memory cgroup of the process that writes them).

Where no cgroup can be made (not root, or a read-only cgroupfs), the caps
fall back to rlimits: RLIMIT_NPROC for processes (not enforced by Linux for
uid 0, and counted per user, so shared by the sandboxes running at once) and
nothing for the CPU share. RLIMIT_AS and RLIMIT_FSIZE are set in every case.
"""
import os
import shlex
import signal
import time
import uuid
from pathlib import Path

CONTROLLERS = ("memory", "pids", "cpu")


def _mounts():
    """{fstype or v1 controller: (mount point, mount root)} from this process's mountinfo."""
    found = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        sep = fields.index("-")
        fstype, options = fields[sep + 1], fields[sep + 3].split(",")
        if fstype == "cgroup2":
            found.setdefault("cgroup2", (fields[4], fields[3]))
        elif fstype == "cgroup":
            for controller in set(options) & set(CONTROLLERS):
                found.setdefault(controller, (fields[4], fields[3]))
    return found


def _own_paths():
    """{controller or "": this process's cgroup path} from /proc/self/cgroup ("" is v2's)."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


def _under(mount, root, path):
    """Where this process's cgroup path appears under a mount whose root may be a subtree."""
    rel = path[len(root):] if root != "/" and path.startswith(root) else path
    return Path(mount) / rel.lstrip("/")


def _write(path, text):
    Path(path).write_text(text)


class Confinement:
    """One submission's cgroups, or none (rlimits only)."""

    def __init__(self, memory, pids, cgroups=True):
        self.memory, self.pids, self.dirs, self.version = memory, pids, [], None
        if not cgroups or os.environ.get("AUTOGRADER_NO_CGROUPS"):   # the fallback, on purpose (tests)
            return
        name = f"autograder-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        mounts, own = _mounts(), _own_paths()
        try:
            if all(c in mounts for c in CONTROLLERS):
                self._make_v1(name, mounts, own)
            elif "cgroup2" in mounts:
                self._make_v2(name, *mounts["cgroup2"], own.get("", "/"))
        except OSError:
            self.remove()
            self.dirs, self.version = [], None

    def _make_v1(self, name, mounts, own):
        for controller in CONTROLLERS:
            folder = _under(*mounts[controller], own.get(controller, "/")) / name
            _sweep(folder.parent)
            folder.mkdir()
            self.dirs.append(folder)
        _write(self.dirs[0] / "memory.limit_in_bytes", str(self.memory))
        _write(self.dirs[1] / "pids.max", str(self.pids))
        _write(self.dirs[2] / "cpu.shares", "1024")   # the default share: one sandbox weighs one busy process
        self.version = 1

    def _make_v2(self, name, mount, root, own):
        # A cgroup with processes of its own cannot hand controllers to children (no internal processes),
        # so the grader's own cgroup is tried first, then the hierarchy's root.
        for parent in dict.fromkeys([_under(mount, root, own), Path(mount)]):
            try:
                wanted = " ".join(f"+{c}" for c in CONTROLLERS)
                if not set(CONTROLLERS) <= set((parent / "cgroup.subtree_control").read_text().split()):
                    _write(parent / "cgroup.subtree_control", wanted)
                _sweep(parent)
                (parent / name).mkdir()
            except OSError:
                continue
            self.dirs = [parent / name]
            for key, value in (("memory.max", self.memory), ("memory.swap.max", 0), ("pids.max", self.pids),
                               ("cpu.weight", 100)):
                if (self.dirs[0] / key).exists():
                    _write(self.dirs[0] / key, str(value))
            self.version = 2
            return
        raise OSError("no cgroup v2 parent accepts the memory, pids and cpu controllers")

    @classmethod
    def none(cls):
        """rlimits only: for a command line that is shown or tested, not run."""
        return cls(0, 0, cgroups=False)

    def prefix(self, limits):
        """The command line that enters these cgroups, sets the rlimits, then runs what follows."""
        rlimits = [f"--as={limits.memory}", f"--fsize={limits.disk}"]
        if not self.version:
            rlimits.append(f"--nproc={limits.pids}")
        join = ""
        if self.dirs:
            procs = " ".join(shlex.quote(str(d / "cgroup.procs")) for d in self.dirs)
            join = f"echo $$ | tee {procs} > /dev/null && "
        return ["sh", "-c", join + 'exec "$@"', "sh", "prlimit", *rlimits, "--"]

    def oom_kills(self):
        """How many processes the kernel's OOM killer took from this cgroup (0 without cgroups)."""
        name = {1: "memory.oom_control", 2: "memory.events"}.get(self.version)
        try:
            text = (self.dirs[0] / name).read_text() if name else ""
        except OSError:
            return 0
        counts = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
        return int(counts.get("oom_kill", 0))

    def remove(self):
        """Kill whatever is left in the cgroups and delete them."""
        for folder in reversed(self.dirs):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    _kill_all(folder)
                    time.sleep(0.02)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _sweep(parent):
    """Remove the empty cgroups left by a grader that was killed before it could (its pid is gone)."""
    for folder in parent.glob("autograder-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            try:
                folder.rmdir()
            except OSError:
                pass   # processes still in it, or not ours to remove


def _kill_all(folder):
    try:
        if (folder / "cgroup.kill").exists():
            return _write(folder / "cgroup.kill", "1")
        for pid in (folder / "cgroup.procs").read_text().split():
            os.kill(int(pid), signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass   # gone already, or the next rmdir attempt says why


def describe(confinement):
    """One line for the preflight and the README: which mechanism holds the caps here."""
    if confinement.version:
        return f"cgroup v{confinement.version} (memory, pids, cpu share)"
    return "rlimits only (no writable cgroup: no CPU share, RLIMIT_NPROC for processes)"
