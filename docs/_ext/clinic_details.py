"""The clinic's details come from conf.py's one ``clinic`` dict, never typed into a page.

Pages, snippets and care cards write MyST substitutions (README, "Clinic details")::

    {{ clinic_name }}  {{ clinic_phone }}  {{ clinic_email }}  {{ clinic_address }}
    {{ emergency_number }}  {{ health_link }}

The phone and email render as ``tel:`` and ``mailto:`` links; templates read ``html_context["clinic"]``.
A page, snippet or data file in the source folder that types the phone number or the email itself
fails the strict build with its file and line, so a change of number is one edit.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from tools.event_order import ConfigInited

logger = logging.getLogger(__name__)

REQUIRED = ("name", "address", "phone", "phone_href", "email", "emergency_number", "health_link")


def substitutions(clinic: dict) -> dict[str, str]:
    """MyST substitutions (Markdown) for the clinic's details and the provincial numbers."""
    return {
        "clinic_name": clinic["name"],
        "clinic_address": clinic["address"],
        "clinic_phone": f"[{clinic['phone']}]({clinic['phone_href']})",
        "clinic_email": f"[{clinic['email']}](mailto:{clinic['email']})",
        "emergency_number": f"[{clinic['emergency_number']}](tel:{clinic['emergency_number']})",
        "health_link": f"[{clinic['health_link']}](tel:{clinic['health_link']})",
    }


def literal_patterns(clinic: dict) -> list[tuple[re.Pattern, str]]:
    """The phone number however it is spaced or dashed (with or without +1), and the email."""
    digits = re.sub(r"\D", "", clinic["phone"])
    phone = r"(?<!\d)(?:\+?1[\s.()-]*)?" + r"[\s.()-]*".join(digits) + r"(?!\d)"
    return [(re.compile(phone), "{{ clinic_phone }}"),
            (re.compile(re.escape(clinic["email"]), re.I), "{{ clinic_email }}")]


def apply_clinic(app: Sphinx, config: Config) -> None:
    clinic = config.clinic
    missing = [key for key in REQUIRED if not clinic.get(key)]
    if missing:
        logger.warning("conf.py: `clinic` has no %s; add it", ", ".join(missing), type="clinic_details")
        return
    config.myst_substitutions = {**config.myst_substitutions, **substitutions(clinic)}
    config.html_context = {**config.html_context, "clinic": clinic}
    if "substitution" not in config.myst_enable_extensions:
        config.myst_enable_extensions = [*config.myst_enable_extensions, "substitution"]
    schemes = config.myst_url_schemes  # the links above are tel: and mailto:
    if isinstance(schemes, dict):
        config.myst_url_schemes = {"tel": None, "mailto": None, **schemes}
    elif not {"tel", "mailto"} <= set(schemes):
        config.myst_url_schemes = [*schemes, *({"tel", "mailto"} - set(schemes))]


def report_literals(app: Sphinx, path: Path | str, text: str) -> None:
    if not all(app.config.clinic.get(key) for key in ("phone", "email")):
        return
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, substitution in literal_patterns(app.config.clinic):
            if found := pattern.search(line):
                logger.warning("%r typed into the page; write %s instead (it comes from conf.py's `clinic`)",
                               found.group(0).strip(), substitution, location=f"{path}:{number}",
                               type="clinic_details", subtype="literal")


def check_page(app: Sphinx, docname: str, source: list[str]) -> None:
    report_literals(app, app.env.doc2path(docname), source[0])


def check_include(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    report_literals(app, Path(app.srcdir, relative_path), content[0])


def check_data_files(app: Sphinx) -> None:
    """Data files in the source folder (care advice, evidence) are read into pages too."""
    for path in sorted(Path(app.srcdir).rglob("*.toml")):
        if "_build" not in path.parts:
            report_literals(app, path, path.read_text(encoding="utf-8"))


def setup(app: Sphinx) -> dict:
    app.add_config_value("clinic", {}, "env", types=[dict])
    app.connect("config-inited", apply_clinic, priority=ConfigInited.CLINIC)
    app.connect("builder-inited", check_data_files)
    app.connect("source-read", check_page)
    app.connect("include-read", check_include)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
