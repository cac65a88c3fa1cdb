"""The shapes of a mutant catalogue entry. One file per notebook, NN_name.py, holds EXERCISES."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    """A known-wrong version of a solution cell. It must fail that exercise's tests.

    diagnosis: a word the failure message must contain (case-insensitive), for a
    mistake the diagnosis claims to recognise ("sign", "transpose", "1/m", ...);
    None where no specific diagnosis is claimed.
    """
    label: str
    code: str
    diagnosis: str | None = None


@dataclass(frozen=True)
class Valid:
    """A different but correct version of a solution cell. It must pass."""
    label: str
    code: str


def quiz_code(*answers):
    """The quiz cell's code for these answers: q1 = ..., q2 = ..., ..."""
    return "".join(f"q{i} = {a!r}\n" for i, a in enumerate(answers, 1))


def quiz(right, wrong):
    """A quiz entry: the labelled wrong answer sets, plus the cases every quiz shares."""
    blank = [""] * len(right)
    return {
        "mutants": [Mutant(label, quiz_code(*answers)) for label, answers in wrong] + [
            Mutant("unanswered", quiz_code(*blank), "one letter"),
            Mutant("answers as numbers", quiz_code(*range(1, len(right) + 1)), "one letter")],
        "valid": [Valid("upper case", quiz_code(*(a.upper() for a in right))),
                  Valid("with spaces", quiz_code(*(f" {a} " for a in right)))],
    }
