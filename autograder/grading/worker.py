"""What a grading worker process loads once, before its first job (the forkserver's preload).

Workers fork from a clean server process, never from the grader's own, which
runs threads (a background import, tqdm): a fork taken while another thread
holds the import lock would leave the worker waiting on that lock for ever.
"""
import sys

# jsonschema (under nbformat) parses an IRI grammar at import when rfc3987_syntax is installed: about a
# second per process for a string format that notebooks never use.
sys.modules.setdefault("rfc3987_syntax", None)

import nbclient  # noqa: E402,F401 - loaded here so that every forked worker starts with it
import nbformat  # noqa: E402,F401

from . import parallel, sandbox  # noqa: E402,F401
