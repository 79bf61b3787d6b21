"""Who wrote and who checked each page: the line under the title, the printed footer and the structured
data say the same, and none says "reviewed" before a clinic physiotherapist has signed the page off."""

from __future__ import annotations

import json

from tools.shared import site_map

PAGES = [path for path, _, _ in site_map()]
FRONT = ("---\ndescription: A page.\nreviewed: 2026-11-01\nnext-review: 2027-05-01\n"
         "reviewer: Registered physiotherapist\n")


def page_data(html: str) -> dict:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    data = [json.loads(tag.string) for tag in soup.find_all("script", type="application/ld+json")]
    return {
        "meta": soup.select_one(".page-meta").get_text(" ", strip=True),
        "footer": soup.select_one(".print-footer-text").get_text(" ", strip=True),
        "page": next(item for item in data if item["@type"] == "MedicalWebPage"),
    }


def test_pending_pages_say_checked_not_reviewed(site):
    wrong = []
    for path in PAGES:
        found = page_data(site.html(path))
        said = f"{found['meta']} {found['footer']}"
        if ("Checked against its sources on" not in found["meta"] or "Awaiting clinical sign-off" not in said
                or "Checked against its sources on" not in found["footer"] or "reviewed" in said.lower()
                or {"lastReviewed", "reviewedBy"} & set(found["page"])):
            wrong.append(path)
    assert not wrong, f"pages that say or mark 'reviewed' before sign-off: {wrong}"


def test_signed_off_page_says_reviewed_everywhere(small_project):
    pages = {"index": "# Home\n\n```{toctree}\nsigned\npending\n```\n",
             "signed": FRONT + "sign-off: 2026-11-20\n---\n\n# Signed\n\nText.\n",
             "pending": FRONT + "sign-off: pending\n---\n\n# Pending\n\nText.\n"}
    project = small_project(pages, ["myst_parser", "page_metadata", "print_footer", "structured_data"],
                            templates_path=[], html_context={"clinic": {"name": "Test clinic"}}).build(clean=False)
    signed = project.html("signed")
    assert "Reviewed and signed off by the clinic's physiotherapists on 20 November 2026" in signed
    data = [json.loads(part.split(">", 1)[1].split("</script>")[0])
            for part in signed.split('<script type="application/ld+json"')[1:]]
    page = next(item for item in data if item["@type"] == "MedicalWebPage")
    assert page["lastReviewed"] == "2026-11-20"
    assert page["reviewedBy"] == {"@type": "MedicalClinic", "name": "Test clinic"}
    pending = project.html("pending")
    assert "Awaiting clinical sign-off" in pending and "lastReviewed" not in pending
    assert "Reviewed" not in pending
