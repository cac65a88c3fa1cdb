"""`--scheduler`: the same jobs on a dask.distributed cluster give the same results as local workers.

Job keys are a hash of the whole (student, notebook) key, so names that differ only in punctuation, or
that look like the trusted run's, are graded as themselves.
"""
import nbformat
import pytest

import autograder
from tests.submissions import corpus
from tests.submissions.course import ROOT, make_course, submit_corpus

pytestmark = pytest.mark.slow
NAME = "01-chain-rule"
CASES = [c for c in corpus.CASES if c.name in ("honest-solution", "honest-wrong-first", "os-exit", "empty-file")]


def test_local_cluster_matches_local_workers(tmp_path):
    from dask.distributed import LocalCluster

    course = make_course(tmp_path / "course", [NAME])
    submit_corpus(course, NAME, CASES)
    nbk = corpus.notebook(ROOT, NAME)
    lookalikes = {"alice": nbk.copy(), "(alice)": nbk.release, "source": nbk.release, "(source)": corpus.wrong(nbk)}
    for student, nb in lookalikes.items():
        (course / "submitted" / student / NAME).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / NAME / f"{NAME}.ipynb")
    here = autograder.grade(NAME, root=course, jobs=2, gradebook=False, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        there = autograder.grade(NAME, root=course, scheduler=cluster.scheduler_address, gradebook=False,
                                 progress=False)
    assert there == here
    assert {r.student: r.status for r in there} == {"honest-solution": "graded", "honest-wrong-first": "graded",
                                                     "os-exit": "crashed", "empty-file": "invalid notebook",
                                                     "alice": "graded", "(alice)": "graded", "source": "graded",
                                                     "(source)": "graded"}
    scores = {r.student: r.score for r in there}
    assert scores["alice"] == scores["honest-solution"] == there[0].max_score
    assert scores["(alice)"] == scores["source"] == 0
    assert scores["(source)"] == scores["honest-wrong-first"] < there[0].max_score
