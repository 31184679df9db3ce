#!/usr/bin/env python3
"""Start-up time: launches a command and polls URL until it answers 200; prints the milliseconds from
launch to that first 200, then stops the process. Exit 1 (with the process's output tail) if it never does.
Usage: startup.py [--stats] TIMEOUT_S URL -- CMD ARGS...
--stats prints "ms cpu_ms rss_kb rss_1s_kb": also the process's CPU time (user + system) and RSS at that first
200, and its RSS 1 s later (CMD must exec the server itself, e.g. through env, not fork it).
"""
import os, signal, socket, subprocess, sys, tempfile, time
from urllib.parse import urlparse

stats = sys.argv[1] == "--stats"
if stats:
    del sys.argv[1]
timeout_s, url = float(sys.argv[1]), sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
u = urlparse(url)
request = f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nConnection: close\r\n\r\n".encode()


def status():
    try:
        with socket.create_connection((u.hostname, u.port), timeout=1) as s:
            s.sendall(request)
            head = s.recv(64)
            return int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else None
    except (OSError, ValueError, IndexError):
        return None


def cpu_ms_and_rss_kb(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu_ms = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return cpu_ms, rss


log = tempfile.TemporaryFile()
start = time.perf_counter()
proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
try:
    while time.perf_counter() - start < timeout_s:
        if status() == 200:
            ms = (time.perf_counter() - start) * 1000
            if not stats:
                print(f"{ms:.0f}")
                sys.exit(0)
            cpu_ms, rss = cpu_ms_and_rss_kb(proc.pid)
            time.sleep(1)
            print(f"{ms:.0f} {cpu_ms:.0f} {rss} {cpu_ms_and_rss_kb(proc.pid)[1]}")
            sys.exit(0)
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    log.seek(0)
    tail = log.read().decode(errors="replace")[-2000:]
    print(f"startup.py: no 200 from {url} (exit code {proc.poll()}); output:\n{tail}", file=sys.stderr)
    sys.exit(1)
finally:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
