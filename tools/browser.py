"""Serve a built site on 127.0.0.1 and drive Debian's Chromium: shared by tools and tests."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tools.shared import ROOT

CHROMIUM = "/usr/bin/chromium"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Playwright cannot download browsers here; these flags keep Chromium off the network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test and tool output readable
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that closes a tab mid-download is normal; anything else is still reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free loopback port; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_nginx(folder: Path) -> Iterator[str]:
    """Serve `folder` through Debian's nginx with deploy/nginx-site.conf (headers, gzip), as deployed."""
    with tempfile.TemporaryDirectory(prefix="nginx-") as tmp:
        work, port = Path(tmp), free_port()
        server = (ROOT / "deploy" / "nginx-site.conf").read_text(encoding="utf-8")
        server = server.replace("SITE_ROOT", str(folder)).replace("listen 80;", f"listen 127.0.0.1:{port};")
        (work / "site.conf").write_text(server, encoding="utf-8")
        # `user root`: test and tool folders may be private to root.
        (work / "nginx.conf").write_text(f"""daemon off; user root; pid {work}/nginx.pid; error_log {work}/error.log;
events {{}}
http {{ include /etc/nginx/mime.types; access_log off;
  client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work};
  uwsgi_temp_path {work}; scgi_temp_path {work}; include {work}/site.conf; }}
""", encoding="utf-8")
        process = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")])
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(50):  # nginx needs a moment to bind
                try:
                    urllib.request.urlopen(url, timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def launch(playwright):
    """Debian's Chromium through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
