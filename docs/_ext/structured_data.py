"""Describe each page to search engines as schema.org JSON-LD: a MedicalWebPage, and the clinic.

Every page with front matter gets a ``MedicalWebPage``. Only a page a clinic physiotherapist has signed
off (front matter ``sign-off: YYYY-MM-DD``) gets ``lastReviewed`` (the sign-off date) and ``reviewedBy``
(the clinic): a page merely checked against its sources has not been reviewed. The page named by
``structured_data_clinic_page`` also describes ``html_context["clinic"]`` as a ``MedicalClinic``.
JSON-LD script tags are data, not code, so a Content-Security-Policy allows them.
"""

from __future__ import annotations

import json
import re

from sphinx.application import Sphinx

from page_metadata import signed_off

# "102C, 8805 Resources Road, Grande Prairie, AB T8V 3A6": street, town, province, postal code.
CANADIAN_ADDRESS = re.compile(
    r"^(?P<street>.+),\s*(?P<locality>[^,]+),\s*(?P<region>[A-Z]{2})\s+(?P<postal>[A-Z]\d[A-Z] ?\d[A-Z]\d)$")


def postal_address(address: str) -> dict | str:
    match = CANADIAN_ADDRESS.match(address.strip())
    if not match:
        return address  # schema.org accepts plain text when the parts cannot be told apart
    return {
        "@type": "PostalAddress", "streetAddress": match["street"], "addressLocality": match["locality"],
        "addressRegion": match["region"], "postalCode": match["postal"], "addressCountry": "CA",
    }


def clinic_data(clinic: dict, baseurl: str) -> dict:
    data = {"@context": "https://schema.org", "@type": "MedicalClinic", "name": clinic["name"],
            "address": postal_address(clinic.get("address", ""))}
    if clinic.get("phone_href", "").startswith("tel:"):
        data["telephone"] = clinic["phone_href"].removeprefix("tel:")
    if clinic.get("email"):
        data["email"] = clinic["email"]
    if baseurl:
        data["url"] = baseurl
    return data


def script_tag(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=None).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>\n'


def add_json_ld(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    meta = app.env.metadata.get(pagename, {})
    if doctree is None or "reviewed" not in meta:
        return
    page = {"@context": "https://schema.org", "@type": "MedicalWebPage",
            "name": context.get("title", ""), "inLanguage": app.config.language or "en",
            "audience": {"@type": "Patient"}}
    clinic = app.config.html_context.get("clinic")  # conf.py's clinic details
    signoff = signed_off(meta)
    if signoff:  # checked against sources is not a review: only a physiotherapist's sign-off is
        page["lastReviewed"] = signoff.isoformat()
        page["reviewedBy"] = {"@type": "MedicalClinic", "name": clinic["name"]} if clinic else {
            "@type": "Organization", "name": app.config.project}
    if meta.get("description"):
        page["description"] = str(meta["description"]).strip()
    if context.get("pageurl"):
        page["url"] = context["pageurl"]
    tags = script_tag(page)
    if clinic and pagename == app.config.structured_data_clinic_page:
        tags += script_tag(clinic_data(clinic, app.config.html_baseurl))
    context["metatags"] = (context.get("metatags") or "") + tags


def setup(app: Sphinx) -> dict:
    app.add_config_value("structured_data_clinic_page", "contact", "html", types=[str])
    app.connect("html-page-context", add_json_ld)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
