"""Bounded outputs: nothing a kernel sends can grow the grading worker without limit.

nbclient keeps every output a kernel sends, and a student's kernel may print
1.5 GB. Like nbgrader's LimitOutput, but while the cell runs, BoundedClient
caps each output and all output of one notebook; a cut output ends with a line
that says so. Check records (records.MIME) have a budget of their own, so that
a student's prints never cost a test cell its records; a cell's first error is
always kept (shortened), since the verdict reads it. A message over UNREAD
bytes is not even parsed, and widget state is not kept.
"""
import re

import nbformat
import zmq
from nbclient import NotebookClient
from nbclient.util import run_sync

from ..records import MIME
from .ready import ready

OUTPUT_CAP = 1024 ** 2          # characters of one output (a check record aside)
NOTEBOOK_CAP = 16 * 1024 ** 2   # characters of all outputs of one notebook (check records aside)
RECORD_CAP = 8 * 1024 ** 2      # characters of one check record: arrays of up to about 700,000 numbers
RECORDS_CAP = 64 * 1024 ** 2    # characters of all check records of one notebook
UNREAD = RECORD_CAP             # bytes of a message's content over which it is replaced by a note, unparsed
RECONNECT_MS = 10               # how often the client retries to reach a starting kernel
SHORT_ERROR = 300               # characters kept of an error once the notebook's budget is spent


