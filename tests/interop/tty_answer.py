#!/usr/bin/env python3
"""Run a command on a fresh pseudo-terminal and answer its questions.

  tty_answer.py LOG PROMPT ANSWER [PROMPT ANSWER ...] -- CMD [ARGS...]

Everything the command writes goes to LOG. Each PROMPT, once seen, is
answered with ANSWER and a newline, in order. SIGTERM is passed on to the
command; the exit status is the command's. Bounded: 120 s at most.
"""
import os
import pty
import select
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    log, pairs, cmd = args[0], args[1:sep], args[sep + 1:]
    qa = list(zip(pairs[0::2], pairs[1::2]))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
    seen = b""
    deadline = time.monotonic() + 120
    with open(log, "wb", buffering=0) as out:
        while time.monotonic() < deadline:
            try:
                r, _, _ = select.select([fd], [], [], 0.5)
            except InterruptedError:
                continue
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    break  # the command is gone
                if not data:
                    break
                out.write(data)
                seen += data
                while qa and qa[0][0].encode() in seen:
                    seen = seen.split(qa[0][0].encode(), 1)[1]
                    os.write(fd, qa[0][1].encode() + b"\n")
                    qa.pop(0)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        else:
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    main()
