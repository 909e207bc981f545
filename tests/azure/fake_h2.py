#!/usr/bin/env python3
"""fake_h2.py - fake_azure.py's Azure over HTTP/2.

    python3 fake_h2.py --dir DIR --scenario NAME [--log FILE] [--lifetime SECONDS]

One TLS server on 127.0.0.1 (a free port, written to DIR/https.port once it
listens) that speaks only HTTP/2 (ALPN "h2"), for the test of connection
reuse (tests/integration/azure-h2.sh): fake_azure.py's HTTP/1.1 server
gives each concurrent request a connection of its own, so it cannot show
that amlhosts multiplexes its requests over one.

The routes, bodies and scenarios are fake_azure.py's own: each request runs
through its Handler (token endpoint and ARM), whose send() is redirected to
the request's HTTP/2 stream. Needs the `h2` package (Debian: python3-h2).

The log has fake_azure.py's lines, with "h2" where it says "https" on the
line of an accepted connection:
    0.123 + conn=1 h2 127.0.0.1:51234
    0.125 > conn=1 https GET /path?query auth=sp
    0.126 < conn=1 stream=3 200 1234 bytes 1.2 ms
"""

import argparse
import http.client
import io
import os
import socket
import ssl
import sys
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_azure as fa  # noqa: E402  (after the path is set)


class Exchange(fa.Handler):
    """One HTTP/2 request, answered by fake_azure's Handler. Built without
    BaseHTTPRequestHandler's constructor, which would read HTTP/1.1 from a
    socket: the attributes its methods use are set here instead."""

    def __init__(self, server, method, path, headers, body):  # pylint: disable=super-init-not-called
        self.server = server
        self.command = method
        self.path = path
        self.headers = http.client.HTTPMessage()
        for k, v in headers:
            if not k.startswith(":"):
                self.headers[k] = v
        if body and "Content-Length" not in self.headers:
            self.headers["Content-Length"] = str(len(body))
        self.rfile = io.BytesIO(body)
        self.close_connection = False
        self.answer = None  # (status, [(name, value)], bytes)

    def send(self, status, body=None, headers=None, raw=None):
        raw = fa.Handler.encode(body) if raw is None else raw
        h = [(":status", str(status)), ("content-length", str(len(raw))),
             ("cache-control", "no-cache")]
        if body is not None:
            h.append(("content-type", "application/json; charset=utf-8"))
        h += [(k.lower(), v) for k, v in (headers or {}).items()]
        self.answer = (status, h, raw)

    def run(self):
        self.begin()
        self.dispatch()
        if self.answer is None:  # the hostile scenarios write to a socket: not served here
            self.send(500, fa.arm_error("NotServed", "fake_h2.py serves the usual answers only"))
        return self.answer


class Server:
    """What Handler asks of its server: the app and the scheme."""

    scheme = "https"

    def __init__(self, app):
        self.app = app


