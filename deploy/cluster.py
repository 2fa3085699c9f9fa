"""N replicas of the production server behind nginx, all on loopback.

    python deploy/cluster.py --replicas 2 --port 8080

starts `deploy/serve.py` N times (127.0.0.1, free ports), then Debian's nginx as the current
user with its own config, pid, logs and temp folders in a temporary directory, listening on
127.0.0.1:PORT; Ctrl-C stops everything. `Cluster` is the same as a context manager (tests,
bench/load.py).

Why these nginx settings:
- Sticky sessions on a cookie, not the client address. Streamlit keeps a session's state (and
  a training job) in the process that opened it, so every request of a tab must reach the
  same replica. Hashing the client address ($remote_addr) would do that, but a whole lecture
  hall behind one NAT (or every simulated student on 127.0.0.1) would land on one replica.
  So the first response sets a random `lsl_route` cookie ($request_id) and the upstream is
  chosen by `hash $lsl_route consistent`: the HTML page, the static files, the websocket and
  the media files of one tab all go to one replica; if that replica is down, nginx passes the
  request to the next one, and the tab gets a fresh session there.
- Websocket upgrade (`Upgrade`/`Connection` headers, HTTP/1.1, long read timeout), Host with
  its port (Streamlit compares the websocket's Origin with it).
- gzip for the static files (JS, CSS, JSON, SVG); Streamlit's websocket messages are binary
  protobufs and are not compressed.
- The MNIST training bound (LSL_MAX_TRAININGS) is per replica: N replicas train up to N times
  as many runs at once.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "deploy" / "serve.py"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")
ROUTE_COOKIE = "lsl_route"
UPSTREAM_HEADER = "X-LSL-Upstream"  # only with debug_headers: which replica answered
START_TIMEOUT_S = 90.0

NGINX_CONF = """\
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;

    gzip on;
    gzip_proxied any;
    gzip_min_length 1024;
    gzip_types text/css application/javascript text/javascript application/json
               image/svg+xml text/plain;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      '';
    }}
    # Sticky sessions: the route cookie, or a fresh random one on a first visit.
    map $cookie_{cookie} $lsl_route {{
        ''      $request_id;
        default $cookie_{cookie};
    }}
    map $cookie_{cookie} $lsl_set_route {{
        ''      "{cookie}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default '';
    }}
    upstream lab {{
        hash $lsl_route consistent;
{servers}
        keepalive 32;
    }}
    server {{
        listen {listen};
        location / {{
            proxy_pass http://lab;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            proxy_next_upstream error timeout;
            add_header Set-Cookie $lsl_set_route always;
{debug}
        }}
    }}
}}
"""


def find_nginx() -> str | None:
    """Debian's nginx binary, or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def nginx_conf(directory: Path, listen: str, ports: list[int], debug_headers: bool) -> str:
    """The nginx configuration for replicas on 127.0.0.1:ports behind `listen`."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
                        for p in ports)
    debug = (f"            add_header {UPSTREAM_HEADER} $upstream_addr always;"
             if debug_headers else "")
    mime = "/etc/nginx/mime.types"
    if not os.path.exists(mime):
        mime = str(directory / "mime.types")
        Path(mime).write_text("types { text/html html; text/css css; "
                              "application/javascript js mjs; application/json json; "
                              "image/svg+xml svg; image/png png; font/woff2 woff2; }\n")
    # As root, nginx would run its worker as "nobody", who cannot use our private temp folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return NGINX_CONF.format(user=user, dir=directory, listen=listen, servers=servers, debug=debug,
                             cookie=ROUTE_COOKIE, mime_types=mime)


def _stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop a process group we started: `sig`, then SIGKILL after 10 s."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


class Cluster:
    """`replicas` production servers behind nginx on 127.0.0.1:`port` (0: a free port).

    replicas=1 with nginx=False is one bare server (no load balancer) on `port`.
    """

    def __init__(self, replicas: int = 2, *, port: int = 0, env: dict | None = None,
                 nginx: bool = True, debug_headers: bool = False,
                 workdir: str | os.PathLike | None = None) -> None:
        if replicas < 1:
            raise ValueError(f"replicas must be at least 1. Got {replicas} instead.")
        self.n = replicas
        self.use_nginx = nginx
        self.debug_headers = debug_headers
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.port = port or free_port()
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="lsl-cluster-")
        self.dir = Path(workdir or self._tmp.name)
        self.ports: list[int] = []
        self.replicas: list[subprocess.Popen | None] = []
        self.nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def replica_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def log(self, i: int) -> str:
        """Replica i's log so far (everything it wrote to stdout)."""
        return (self.dir / f"replica-{i}.log").read_text(errors="replace")

    def pids(self) -> list[int]:
        return [p.pid for p in self.replicas if p is not None] + (
            [self.nginx.pid] if self.nginx is not None else [])

    # -- start and stop ---------------------------------------------------------------

    def start(self) -> Cluster:
        try:
            if not self.use_nginx:
                self.ports = [self.port] + [free_port() for _ in range(self.n - 1)]
            else:
                self.ports = [free_port() for _ in range(self.n)]
            self.replicas = [self._spawn(i) for i in range(self.n)]
            for i in range(self.n):
                self._wait_healthy(i)
            if self.use_nginx:
                self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, i: int) -> subprocess.Popen:
        log = open(self.dir / f"replica-{i}.log", "ab")  # noqa: SIM115 - kept by the child
        try:
            return subprocess.Popen(
                [sys.executable, str(SERVE), "--port", str(self.ports[i]),
                 "--address", "127.0.0.1"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        finally:
            log.close()

    def _wait_healthy(self, i: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.replicas[i].poll() is not None:
                break
            if healthy(self.replica_url(i)):
                return
            time.sleep(0.25)
        raise RuntimeError(f"replica {i} (port {self.ports[i]}) did not become healthy "
                           f"within {START_TIMEOUT_S:.0f} s. Its log:\n{self.log(i)[-4000:]}")

    def _start_nginx(self) -> None:
        binary = find_nginx()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (apt-get install nginx-light).")
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = self.dir / "nginx.conf"
        conf.write_text(nginx_conf(self.dir, f"127.0.0.1:{self.port}", self.ports,
                                   self.debug_headers))
        self.nginx = subprocess.Popen(
            [binary, "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log"),
             "-g", "daemon off;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.nginx.poll() is None:
            if healthy(self.url):
                return
            time.sleep(0.1)
        error_log = (self.dir / "error.log")
        raise RuntimeError("nginx did not start: " + (
            error_log.read_text() if error_log.exists() else "no error log"))

    def kill_replica(self, i: int) -> None:
        """Stop replica i (its sessions and trainings are gone)."""
        _stop(self.replicas[i])

    def restart_replica(self, i: int) -> None:
        """Stop replica i and start a fresh one on the same port."""
        self.kill_replica(i)
        self.replicas[i] = self._spawn(i)
        self._wait_healthy(i)

    def stop(self) -> None:
        _stop(self.nginx, signal.SIGQUIT)  # nginx: graceful shutdown
        for proc in self.replicas:
            _stop(proc)
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    args = parser.parse_args(argv)
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C, so the servers started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with Cluster(args.replicas, port=args.port) as cluster:
        print(f"{args.replicas} replicas on ports {cluster.ports} behind nginx: {cluster.url}",
              flush=True)
        try:
            while all(p.poll() is None for p in [*cluster.replicas, cluster.nginx]):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
