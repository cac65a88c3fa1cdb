"""Small helpers for notebook cells that run the learner's code outside a graded test."""

# What an unfinished exercise raises: its stub, a function not defined yet, or (03) a method
# not yet attached to the class.
UNFINISHED = (NotImplementedError, NameError, AttributeError)


class uses_your_code:  # noqa: N801 - used as `with uses_your_code():`, like a statement
    """Run a cell's body; if an exercise it needs is not done yet, say so in one line instead of failing.

    A plot or slider cell calls the learner's functions. Before the learner has
    written them, they raise NotImplementedError (or a name is undefined); the
    cell should then explain, not show a traceback.

    exercises: the names of the exercises the cell needs (`with uses_your_code("topo_order", "backward"):`).
    """

    def __init__(self, *exercises):
        self.exercises = exercises

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None or not issubclass(kind, UNFINISHED):
            return False
        which = ("your exercise " if len(self.exercises) == 1 else "your exercises ") + ", ".join(self.exercises)
        detail = f": {value}" if str(value) else ""
        print(f"This cell waits for {which if self.exercises else 'an exercise above'} "
              f"(not finished yet: {kind.__name__}{detail}).")
        return True
