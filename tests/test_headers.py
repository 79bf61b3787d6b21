"""The shipped nginx config serves the built site with the security headers and gzip."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_url(site, tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    server = (ROOT / "deploy" / "nginx-site.conf").read_text()
    server = server.replace("SITE_ROOT", str(site.out)).replace("listen 80;", f"listen 127.0.0.1:{port};")
    (work / "site.conf").write_text(server)
    (work / "nginx.conf").write_text(f"""
daemon off;
user root;  # pytest tmp folders are private to root
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {work}; proxy_temp_path {work}; fastcgi_temp_path {work};
    uwsgi_temp_path {work}; scgi_temp_path {work};
    include {work}/site.conf;
}}
""")
    process = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")])
    url = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str, gzip: bool = False):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    return urllib.request.urlopen(request, timeout=5)


@pytest.mark.parametrize("path", ["/index.html", "/topics/safety/aftercare.html", "/_static/clinic.css"])
def test_security_headers(nginx_url, path):
    headers = fetch(nginx_url + path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in headers["Permissions-Policy"]


def test_static_assets_cached_long_and_pages_revalidated(nginx_url):
    assert "immutable" in fetch(nginx_url + "/_static/clinic.css").headers["Cache-Control"]
    assert fetch(nginx_url + "/index.html").headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/topics/safety/aftercare.html", "/_static/styles/furo.css"])
def test_gzip(nginx_url, path):
    response = fetch(nginx_url + path, gzip=True)
    assert response.headers["Content-Encoding"] == "gzip"


def test_meta_policy_matches_header_policy(site, nginx_url):
    meta = site.soup("index").select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    header = fetch(nginx_url + "/index.html").headers["Content-Security-Policy"]
    assert header.startswith(meta)
