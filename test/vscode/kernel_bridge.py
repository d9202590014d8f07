"""A real IPython kernel behind JSON lines on stdio, for the test-only notebook controller.

stdin:  {"op": "execute", "id": "…", "code": "…"} | {"op": "interrupt"} | {"op": "shutdown"}
stdout: {"id": "…", "type": "<iopub msg_type>", "content": {…}} for each iopub message of an
        execution, then {"id": "…", "type": "done", "content": <execute_reply content>};
        {"type": "ready"} once the kernel answers.
Executions run one at a time, in order; an interrupt is sent at once (the kernel raises
KeyboardInterrupt in the running code). The kernel ends with stdin.
"""
import json
import queue
import sys
import threading

from jupyter_client import KernelManager


def send(msg):
    sys.stdout.write(json.dumps(msg, default=str) + "\n")
    sys.stdout.flush()


def main():
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    send({"type": "ready"})
    jobs = queue.Queue()

    def read_stdin():
        for line in sys.stdin:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("op") == "interrupt":
                km.interrupt_kernel()
            else:
                jobs.put(msg)
        jobs.put({"op": "shutdown"})

    threading.Thread(target=read_stdin, daemon=True).start()
    while True:
        job = jobs.get()
        if job.get("op") != "execute":
            break
        parent = kc.execute(job["code"])
        while True:
            msg = kc.get_iopub_msg()
            if msg["parent_header"].get("msg_id") != parent:
                continue
            kind = msg["msg_type"]
            if kind == "status":
                if msg["content"]["execution_state"] == "idle":
                    break
                continue
            send({"id": job["id"], "type": kind, "content": msg["content"]})
        reply = kc.get_shell_msg(timeout=30)
        while reply["parent_header"].get("msg_id") != parent:
            reply = kc.get_shell_msg(timeout=30)
        send({"id": job["id"], "type": "done", "content": reply["content"]})
    kc.stop_channels()
    km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
