"""Ask the real tslab kernel what Shift-Tab shows: an inspect_request at a cursor position.

usage: inspect_in_kernel.py CWD SETUP_CODE CODE CURSOR — prints the reply's text/plain.
"""
import sys

from jupyter_client.manager import start_new_kernel


def main() -> None:
    cwd, setup, code, cursor = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    km, kc = start_new_kernel(kernel_name="tslab", cwd=cwd)
    try:
        kc.execute_interactive(setup, timeout=120)
        reply = kc.inspect(code, cursor_pos=cursor, reply=True, timeout=60)
        print(reply["content"].get("data", {}).get("text/plain", ""))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
