#!/usr/bin/env python3
"""bench.py - the helpers of tests/bench/run (standard library only).

    bench.py ports N                 N free TCP ports on 127.0.0.1
    bench.py wrk FILE                "requests p99_us non2xx connect read
                                     write timeout" from wrk's output
    bench.py status PORT KEY.KEY     one field of GET /status
    bench.py wait-checks PORT N SECS wait until /status says N checks ran
    bench.py conns ...               hold many client connections (see -h)
    bench.py table RESULTS           the table, from the results file
    bench.py monit-cpu PID FILE K N  Monit's CPU per run over K cycles
    bench.py wait-health PORT SECS   wait until GET /health answers 200
"""

import argparse
import errno
import json
import os
import re
import resource
import select
import socket
import statistics
import sys
import time

HOST = "127.0.0.1"
GET = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
GET_CLOSE = (b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             b"Connection: close\r\n\r\n")


def die(msg):
    print("bench.py: " + msg, file=sys.stderr)
    sys.exit(1)


# --- small commands ----------------------------------------------------------

def cmd_ports(args):
    socks = []
    for _ in range(args.n):
        s = socket.socket()
        s.bind((HOST, 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


def to_us(value, unit):
    return float(value) * {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 6e7}[unit]


def cmd_wrk(args):
    with open(args.file, encoding="utf-8", errors="replace") as f:
        text = f.read()
    m = re.search(r"^\s*(\d+) requests in", text, re.M)
    if m is None:
        die("no request count in wrk's output " + args.file + ":\n" + text)
    out = [m.group(1)]
    m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\b", text, re.M)
    out.append("%.1f" % to_us(m.group(1), m.group(2)) if m else "-")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out.append(m.group(1) if m else "0")
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", text)
    out.extend(m.groups() if m else ["0", "0", "0", "0"])
    print(" ".join(out))


def http_get(port, path, timeout=5.0):
    """A whole answer to GET path (Connection: close): (code, body)."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def status(port):
    code, body = http_get(port, "/status")
    if code != 200:
        die("GET /status answered %d" % code)
    return json.loads(body)


def cmd_status(args):
    v = status(args.port)
    for k in args.key.split("."):
        v = v[k]
    print(v)


def cmd_runs(args):
    """The runs of every check, summed (rows 13-15)."""
    print(sum(c.get("runs", 0) for c in status(args.port)["checks"]))


def cmd_wait_checks(args):
    deadline = time.monotonic() + args.secs
    ran = 0
    while time.monotonic() < deadline:
        try:
            checks = status(args.port)["checks"]
            ran = sum(1 for c in checks if c.get("ran"))
            if len(checks) == args.n and ran == args.n:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    die("only %d of %d checks ran within %d s" % (ran, args.n, args.secs))


# --- rows 18 and 19: Monit ---------------------------------------------------

def cpu_ns(pid):
    with open("/proc/%d/schedstat" % pid) as f:
        return int(f.read().split()[0])


def lines_in(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def cmd_monit_cpu(args):
    """Monit's CPU (schedstat) per program run over args.k whole cycles:
    the window opens and closes as a cycle begins (a line more in FILE,
    which the first program of each cycle appends to); each cycle runs
    args.n programs."""
    deadline = time.monotonic() + 20 + 10 * args.k
    seen = lines_in(args.file)
    start = None
    while time.monotonic() < deadline:
        n = lines_in(args.file)
        if n != seen:
            if start is None:
                start, s0 = n, cpu_ns(args.pid)
            elif n >= start + args.k:
                print("%.0f" % ((cpu_ns(args.pid) - s0) /
                                ((n - start) * args.n)))
                return
            seen = n
        time.sleep(0.005)
    die("Monit did not run %d cycles in time" % args.k)


def cmd_wait_health(args):
    deadline = time.monotonic() + args.secs
    code = None
    while time.monotonic() < deadline:
        try:
            code, _ = http_get(args.port, "/health", timeout=args.secs)
            if code == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    die("GET /health did not answer 200 within %d s (last: %s)"
        % (args.secs, code))


# --- many connections --------------------------------------------------------

def rss_anon_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    die("no RssAnon in /proc/%d/status" % pid)
    return 0


def answer_complete(buf):
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", buf[:end])
    return len(buf) >= end + 4 + (int(m.group(1)) if m else 0)


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= need:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (max(need, min(hard, 1 << 20)), max(need, hard)))
    except (ValueError, OSError):
        die("cannot raise the descriptor limit to %d (hard limit %d)"
            % (need, hard))


def hard_close(s):
    """Close with a reset: no TIME_WAIT left behind on the client side."""
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
    s.close()


def open_many(port, count, do_get, inflight, secs):
    """count connections (each with one GET if do_get), left open."""
    ep = select.epoll()
    state = {}        # fd -> [sock, phase, buf]
    idle = []
    started = busy = connected = answered = failed = 0
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        while started < count and busy < inflight:
            s = socket.socket()
            s.setblocking(False)
            started += 1
            err = s.connect_ex((HOST, port))
            if err not in (0, errno.EINPROGRESS):
                failed += 1
                s.close()
                continue
            state[s.fileno()] = [s, "connect", b""]
            ep.register(s.fileno(), select.EPOLLOUT)
            busy += 1
        if busy == 0 and started >= count:
            break
        for fd, _ in ep.poll(0.2):
            st = state[fd]
            s = st[0]
            done = False
            if st[1] == "connect":
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    failed += 1
                    done = True
                else:
                    connected += 1
                    if do_get:
                        s.send(GET)
                        st[1] = "get"
                        ep.modify(fd, select.EPOLLIN)
                    else:
                        done = True
                        idle.append(s)
            else:
                try:
                    chunk = s.recv(65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    failed += 1
                    done = True
                else:
                    st[2] += chunk
                    if answer_complete(st[2]):
                        answered += 1
                        done = True
                        idle.append(s)
            if done:
                ep.unregister(fd)
                del state[fd]
                busy -= 1
    # Those still under way (no handshake, no answer) stay open too.
    pending = [st[0] for st in state.values()]
    ep.close()
    return idle, pending, {"started": started, "connected": connected,
                           "answered": answered, "failed": failed,
                           "pending": len(pending)}


def still_open(socks):
    n = 0
    for s in socks:
        try:
            if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                continue
            n += 1          # something to read: open, if unexpected
        except BlockingIOError:
            n += 1
        except OSError:
            pass
    return n


def fresh_get(port, timeout):
    """One GET /health on a new connection: (result, ms)."""
    t0 = time.monotonic()
    deadline = t0 + timeout
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect((HOST, port))
        s.sendall(GET_CLOSE)
        buf = b""
        while not answer_complete(buf):
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            s.settimeout(left)
            chunk = s.recv(65536)
            if not chunk:
                return "closed", (time.monotonic() - t0) * 1e3
            buf += chunk
        return "ok", (time.monotonic() - t0) * 1e3
    except ConnectionRefusedError:
        return "refused", (time.monotonic() - t0) * 1e3
    except ConnectionResetError:
        return "reset", (time.monotonic() - t0) * 1e3
    except socket.timeout:
        return "timeout", (time.monotonic() - t0) * 1e3
    finally:
        hard_close(s)


def cmd_conns(args):
    raise_nofile(args.count + 256)
    before = rss_anon_kib(args.pid)
    idle, pending, info = open_many(args.port, args.count, args.get,
                                    args.inflight, args.open_secs)
    time.sleep(args.settle)
    info["before_kib"] = before
    info["after_kib"] = rss_anon_kib(args.pid)
    fresh = []
    for i in range(args.fresh):
        if i:
            time.sleep(0.2)
        fresh.append(fresh_get(args.port, args.fresh_timeout))
    info["fresh"] = fresh
    info["open_at_end"] = still_open(idle)
    for s in idle + pending:
        hard_close(s)
    print(json.dumps(info))


# --- the table ---------------------------------------------------------------

def read_results(path):
    res = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                key, _, value = line.partition(" ")
                res[key] = value
    return res


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt_ns(ns):
    if ns is None:
        return None
    if ns < 1e3:
        return "%.0f ns" % ns
    if ns < 1e6:
        return "%.2f µs" % (ns / 1e3)
    return "%.2f ms" % (ns / 1e6)


def fmt_us(us):
    if us is None:
        return None
    if us < 1e3:
        return "%.0f µs" % us
    return "%.2f ms" % (us / 1e3)


def fmt_bytes(b):
    if b is None:
        return None
    if abs(b) < 10240:
        return "%.0f B" % b
    return "%.1f KiB" % (b / 1024)


def conns_json(v):
    try:
        return json.loads(v)
    except (TypeError, ValueError):
        return None


def per_conn(v, count):
    j = conns_json(v)
    if j is None:
        return None, None
    delta = (j["after_kib"] - j["before_kib"]) * 1024.0
    return delta / count, j


def short(j, count):
    """What went wrong while opening count connections, or ""."""
    if j is None or j["answered"] == count:
        return ""
    return " (only %d of %d answered, %d open at the end)" % (
        j["answered"], count, j["open_at_end"])


def fresh_text(j, fresh_timeout):
    if j is None:
        return None
    ok = [ms for r, ms in j["fresh"] if r == "ok"]
    bad = [r for r, _ in j["fresh"] if r != "ok"]
    n = len(j["fresh"])
    if not bad:
        text = "%.2f ms" % statistics.median(ok)
    elif not ok:
        what = bad[0]
        text = {"timeout": "no answer in %g s" % fresh_timeout,
                "closed": "closed, no answer",
                "reset": "reset, no answer",
                "refused": "refused"}.get(what, what)
        if len(set(bad)) > 1:
            text += " (" + ", ".join(sorted(set(bad))) + ")"
    else:
        text = "%.2f ms, %d of %d unanswered (%s)" % (
            statistics.median(ok), len(bad), n, ", ".join(sorted(set(bad))))
    return text + "; {:,} of {:,} idle kept".format(j["open_at_end"],
                                                     j["connected"])


def failures_text(v, extra=""):
    if v is None or v == "n/a":
        return None
    f = v.split()
    # requests p99 non2xx connect read write timeout [applied]
    text = "%s failed, %s socket errors" % (
        f[2], sum(int(x) for x in f[3:7]))
    detail = "connect %s, read %s, write %s, timeout %s" % tuple(f[3:7])
    if sum(int(x) for x in f[3:7]):
        text += " (" + detail + ")"
    return text + extra + "; %s requests" % f[0]


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    q = a / b
    # Three digits below 1: 0.0975× must not read as the 0.1× of a target.
    return ("%.2f×" if abs(q) >= 1 else "%#.3g×") % q


def cmd_table(args):
    r = read_results(args.results)
    md_name, ng_name = "mydaemon", "nginx"
    rows = []    # (figure, mydaemon, nginx, ratio, target)

    def cell(v):
        return "n/a" if v is None else v

    def cmp_row(label, key, fmt, target):
        a, b = num(r.get(key + ".md")), num(r.get(key + ".ng"))
        rows.append((label, cell(fmt(a)),
                     "n/a" if b is None else fmt(b), ratio(a, b), target))

    cmp_row("1. server CPU per request, -c50 keep-alive", "r1", fmt_ns,
            "≤ 0.8× nginx")
    cmp_row("2. the same, 16 requests pipelined per write", "r2", fmt_ns,
            "≤ 0.1× nginx")
    cmp_row("3. c1 latency p99", "r3", fmt_us, "≤ 1.0× nginx")
    n4 = int(r.get("r4.count", "5000"))
    a, ja = per_conn(r.get("r4.md"), n4)
    b, jb = per_conn(r.get("r4.ng"), n4)
    rows.append(("4. memory per idle keep-alive connection (RssAnon "
                 "delta / {:,})".format(n4),
                 cell(a is not None and fmt_bytes(a) + short(ja, n4) or None),
                 cell(b is not None and fmt_bytes(b) + short(jb, n4) or None),
                 ratio(a, b), "≤ 0.5× nginx"))
    a, b = num(r.get("r5.md")), num(r.get("r5.ng"))
    rows.append(("5. private memory after load (RssAnon)",
                 cell(a is not None and "%.0f KiB" % a or None),
                 cell(b is not None and "%.0f KiB" % b or None),
                 ratio(a, b), "≤ 512 KiB"))
    cmp_row("6. SIGHUP → first answer with the new config (median of %s)"
            % r.get("r6.count", "?"), "r6", fmt_us, "≤ 1 ms")
    extra = ""
    if r.get("r7.applied"):
        extra = " (%s reloads applied)" % r["r7.applied"]
    rows.append(("7. %s SIGHUPs during load (wrk -c50)" % r.get("r7.count",
                                                               "?"),
                 cell(failures_text(r.get("r7.md"), extra)),
                 cell(failures_text(r.get("r7.ng"))), "—",
                 "0 failed, 0 socket errors"))
    rows.append(("8. `restart` %s times during load (wrk -c50)"
                 % r.get("r8.count", "?"),
                 cell(failures_text(r.get("r8.md"), " (%s restarts ok)"
                                    % r.get("r8.ok", "?"))),
                 "—", "—", "0 refused, 0 failed"))
    prev = None
    for n in (10, 100, 1000):
        a = num(r.get("r9.%d" % n))
        text = None
        if a is not None:
            text = "%s per scrape (%s per check" % (fmt_ns(a), fmt_ns(a / n))
            if prev is not None:
                text += ", %s per added check" % fmt_ns(
                    (a - prev[1]) / (n - prev[0]))
            text += ")"
            prev = (n, a)
        rows.append(("9. /metrics, {:,} checks × 10 perfdata: CPU per "
                     "scrape".format(n), cell(text), "—", "—",
                     "linear in checks"))
    a, b = num(r.get("r10.md")), num(r.get("r10.ng"))
    rows.append(("10. idle wakeups in %s s, no client, no check "
                 "(voluntary_ctxt_switches)" % r.get("r10.secs", "?"),
                 cell(a is not None and "%.0f" % a or None),
                 cell(b is not None and "%.0f" % b or None),
                 "—", "0"))
    ft = num(r.get("r11.timeout")) or 5
    ja, jb = conns_json(r.get("r11.md")), conns_json(r.get("r11.ng"))
    rows.append(("11. slot exhaustion (512 slots, 10,000 idle): fresh "
                 "GET /health (median of %s)" % r.get("r11.count", "?"),
                 cell(fresh_text(ja, ft)), cell(fresh_text(jb, ft)), "—",
                 "milliseconds"))
    n12 = int(r.get("r12.count", "10000"))
    a, ja = per_conn(r.get("r12.md"), n12)
    b, jb = per_conn(r.get("r12.ng"), n12)

    def total(j, per):
        if j is None:
            return None
        return "%s total, %s per connection%s" % (
            fmt_bytes((j["after_kib"] - j["before_kib"]) * 1024.0),
            fmt_bytes(per), short(j, n12))
    rows.append(("12. cost of {:,} idle connections (RssAnon "
                 "delta)".format(n12),
                 cell(total(ja, a)), cell(total(jb, b)), ratio(a, b), "—"))

    for n, kind, plugin in ((13, "tcp", "check_tcp"),
                            (14, "http", "check_http"),
                            (15, "disk", "check_disk")):
        a, b = num(r.get("r%d.md" % n)), num(r.get("r%d.pl" % n))
        own = num(r.get("r%d.pl_daemon" % n))
        rows.append(("%d. CPU per check run: `%s =` probe vs `command = "
                     "%s` (daemon + plugin)" % (n, kind, plugin),
                     cell(a is not None and fmt_ns(a) or None),
                     cell(b is not None and own is not None and
                          "%s (%s daemon + %s plugin)"
                          % (fmt_ns(b), fmt_ns(own), fmt_ns(b - own))
                          or None),
                     ratio(a, b), "≤ 0.1× the plugin"))
    a = num(r.get("r16.md"))
    rows.append(("16. process probe: kill → /health/NAME 503 (median of "
                 "%s)" % r.get("r16.count", "?"),
                 cell(a is not None and fmt_us(a) or None),
                 "—", "—", "≤ 100 ms"))

    # Row 17 (tests/bench/insns): callgrind's count, not time.
    a, b = num(r.get("r17.md")), num(r.get("r17.ng"))
    rows.append(("17. user-space instructions per /health request "
                 "(callgrind, ab -k -c50)",
                 cell(a is not None and "{:,.0f}".format(a) or None),
                 cell(b is not None and "{:,.0f}".format(b) or None),
                 ratio(a, b), "≤ {:,} (≤ 0.15× nginx)".format(
                     int(num(r.get("r17.max")) or 1500))))

    # Rows 17b and 17c: rows 1 and 3 again, beside a bare epoll
    # responder (floor.c): what is left above the kernel's part.
    for key, label, fmt in (
            ("r17b", "17b. row 1 beside the floor (a bare epoll responder)",
             fmt_ns),
            ("r17c", "17c. row 3 beside the floor (a bare epoll responder)",
             fmt_us)):
        a, b = num(r.get(key + ".md")), num(r.get(key + ".ng"))
        fl = num(r.get(key + ".fl"))
        text_a = text_b = None
        if a is not None and fl is not None:
            text_a = "%s (floor %s: %s of it)" % (fmt(a), fmt(fl),
                                                  ratio(fl, a))
        if b is not None and fl is not None:
            text_b = "%s (floor %s: %s of it)" % (fmt(b), fmt(fl),
                                                  ratio(fl, b))
        above = "—"
        if None not in (a, b, fl) and b > fl:
            above = "%s; above the floor %s" % (ratio(a, b),
                                                 ratio(a - fl, b - fl))
        rows.append((label, cell(text_a), cell(text_b), above,
                     "— (the kernel's part)"))
    # Rows 18 and 19: the peer's column names the peer.
    a, b = num(r.get("r18.md")), num(r.get("r18.floor"))
    rows.append(("18. CPU per check run of /bin/true (100 checks, 1 s), "
                 "against a bare posix_spawn loop",
                 cell(fmt_ns(a)),
                 cell(b is not None and fmt_ns(b) + " (the floor)" or None),
                 ratio(a, b), "≤ 1.2× the floor"))
    b = num(r.get("r18.monit"))
    rows.append(("18. the same against Monit 5.33 `check program`",
                 cell(fmt_ns(a)),
                 cell(b is not None and fmt_ns(b) + " (Monit)" or None),
                 ratio(a, b), "≤ 0.3× Monit"))
    # Row 18b: what the kernel takes for one run of a program, with
    # nothing around it (spawn_floor -b), beside Monit's whole run.
    fl = num(r.get("r18.bare"))
    rows.append(("18b. the kernel's part: vfork + execve + waitpid of "
                 "/bin/true, nothing else",
                 cell(fl is not None and fmt_ns(fl) + " (bare)" or None),
                 cell(b is not None and fmt_ns(b) + " (Monit)" or None),
                 ratio(fl, b), "— (below it, no process runs)"))
    a, b = num(r.get("r19.md")), num(r.get("r19.monit"))
    rows.append(("19. private memory (RssAnon) with 1,000 checks",
                 cell(a is not None and "%.0f KiB" % a or None),
                 cell(b is not None and "%.0f KiB (Monit)" % b or None),
                 ratio(a, b), "≤ 0.25× Monit"))

    head = ("figure", md_name, ng_name + " / plugin", "ratio", "target")
    widths = [max(len(x[i]) for x in rows + [head]) for i in range(5)]

    def line(cols):
        return "| " + " | ".join(c.ljust(widths[i])
                                 for i, c in enumerate(cols)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ports")
    s.add_argument("n", type=int)
    s.set_defaults(fn=cmd_ports)
    s = sub.add_parser("wrk")
    s.add_argument("file")
    s.set_defaults(fn=cmd_wrk)
    s = sub.add_parser("status")
    s.add_argument("port", type=int)
    s.add_argument("key")
    s.set_defaults(fn=cmd_status)
    s = sub.add_parser("runs")
    s.add_argument("port", type=int)
    s.set_defaults(fn=cmd_runs)
    s = sub.add_parser("wait-checks")
    s.add_argument("port", type=int)
    s.add_argument("n", type=int)
    s.add_argument("secs", type=int)
    s.set_defaults(fn=cmd_wait_checks)
    s = sub.add_parser("conns", help="open COUNT connections to PORT, "
                       "report the RssAnon of PID before and after, and "
                       "optionally time fresh GETs while they are open")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--get", action="store_true",
                   help="one GET /health on each before it idles")
    s.add_argument("--inflight", type=int, default=256)
    s.add_argument("--open-secs", type=float, default=30)
    s.add_argument("--settle", type=float, default=0.5)
    s.add_argument("--fresh", type=int, default=0)
    s.add_argument("--fresh-timeout", type=float, default=5)
    s.set_defaults(fn=cmd_conns)
    s = sub.add_parser("monit-cpu")
    s.add_argument("pid", type=int)
    s.add_argument("file")
    s.add_argument("k", type=int)
    s.add_argument("n", type=int)
    s.set_defaults(fn=cmd_monit_cpu)
    s = sub.add_parser("wait-health")
    s.add_argument("port", type=int)
    s.add_argument("secs", type=int)
    s.set_defaults(fn=cmd_wait_health)
    s = sub.add_parser("table")
    s.add_argument("results")
    s.set_defaults(fn=cmd_table)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    main()
