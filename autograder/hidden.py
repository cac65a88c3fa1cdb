"""Find the regions between nbgrader's hidden-test markers, and checks in them."""
import re

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CHECK_CALL = re.compile(r"\bcheck_(close|gradient)\(")


def hidden_regions(source):
    """The text of each hidden-test region in a cell's source."""
    return re.findall(re.escape(BEGIN) + r"(.*?)" + re.escape(END), source, flags=re.S)


def strip_hidden(source):
    """The source without its hidden-test regions (what a learner's copy holds)."""
    kept = re.sub(r"[ \t]*" + re.escape(BEGIN) + r".*?" + re.escape(END) + r"[ \t]*\n?", "", source, flags=re.S)
    return kept


def _call_text(text, start):
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0 and text[i] == ")":
            return text[start:i + 1]
    return text[start:]


def unflagged_hidden_checks(source):
    """Check calls inside hidden regions that lack hidden=True."""
    found = []
    for region in hidden_regions(source):
        for match in CHECK_CALL.finditer(region):
            call = region[match.start():match.end() - 1] + _call_text(region, match.end() - 1)
            if "hidden=True" not in call:
                found.append(" ".join(call.split())[:80])
    return found
