#!/usr/bin/env python3
"""rawhttp.py - send exact bytes to a port and print what comes back.

usage: rawhttp.py PORT REQUEST [--timeout S] [--half-close]
REQUEST is a Python string literal body: \\r \\n \\x00 escapes work.
Prints the raw answer bytes (decoded latin-1) until the server closes
or --timeout seconds pass with nothing more to read.  Exit 0; prints
"<RESET>" if the server reset the connection.
"""
import socket
import sys


def main():
    port = int(sys.argv[1])
    data = sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1")
    timeout = 2.0
    half_close = "--half-close" in sys.argv
    if "--timeout" in sys.argv:
        timeout = float(sys.argv[sys.argv.index("--timeout") + 1])
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    if half_close:
        s.shutdown(socket.SHUT_WR)
    s.settimeout(timeout)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        out += b"<RESET>"
    s.close()
    sys.stdout.write(out.decode("latin-1"))


if __name__ == "__main__":
    main()
