"""Drive one real tslab kernel through a list of steps and time what it sends back.

usage: kernel_session.py CWD OUT < steps.json — writes one JSON object to OUT: {"steps": [...]}.
The kernel's own stdout and stderr go to CWD/kernel.log: a Node kernel that shared this process's
stdout could make it non-blocking and cut a long result short.
A step is {"code": str, "interruptOnText": str?, "interruptAfterS": float?, "timeoutS": float?}.
Each step's result lists every iopub message of the execution with its arrival time in seconds
from the execute request ("t"), its type and content; with an interrupt, "interruptAtS" is when
the interrupt was sent (after the first message whose JSON contains interruptOnText, then
interruptAfterS more seconds), "idleAtS" when the kernel went idle again, and "status" the
execute reply's status. After a failed step it waits 0.4 s: tslab cancels requests that arrive
within 200 ms of an error.
"""
import json
import os
import sys
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel


def run_step(km, kc, step):
    started = time.monotonic()
    msg_id = kc.execute(step["code"])
    timeout_s = step.get("timeoutS", 120)
    on_text = step.get("interruptOnText")
    after_s = step.get("interruptAfterS")
    seen_text_at = None if on_text else 0.0
    interrupt_at = None
    messages = []
    idle_at = None
    while idle_at is None:
        now = time.monotonic() - started
        if now > timeout_s:
            break
        if interrupt_at is None and after_s is not None and seen_text_at is not None and now >= seen_text_at + after_s:
            km.interrupt_kernel()
            interrupt_at = time.monotonic() - started
        try:
            msg = kc.get_iopub_msg(timeout=0.01)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id and msg["msg_type"] != "update_display_data":
            continue
        t = time.monotonic() - started
        content = msg["content"]
        messages.append({"t": t, "type": msg["msg_type"], "content": content})
        if seen_text_at is None and on_text in json.dumps(content):
            seen_text_at = t
        if msg["msg_type"] == "status" and content.get("execution_state") == "idle" and msg["parent_header"].get("msg_id") == msg_id:
            idle_at = t
    status = None
    while status is None and time.monotonic() - started < timeout_s + 10:
        try:
            reply = kc.get_shell_msg(timeout=1)
        except Empty:
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            status = reply["content"].get("status")
    if status != "ok":
        # After an error tslab cancels what arrives in the next 200 ms (its execQueue.reset(200)).
        time.sleep(0.4)
    return {"messages": messages, "interruptAtS": interrupt_at, "idleAtS": idle_at, "status": status}


def main() -> None:
    cwd, out = sys.argv[1], sys.argv[2]
    steps = json.load(sys.stdin)
    with open(os.path.join(cwd, "kernel.log"), "wb") as log:
        km, kc = start_new_kernel(kernel_name="tslab", cwd=cwd, stdout=log, stderr=log)
        try:
            results = [run_step(km, kc, step) for step in steps]
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"steps": results}, f)


if __name__ == "__main__":
    main()