class BoundedClient(NotebookClient):
    """An nbclient NotebookClient whose outputs are capped (see the module docstring)."""

    def __init__(self, nb, km=None, **kw):
        super().__init__(nb, km=km, store_widget_state=False, **kw)
        self.left = {"output": NOTEBOOK_CAP, "record": RECORDS_CAP}
        self.noted = set()   # cells that already say that their output was cut

    async def async_start_new_kernel_client(self):
        """nbclient's own, with large messages left unparsed (zmq's MAXMSGSIZE would drop them, but it
        also cuts the connection: every later output of the notebook would be lost), and ready sooner."""
        from nbclient.util import ensure_async

        self.kc = self.km.client()
        # The client connects before the kernel has bound its sockets, and zmq retries every 100 ms:
        # every 10 ms, the first cell starts as soon as the kernel is up.
        self.kc.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        self.kc.session.deserialize = _unparsed_if_large(self.kc.session.deserialize)
        try:
            await ensure_async(self.kc.start_channels())
            await ready(self.kc, self.startup_timeout)
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)   # nbclient's wraps its own

    def output(self, outs, msg, display_id, cell_index):
        try:
            kind, size = _measure(msg["content"])
        except Exception:  # noqa: BLE001 - a malformed message from the kernel is dropped, never raised
            return self._note(outs, cell_index, "an output the grader could not read was dropped")
        budget = "record" if kind == "record" else "output"
        cap = min(cap_of(kind), self.left[budget])
        if size > cap and kind == "error":   # the verdict reads a cell's error: it is kept, shortened
            msg = dict(msg, content=_short_error(msg["content"], max(cap, SHORT_ERROR)))
        elif size > cap and (kind == "record" or cap < SHORT_ERROR):   # a record cannot be cut in half
            why = "it was too large" if size > cap_of(kind) else "the notebook's outputs reached their limit"
            return self._note(outs, cell_index, f"an output of {size:,} characters was dropped: {why}")
        elif size > cap:
            msg = _cut(msg, cap, size)
        self.left[budget] -= _measure(msg["content"])[1]
        return super().output(outs, msg, display_id, cell_index)

    def process_message(self, msg, cell, cell_index):
        from nbclient.exceptions import CellExecutionComplete
        try:
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            raise
        except Exception:  # noqa: BLE001 - as in output()
            return self._note(cell.outputs, cell_index, "a message the grader could not read was dropped")

    def _note(self, outs, cell_index, text):
        if cell_index not in self.noted:
            self.noted.add(cell_index)
            outs.append(nbformat.v4.new_output("stream", name="stderr", text=f"[output truncated: {text}]\n"))
        return None

    def _update_display_id(self, display_id, msg):
        """An update replaces a shown output's data: it is charged like a new output."""
        try:
            _, size = _measure(msg["content"])
        except Exception:  # noqa: BLE001 - as in output()
            return
        if size <= min(OUTPUT_CAP, self.left["output"]):
            self.left["output"] -= size
            super()._update_display_id(display_id, msg)

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widgets are not graded; their messages are not kept."""


def _unparsed_if_large(deserialize):
    """Session.deserialize, except that a message whose content is over UNREAD bytes is not parsed (that
    would take several times its size): its content becomes a note of the same type, which output() keeps."""
    def bounded(msg_list, content=True, copy=True):
        if not (content and copy and len(msg_list) > 4 and len(msg_list[4]) > UNREAD):
            return _as_dicts(deserialize(msg_list, content=content, copy=copy))
        msg = _as_dicts(deserialize(msg_list, content=False, copy=copy), ("header", "parent_header", "metadata"))
        msg["content"] = _stand_in(msg["header"].get("msg_type"), msg["content"])
        return msg
    return bounded


def _as_dicts(msg, parts=("header", "parent_header", "metadata", "content")):
    """msg with each of its parts a dict, as nbclient assumes (a kernel may send any JSON there)."""
    for part in parts:
        if not isinstance(msg.get(part), dict):
            msg[part] = {}
    return msg


def _stand_in(msg_type, raw):
    """The content of a too-large message of msg_type: a note, and what nbclient and the verdict read of
    an error (its name, and the reply's status)."""
    note = f"[output truncated: a message of {len(raw):,} bytes was not read]"
    if msg_type in ("error", "execute_reply"):
        error = {"ename": _field(raw, "ename") or "Error", "evalue": note, "traceback": []}
        if msg_type == "error":
            return error
        count = re.search(rb'"execution_count": (\d{1,9})', raw[:4096] + raw[-4096:])
        return {**error, "status": _field(raw, "status") or "error", "payload": [], "user_expressions": {},
                "execution_count": int(count.group(1)) if count else None}
    if msg_type in ("display_data", "execute_result", "update_display_data"):
        return {"data": {"text/plain": note}, "metadata": {}, "transient": {}}
    return {"name": "stdout", "text": note + "\n"}


def _field(raw, key):
    """The short string value of key in raw JSON bytes, or None."""
    found = re.search(b'"' + key.encode() + rb'": "([^"\\]{0,200})"', raw)
    return found.group(1).decode("utf-8", "replace") if found else None


def cap_of(kind):
    return RECORD_CAP if kind == "record" else OUTPUT_CAP


def _measure(content):
    """('record' | 'error' | 'output', characters) of one output message's content."""
    data = content.get("data")
    if isinstance(data, dict) and MIME in data:
        kind = "record"
    else:
        kind = "error" if "ename" in content else "output"
    return kind, _size(content)


def _size(value):
    """About how many characters value takes as JSON, without making that JSON."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
        total += len(item) + 2 if isinstance(item, str) else 4
    return total


def _cut(msg, cap, size):
    """msg with its text cut to cap characters, a line saying so, and nothing else that is large."""
    content = msg["content"]
    note = f"\n[output truncated: {size:,} characters, over the limit of {cap:,}]\n"
    if isinstance(content.get("text"), str):
        new = {"name": content.get("name", "stdout"), "text": content["text"][:cap] + note}
    else:
        plain = content.get("data", {}).get("text/plain", "")
        plain = plain if isinstance(plain, str) else ""
        new = {"data": {"text/plain": plain[:cap] + note}, "metadata": {}}
        if "execution_count" in content:
            new["execution_count"] = content["execution_count"]
    return dict(msg, content=new)


def _short_error(content, cap):
    """An error message's content, its text and traceback cut to fit about cap characters in all."""
    ename, evalue = str(content.get("ename", ""))[:200], str(content.get("evalue", ""))[:cap]
    lines, room = [], cap - len(evalue)
    for line in content.get("traceback", []) if isinstance(content.get("traceback"), list) else []:
        line = str(line)
        if len(line) > room:
            lines.append("[traceback truncated]")
            break
        lines.append(line)
        room -= len(line)
    return {"ename": ename, "evalue": evalue, "traceback": lines}
