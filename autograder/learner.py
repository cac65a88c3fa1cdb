"""Small helpers for notebook cells that run the learner's code outside a graded test."""


class uses_your_code:  # noqa: N801 - used as `with uses_your_code():`, like a statement
    """Run a cell's body; if an exercise it needs is not done yet, say so instead of failing.

    A plot or slider cell calls the learner's functions. Before the learner has
    written them, they raise NotImplementedError (or a name is undefined); the
    cell should then explain, not show a traceback.
    """

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None and issubclass(kind, (NotImplementedError, NameError)):
            detail = f": {value}" if str(value) else ""
            print(f"This cell uses your code from an exercise above, which is not finished yet ({kind.__name__}{detail}).")
            return True
        return False
