#!/usr/bin/env python3
"""Starts maskline-server and times its cold start: from exec to the "listening on" line on its stdout.

  start.py WORKDIR SERVER [server arguments…]

Picks a free port, passes --listen 127.0.0.1:PORT, and prints "PORT MILLISECONDS PID" once the server listens;
the server keeps running (its output goes on into WORKDIR/server.out, .err) for the caller to load and kill.
"""
import os
import socket
import subprocess
import sys
import time

work, server, *args = sys.argv[1:]
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()

err = open(os.path.join(work, "server.err"), "wb")
start = time.monotonic()
proc = subprocess.Popen([server, *args, "--listen", f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=err)
for line in proc.stdout:
    if b"listening on" in line:
        elapsed_ms = (time.monotonic() - start) * 1000
        break
else:
    sys.exit(f"start.py: {server} exited with {proc.wait()} before listening")

# Keep draining stdout so the server never blocks on a full pipe; the child outlives this script's output.
if os.fork() == 0:
    with open(os.path.join(work, "server.out"), "wb") as out:
        for line in proc.stdout:
            out.write(line)
    os._exit(0)
print(port, round(elapsed_ms), proc.pid, flush=True)
