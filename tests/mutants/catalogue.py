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
