"""One security and privacy policy: the CSP and referrer <meta> tags on every page, and the same policy as
HTTP headers for the hosts (`_headers` for Netlify / Cloudflare Pages, `nginx-headers.conf` for nginx).

Links out of the site get their rel="noopener noreferrer" from external_links.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import furo
from sphinx.application import Sphinx

# Furo sets the colour theme with one inline script before first paint; allow exactly that script.
FURO_INLINE_SCRIPT = re.compile(r"{% block body %}\s*<script>(.*?)</script>", re.S)


def furo_inline_script_hash() -> str:
    base = Path(furo.__file__).parent / "theme" / "furo" / "base.html"
    script = FURO_INLINE_SCRIPT.search(base.read_text(encoding="utf-8")).group(1)
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def content_security_policy() -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' '{furo_inline_script_hash()}'",
        "style-src 'self' 'unsafe-inline'",  # Furo inlines its colour variables
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def headers(policy: str) -> dict[str, str]:
    """Headers for every response; frame-ancestors only works as a header, not in <meta>."""
    return {
        "Content-Security-Policy": policy + "; frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }


def add_meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    policy = app.config.site_content_security_policy
    context["metatags"] = context.get("metatags", "") + (
        f'\n<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '\n<meta name="referrer" content="no-referrer">'
    )


def write_host_configs(app: Sphinx, exception: Exception | None) -> None:
    """Netlify / Cloudflare Pages read `_headers`; nginx includes `nginx-headers.conf` (see deploy/)."""
    if exception or app.builder.format != "html":
        return
    site_headers = headers(app.config.site_content_security_policy)
    netlify = ["/*"] + [f"  {name}: {value}" for name, value in site_headers.items()]
    netlify += ["/_static/*", "  Cache-Control: public, max-age=31536000, immutable"]
    Path(app.outdir, "_headers").write_text("\n".join(netlify) + "\n", encoding="utf-8")
    nginx = [f'add_header {name} "{value}" always;' for name, value in site_headers.items()]
    Path(app.outdir, "nginx-headers.conf").write_text("\n".join(nginx) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("site_content_security_policy", content_security_policy(), "html", types=[str])
    app.connect("html-page-context", add_meta_tags)
    app.connect("build-finished", write_host_configs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
