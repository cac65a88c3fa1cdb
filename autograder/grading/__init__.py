"""`autograder grade`: everything that decides a grade, outside the student's sandbox.

The trust boundary in one picture:

    grader process (trusted)                       sandbox (untrusted: the student's kernel)
    pipeline   the steps, in order (STEPS)         kernel_side   records (name, got); nothing else
    plan       what each pair runs                 + the student's cells, and the test cells with
    restore    put source/'s cells back              every expected value cut out (rewrite)
    rewrite    test cells without expected values
    sandbox    bwrap, uid nobody, no capabilities
    parallel   --jobs workers or a dask cluster
    verdict    compare got with the trusted run's expected values
    gradebook, report, feedback   the writers

Only kernel_side.py is imported inside the sandbox (and kernel_start.py, the kernel's own start, runs
there before any cell). Every other module here runs in
the grader's own process, and nothing that the verdict relies on is visible to the kernel.
"""
import os

# nbformat validates every notebook it reads or writes, with jsonschema unless told otherwise: 40 ms for
# one of the course's notebooks, where fastjsonschema (an nbformat dependency) takes 4 ms. The grader reads
# and writes each submission several times. An instructor's own choice is kept.
os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")

