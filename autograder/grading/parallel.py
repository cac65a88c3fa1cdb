"""Run jobs in sandboxes: --jobs worker processes here, or the workers of a dask cluster.

run_job is a pure function of plain data, so both ways run exactly the same code.
Each local job runs in a process of its own, forked from a preloaded server:
a worker that dies (killed for memory, say) costs its own pair and nothing
else, as there is no shared pool for it to break. A run that comes back as
{"error": why} failed through the grader's or the machine's fault, not the student's.
"""
import base64
import contextlib
import hashlib
import json
import multiprocessing
import signal
import sys
import time
import uuid
from multiprocessing.connection import wait

from .sandbox import Limits

GRACE = 120   # seconds a worker may take beyond the notebook's total time limit: kernel start and shutdown


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
    except Exception as err:  # noqa: BLE001 - the sandbox failed, not the student: status error
        return {"error": f"the sandbox could not run this notebook: {type(err).__name__}: {err}"}
    tests = set(job["tests"])
    cells = {nbgrader_meta(c)["grade_id"]: cell_run(c) for c in nb.cells
             if nbgrader_meta(c).get("grade_id") in tests and c.get("execution_count") is not None}
    locked = {nbgrader_meta(c)["grade_id"]: cell_run(c)["error"] for c in nb.cells
              if nbgrader_meta(c).get("locked") and nbgrader_meta(c).get("grade_id") not in tests
              and cell_run(c)["error"]}
    answers = {nbgrader_meta(c)["grade_id"]: cell_run(c)["error"] for c in nb.cells   # the student's own cells
               if nbgrader_meta(c).get("solution") and nbgrader_meta(c).get("grade_id") and cell_run(c)["error"]}
    run = {"cells": cells, "faults": faults, "locked": locked, "answers": answers}
    if job.get("keep"):   # the executed notebook, for autograded/ (see autograded.Executed)
        run["nb"] = json.dumps(nb)
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
        return _collect(_on_dask(jobs, limits, options), len(jobs), options)
    return _collect(_local(jobs, limits, options), len(jobs), options)


def died(how):
    """The run of a pair whose worker process died: the pair is crashed, and only that pair."""
    return {"cells": {}, "faults": [["crashed", f"the grading worker died ({how})"]]}


class Worker:
    """One job in a process of its own; its run comes back through a pipe, or the pipe closes unused."""

    def __init__(self, context, key, job, limits):
        self.key = key
        self.conn, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_work, args=(job, limits, sender), daemon=True)
        with _main_not_rerun():
            self.process.start()
        sender.close()
        self.deadline = time.monotonic() + limits.total_timeout + GRACE

    def run(self):
        """The job's run, once self.conn is readable."""
        try:
            run = self.conn.recv()
        except (EOFError, OSError):
            run = None
        self.process.join(10)
        self.conn.close()
        return run if run is not None else died(_exit_text(self.process.exitcode))

    def stop(self):
        self.process.kill()
        self.process.join()
        self.conn.close()


def _work(job, limits, sender):
    try:
        run = run_job(job, limits)
    except Exception as err:  # noqa: BLE001 - the grader's own fault, reported for this pair
        run = {"error": f"the grading worker failed: {type(err).__name__}: {err}"}
    sender.send(run)


def _exit_text(code):
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}, perhaps for memory"
    return f"exit code {code}"


def _local(jobs, limits, options):
    """Yield (key, run) as each job finishes, at most --jobs at once."""
    context = start_workers()
    width, todo, running = max(1, options.get("jobs") or 1), list(jobs.items()), {}
    try:
        while todo or running:
            while todo and len(running) < width:
                worker = Worker(context, *todo.pop(0), limits)
                running[worker.conn] = worker
            if options.get("started"):   # the first kernels are starting: the main process's own work may begin
                options.pop("started")()
            soonest = min(w.deadline for w in running.values())
            for conn in wait(list(running), timeout=max(0.0, soonest - time.monotonic())):
                worker = running.pop(conn)
                yield worker.key, worker.run()
            for conn, worker in list(running.items()):
                if time.monotonic() > worker.deadline:   # the sandbox's own limits should have stopped it
                    del running[conn]
                    worker.stop()
                    yield worker.key, {"error": f"the grading worker did not finish within "
                                                f"{limits.total_timeout + GRACE:g} s and was stopped"}
    finally:
        for worker in running.values():
            worker.stop()


@contextlib.contextmanager
def _main_not_rerun():
    """Workers start by importing the caller's __main__ (spawn semantics), so a script without a main
    guard would call grade() again in every worker. No job needs __main__: workers start without it."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.update(saved)


def _on_dask(jobs, limits, options):
    """Yield (key, run) as each job finishes on the cluster; a job whose worker died is crashed."""
    from dask.distributed import Client, as_completed as dask_completed
    from distributed.scheduler import KilledWorker

    run_id = uuid.uuid4().hex[:12]   # two grading runs on one cluster never share a key
    with Client(options["scheduler"]) as client:
        futures = {client.submit(run_job, job, limits, key=dask_key(key, run_id), pure=False): key
                   for key, job in jobs.items()}
        for future in dask_completed(list(futures)):
            try:
                run = future.result()
            except KilledWorker:
                run = died("the dask worker was lost")
            except Exception as err:  # noqa: BLE001 - one pair's failure, never the batch's
                run = {"error": f"the dask task failed: {type(err).__name__}: {err}"}
            yield futures[future], run


def dask_key(key, run_id=""):
    """A key as dask wants it (a string), distinct for distinct keys: a hash of the whole key, so that
    no student name can look like another's, or like the trusted run's."""
    digest = hashlib.sha256(json.dumps(list(key)).encode()).hexdigest()[:32]
    return f"autograder-{run_id}-{digest}"


def _collect(finished, total, options):
    from tqdm import tqdm
    runs, arrived = {}, options.get("arrived") or (lambda key, run: run)
    with tqdm(total=total, desc="grading", unit="notebook", disable=not options.get("progress")) as bar:
        for key, run in finished:
            runs[key] = arrived(key, run)
            bar.update()
            if options.get("abort"):   # a reason to stop found beside the kernels: the others are stopped
                options["abort"]()
    return runs
