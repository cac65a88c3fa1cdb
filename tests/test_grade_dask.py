"""`--scheduler`: the same jobs on a dask.distributed cluster give the same results as local workers."""
import pytest

import autograder
from tests.submissions import corpus
from tests.submissions.course import make_course, submit_corpus

pytestmark = pytest.mark.slow
NAME = "01-chain-rule"
CASES = [c for c in corpus.CASES if c.name in ("honest-solution", "honest-wrong-first", "os-exit", "empty-file")]


def test_local_cluster_matches_local_workers(tmp_path):
    from dask.distributed import LocalCluster

    course = make_course(tmp_path / "course", [NAME])
    submit_corpus(course, NAME, CASES)
    here = autograder.grade(NAME, root=course, jobs=2, gradebook=False, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        there = autograder.grade(NAME, root=course, scheduler=cluster.scheduler_address, gradebook=False,
                                 progress=False)
    assert there == here
    assert {r.student: r.status for r in there} == {"honest-solution": "graded", "honest-wrong-first": "graded",
                                                     "os-exit": "crashed", "empty-file": "invalid notebook"}
