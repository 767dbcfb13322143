#!/usr/bin/env python3
"""An external-auth manager for management-client-auth (OpenVPN's protocol),
as the Duo/OTP/SSO helpers packaged for OpenVPN work.

  mgmt_cauth.py HOST:PORT TRANSCRIPT STOPFILE

Connects (retrying), then answers each >CLIENT:CONNECT / REAUTH by the
client's common_name from its >CLIENT:ENV lines:
  cli1  client-auth with a config block (push "setenv-safe FROM_MGMT yes")
  cli2  client-deny CID KID "test says no" "not you"
  cli3  client-pending-auth CID KID "WEB_AUTH::https://sso.example/x" 30,
        then client-auth-nt one second later
  else  client-auth-nt
With CAUTH_MODE=pending (the client's side of pending auth,
client_authpending.sh) instead:
  cli1  client-pending-auth "WEB_AUTH::https://sso.example/x" 30, then
        client-auth-nt CAUTH_DELAY seconds later (default 1)
  cli2  client-pending-auth "CR_TEXT:R,E:Enter your code" 30, then
        client-auth-nt once its >CLIENT:CR_RESPONSE came
Every line received is appended to TRANSCRIPT as "< line", every line sent
as "> line". Runs until STOPFILE exists (CAUTH_SECONDS, default 60, at
most).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mgmt_client import LineReader, connect  # noqa: E402


def main():
    out = open(sys.argv[2], "a", buffering=1)
    stop = sys.argv[3]
    end = time.monotonic() + float(os.environ.get("CAUTH_SECONDS", "60"))
    s = connect(sys.argv[1])
    s.settimeout(0.1)

    def send(line):
        out.write("> " + line + "\n")
        s.sendall(line.encode() + b"\n")

    rd = LineReader(s)
    req = None          # (kind, cid, kid) of the request being read
    env = {}
    later = []          # (time, line) to send then
    pending = os.environ.get("CAUTH_MODE") == "pending"
    delay = float(os.environ.get("CAUTH_DELAY", "1"))
    while time.monotonic() < end and not os.path.exists(stop):
        now = time.monotonic()
        for t, line in [x for x in later if x[0] <= now]:
            send(line)
        later = [x for x in later if x[0] > now]
        lines = rd.next()
        if lines is None:
            break
        for line in lines:
            out.write("< " + line + "\n")
            if line.startswith(">INFO:"):
                send("state on")
                send("state all")
            if line.startswith(">CLIENT:CR_RESPONSE,") and pending:
                cid, kid = line[len(">CLIENT:CR_RESPONSE,"):].split(",")[:2]
                send(f"client-auth-nt {cid} {kid}")
            if line.startswith((">CLIENT:CONNECT,", ">CLIENT:REAUTH,")):
                kind, cid, kid = line[8:].split(",")
                req, env = (kind, cid, kid), {}
            elif line.startswith(">CLIENT:ENV,") and req:
                kv = line[12:]
                if kv != "END":
                    k, _, v = kv.partition("=")
                    env[k] = v
                    continue
                _, cid, kid = req
                cn = env.get("common_name", "")
                if pending and req[0] == "CONNECT" and cn == "cli1":
                    send(f'client-pending-auth {cid} {kid} '
                         f'"WEB_AUTH::https://sso.example/x" 30')
                    later.append((time.monotonic() + delay,
                                  f"client-auth-nt {cid} {kid}"))
                elif pending and req[0] == "CONNECT" and cn == "cli2":
                    send(f'client-pending-auth {cid} {kid} '
                         f'"CR_TEXT:R,E:Enter your code" 30')
                elif cn == "cli1":
                    send(f"client-auth {cid} {kid}")
                    send('push "setenv-safe FROM_MGMT yes"')
                    send("END")
                elif cn == "cli2":
                    send(f'client-deny {cid} {kid} "test says no" "not you"')
                elif cn == "cli3" and req[0] == "CONNECT":
                    send(f'client-pending-auth {cid} {kid} '
                         f'"WEB_AUTH::https://sso.example/x" 30')
                    later.append((time.monotonic() + 1,
                                  f"client-auth-nt {cid} {kid}"))
                else:
                    send(f"client-auth-nt {cid} {kid}")
                req = None
    return 0


if __name__ == "__main__":
    sys.exit(main())
