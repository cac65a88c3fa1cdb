"""Run jobs in sandboxes: --jobs worker processes here, or the workers of a dask cluster.

run_job is a pure function of plain data, so both ways run exactly the same code.
"""
import base64
import contextlib
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed

from .sandbox import Limits


def run_job(job, limits):
    """Execute one prepared notebook in a fresh sandbox; return its test cells' runs and faults."""
    import nbformat

    from . import sandbox
    from .restore import nbgrader_meta
    from .verdict import cell_run

    nb = nbformat.reads(job["nb"], as_version=4)
    try:
        files = {name: base64.b64decode(data) for name, data in job.get("files", {}).items()}
        faults = [[f.status, f.reason] for f in sandbox.run(nb, job["filename"], limits, files)]
    except Exception as err:  # noqa: BLE001 - a grader fault is reported for this pair, never raised
        faults = [["crashed", f"the sandbox could not run this notebook: {type(err).__name__}: {err}"]]
    tests = set(job["tests"])
    cells = {nbgrader_meta(c)["grade_id"]: cell_run(c) for c in nb.cells
             if nbgrader_meta(c).get("grade_id") in tests and c.get("execution_count") is not None}
    run = {"cells": cells, "faults": faults}
    if job.get("keep"):   # the executed notebook, for autograded/ (see autograded.Executed)
        run["nb"] = nbformat.writes(nb)
    return run


def limits_of(options):
    keys = ("cell_timeout", "total_timeout", "memory")
    return Limits(**{k: options[k] for k in keys if options.get(k) is not None})


def start_workers():
    """Start the forkserver that workers fork from (see autograder/grading/worker.py for why not from here).
    Called early, it loads nbclient in its own process while this one prepares the jobs."""
    from multiprocessing import forkserver
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.grading.worker"])
    forkserver.ensure_running()
    return context


def run_all(jobs, options):
    """{key: run} for every job in jobs, with a tqdm bar."""
    limits = limits_of(options)
    if options.get("scheduler"):
        return _on_dask(jobs, limits, options)
    context = start_workers()
    with ProcessPoolExecutor(max_workers=max(1, options.get("jobs") or 1), mp_context=context) as pool:
        with _main_not_rerun():
            futures = {pool.submit(run_job, job, limits): key for key, job in jobs.items()}
        return _collect(futures, as_completed(futures), options)


@contextlib.contextmanager
def _main_not_rerun():
    """Workers start by importing the caller's __main__ (spawn semantics), so a script without a main
    guard would call grade() again in every worker. No job needs __main__: workers start without it.
    The pool starts its workers in submit(), so hiding it there is enough."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.update(saved)


def _on_dask(jobs, limits, options):
    from dask.distributed import Client, as_completed as dask_completed

    with Client(options["scheduler"]) as client:
        futures = {client.submit(run_job, job, limits, key=_dask_key(key), pure=False): key
                   for key, job in jobs.items()}
        return _collect(futures, dask_completed(list(futures)), options)


def _dask_key(key):
    return "autograder-" + "-".join(key).replace("(", "").replace(")", "")


def _collect(futures, completed, options):
    from tqdm import tqdm
    runs, arrived = {}, options.get("arrived") or (lambda key, run: run)
    with tqdm(total=len(futures), desc="grading", unit="notebook", disable=not options.get("progress")) as bar:
        for future in completed:
            key = futures[future]
            runs[key] = arrived(key, future.result())
            bar.update()
    return runs
