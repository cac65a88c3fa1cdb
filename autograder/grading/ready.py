"""A sandboxed kernel is ready when it has answered kernel_info and said idle on IOPub; no sooner, no later.

jupyter_client's wait_for_ready then waits 0.2 s more for IOPub to fall silent: a
fifth of a second of every submission, paid while the core it runs on idles.
"""
import asyncio
import time
from queue import Empty


async def ready(kc, timeout):
    """jupyter_client's wait_for_ready less its fixed wait: done once the kernel has answered kernel_info
    on the shell channel and said idle on IOPub (so IOPub is connected, and drained up to that point)."""
    deadline, asked = time.monotonic() + timeout, set()
    while time.monotonic() < deadline:
        asked.add(kc.kernel_info())   # asked again while unanswered: the first may predate the connection
        try:
            reply = await kc.shell_channel.get_msg(timeout=0.5)
        except Empty:
            if not await kc._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info") from None
            continue
        answered = reply["parent_header"].get("msg_id")
        if answered in asked and await _idle_after(kc, answered, deadline):
            kc._handle_kernel_info_reply(reply)
            return
        await asyncio.sleep(0)
    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


async def _idle_after(kc, msg_id, deadline):
    """Read IOPub up to the kernel's idle status for msg_id; False if IOPub is not connected yet."""
    while time.monotonic() < deadline:
        try:
            msg = await kc.iopub_channel.get_msg(timeout=0.2)
        except Empty:
            return False
        if msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id \
                and msg["content"].get("execution_state") == "idle":
            return True
    return False