class Conn:
    """One client connection: HTTP/2 frames in, answers out, one stream
    after the other (each request is answered once it is complete)."""

    def __init__(self, server, sock, conn_id):
        self.server = server
        self.app = server.app
        self.sock = sock
        self.id = conn_id
        self.h2 = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.requests = {}  # stream id -> (headers, bytearray)
        self.pending = {}   # stream id -> bytes of a body still to send

    def serve(self):
        self.h2.initiate_connection()
        self.flush()
        while not self.app.stop.is_set():
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, ssl.SSLError, OSError):
                return
            if not data:
                return
            try:
                events = self.h2.receive_data(data)
            except h2.exceptions.ProtocolError as e:
                self.app.log(f"! conn={self.id} h2: {e}")
                self.flush()
                return
            for ev in events:
                if not self.on_event(ev):
                    self.flush()
                    return
            self.flush()

    def on_event(self, ev):
        if isinstance(ev, h2.events.RequestReceived):
            self.requests[ev.stream_id] = (ev.headers, bytearray())
            if ev.stream_ended is not None:
                self.answer(ev.stream_id)
        elif isinstance(ev, h2.events.DataReceived):
            self.requests[ev.stream_id][1].extend(ev.data)
            self.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            self.answer(ev.stream_id)
        elif isinstance(ev, h2.events.WindowUpdated):
            for sid in list(self.pending):
                self.send_body(sid)
        elif isinstance(ev, h2.events.StreamReset):
            self.pending.pop(ev.stream_id, None)
        elif isinstance(ev, h2.events.ConnectionTerminated):
            return False
        return True

    def answer(self, sid):
        if sid not in self.requests:
            return
        t0 = time.monotonic()
        headers, body = self.requests.pop(sid)
        pseudo = dict(headers)
        ex = Exchange(self.server, pseudo.get(":method", "GET"), pseudo.get(":path", "/"),
                      headers, bytes(body))
        status, h, raw = ex.run()
        self.h2.send_headers(sid, h, end_stream=not raw)
        if raw:
            self.pending[sid] = raw
            self.send_body(sid)
        self.app.log(f"< conn={self.id} stream={sid} {status} {len(raw)} bytes "
                     f"{(time.monotonic() - t0) * 1000:.1f} ms")

    def send_body(self, sid):
        """As much of the body as the client's flow-control window takes;
        the rest on its next WINDOW_UPDATE."""
        data = self.pending[sid]
        try:
            while data:
                n = min(len(data), self.h2.local_flow_control_window(sid),
                        self.h2.max_outbound_frame_size)
                if n <= 0:
                    break
                self.h2.send_data(sid, data[:n], end_stream=n == len(data))
                data = data[n:]
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            data = b""
        if data:
            self.pending[sid] = data
        else:
            del self.pending[sid]

    def flush(self):
        out = self.h2.data_to_send()
        if out:
            try:
                self.sock.sendall(out)
            except (ssl.SSLError, OSError):
                pass


def handle(server, ctx, sock, peer):
    conn_id = server.app.new_conn()
    fa.CONN.id = conn_id  # fake_azure's log lines name the connection
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(30)
        tls = ctx.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError) as e:
        server.app.log(f"! conn={conn_id} https tls: {e}")
        sock.close()
        return
    try:
        if tls.selected_alpn_protocol() != "h2":
            server.app.log(f"! conn={conn_id} https alpn: {tls.selected_alpn_protocol()}, not h2")
            return
        server.app.log(f"+ conn={conn_id} h2 {peer[0]}:{peer[1]}")
        tls.settimeout(60)
        Conn(server, tls, conn_id).serve()
    finally:
        try:
            tls.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True, help="holds server.pem/server.key; gets https.port")
    ap.add_argument("--scenario", required=True, choices=sorted(fa.SCENARIOS))
    ap.add_argument("--log", help="append a line per connection and request here")
    ap.add_argument("--lifetime", type=float, default=120, help="exit after this many seconds")
    ap.add_argument("--fixtures", default=fa.DEFAULT_FIXTURES, help="the azure-rest-api-specs examples")
    args = ap.parse_args()
    args.delay_ms = 0
    args.drop = None

    port_file = os.path.join(args.dir, "https.port")
    try:
        os.unlink(port_file)
    except FileNotFoundError:
        pass
    app = fa.App(args)
    server = Server(app)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(args.dir, "server.pem"), os.path.join(args.dir, "server.key"))
    ctx.set_alpn_protocols(["h2"])
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(16)
    lsock.settimeout(0.1)
    app.https_port = lsock.getsockname()[1]
    fa.signal.signal(fa.signal.SIGTERM, lambda signum, frame: app.stop.set())
    fa.signal.signal(fa.signal.SIGINT, lambda signum, frame: app.stop.set())
    fa.write_port(port_file, app.https_port)
    app.log(f"* scenario={args.scenario} h2={app.https_port} pid={os.getpid()}")
    end = time.monotonic() + args.lifetime
    while not app.stop.is_set() and time.monotonic() < end:
        try:
            sock, peer = lsock.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        sock.settimeout(None)
        threading.Thread(target=handle, args=(server, ctx, sock, peer), daemon=True).start()
    app.stop.set()
    lsock.close()
    app.log("* stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
