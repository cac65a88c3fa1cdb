"""The graded kernel's own start, run as a script inside the sandbox before any cell (see sandbox.kernel_argv).

A graded run skips the demo cells, and they are the only cells that draw; yet every
setup cell imports pyplot, which with matplotlib is a third of a submission's CPU.
So `import matplotlib.pyplot as plt` binds modules whose code runs on first use:
the same modules, run in the same order as a plain import would run them, only later
(or never). Nothing here decides anything: a student who undoes it only pays the import.
"""
import importlib.machinery
import importlib.util
import sys
import types


class Deferred(types.ModuleType):
    """A module whose code runs when a name it does not hold yet is first looked up."""

    def __getattr__(self, name):
        load = self.__dict__.pop("_deferred_load", None)
        if load is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        load(self)
        return getattr(self, name)


def deferred(spec, first=None):
    """A Deferred module for spec, registered in sys.modules; first() runs before its own code (a
    package's __init__ before any of its modules, as with a plain import)."""
    module = Deferred(spec.name)
    module.__spec__, module.__loader__, module.__file__ = spec, spec.loader, spec.origin
    module.__package__ = spec.parent if spec.submodule_search_locations is None else spec.name

    def load(self):
        if first is not None:
            first()
        self.__class__ = types.ModuleType   # from now on a plain module (its own __getattr__, if any, works)
        if spec.submodule_search_locations is not None:
            self.__path__ = list(spec.submodule_search_locations)
        spec.loader.exec_module(self)

    module._deferred_load = load
    sys.modules[spec.name] = module
    return module


def defer_pyplot():
    """matplotlib and matplotlib.pyplot, deferred; the package keeps no __path__ until it runs, so that
    importing any other of its modules runs the package first."""
    package = importlib.util.find_spec("matplotlib")
    if package is None or "matplotlib" in sys.modules:
        return
    pyplot = importlib.machinery.PathFinder.find_spec("matplotlib.pyplot", package.submodule_search_locations)
    if pyplot is None:
        return
    matplotlib = deferred(package)
    matplotlib.__dict__["pyplot"] = deferred(pyplot, first=lambda: getattr(matplotlib, "__version__"))


if __name__ == "__main__":
    # ipykernel's debugger imports debugpy at every start (a tenth of a second of CPU); nobody debugs a graded run.
    sys.modules["debugpy"] = None
    defer_pyplot()
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()
