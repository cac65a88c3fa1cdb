"""Every graded test fails on every known-wrong answer, and passes every valid alternative."""
import pytest

from tests.mutants import harness, report

MIN_MUTANTS, MIN_VALID = 5, 2


def _cases():
    for nb in harness.notebooks():
        for gid, entry in harness.catalogue(nb).items():
            for kind, key in (("mutant", "mutants"), ("valid", "valid")):
                for v in entry.get(key, []):
                    yield pytest.param(nb, gid, kind, v.label, id=f"{nb}:{gid}:{kind}:{v.label}")


@pytest.mark.parametrize("notebook,exercise,kind,label", list(_cases()))
def test_variant(notebook, exercise, kind, label):
    outcomes, _ = report.results(notebook)
    (o,) = [o for o in outcomes if (o.exercise, o.kind, o.label) == (exercise, kind, label)]
    if kind == "valid":
        assert not o.failed, f"a correct alternative was rejected: {o.message}"
    else:
        assert o.failed, "this known-wrong answer passed every test of its exercise"
        assert o.diagnosis_matched is not False, f"the message does not name {o.diagnosis!r}: {o.message}"


@pytest.mark.parametrize("notebook", harness.notebooks())
def test_every_exercise_has_a_catalogue(notebook):
    entries = harness.catalogue(notebook)
    _, unused = report.results(notebook)
    assert not unused, f"catalogue entries that match no solution cell: {unused}"
    for gid in harness.solution_ids(notebook):
        assert len(entries.get(gid, {}).get("mutants", [])) >= MIN_MUTANTS, f"{gid}: fewer than {MIN_MUTANTS} mutants"
        assert len(entries.get(gid, {}).get("valid", [])) >= MIN_VALID, f"{gid}: fewer than {MIN_VALID} alternatives"


def test_table_in_docs_is_current():
    with open(harness.ROOT / "docs" / "mutants.md", encoding="utf-8") as fh:
        assert fh.read() == report.markdown(), "run: python -m tests.mutants.report --write docs/mutants.md"
