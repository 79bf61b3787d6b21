"""The shipped nginx config serves the built site with the security headers and gzip."""

from __future__ import annotations

import urllib.request

import pytest

from tools.browser import serve_nginx


@pytest.fixture(scope="module")
def nginx_url(site):
    with serve_nginx(site.out) as url:
        yield url


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
