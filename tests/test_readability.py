"""Patient text reads at grade 8 or below on every page (median 7 or below).

Scores come from tools/readability.py: Flesch-Kincaid grade of the patient text
("For clinicians" dropdowns, review dates and citations left out).
"""

from __future__ import annotations

import statistics

import pytest

from tools.readability import MAX_GRADE, MAX_MEDIAN, patient_text, score_page, score_text, site_pages, syllables

PAGES = site_pages()

EASY = "The cat sat on the mat. It was a good day. We had fun in the sun. Then we went home to eat."
HARD = ("Notwithstanding considerable methodological heterogeneity, contemporary systematic investigations "
        "demonstrate statistically significant, clinically meaningful improvements in musculoskeletal "
        "symptomatology following intramuscular stimulation administered by appropriately credentialled "
        "physiotherapists, particularly regarding myofascial dysfunction and associated neuromuscular impairment.")


def test_syllables_come_from_the_dictionary_without_network():
    assert syllables("needle") == 2
    assert syllables("physiotherapist") == 5
    assert syllables("temporomandibular") >= 6
    assert syllables("IMS") == 3  # read letter by letter
    assert syllables("zorbulating") >= 3  # not in the dictionary: the vowel rule
    assert syllables("post-needling") == 3


def test_the_metric_tells_easy_from_hard_text():
    easy, hard = score_text(EASY), score_text(HARD)
    assert easy.sentences == 4 and easy.words == 23
    assert easy.fk_grade < 3
    assert hard.fk_grade > 16
    assert hard.smog > easy.smog


def test_clinician_blocks_citations_and_metadata_are_not_patient_text():
    html = """<html><body><article role="main">
      <h1>Title<a class="headerlink" href="#t">¶</a></h1>
      <div class="page-meta"><p>Last reviewed 2026-11-27</p></div>
      <p>Short words here
        <span class="bibtex-citation">[<a href="references.html#id1">Brady et al., 2014</a>]</span>.</p>
      <details class="for-clinicians"><p>Standardized mean difference with heterogeneity.</p></details>
      <ul><li>One item</li><li>Another item</li></ul>
    </article><footer>Footer text</footer></body></html>"""
    text = patient_text(html)
    assert "Brady" not in text and "heterogeneity" not in text and "reviewed" not in text
    assert "¶" not in text and "Footer" not in text
    assert score_text(text).sentences == 4  # the heading and each list item end a sentence


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_at_grade_8_or_below(site, path):
    score = score_page(site.out, path)
    assert score.fk_grade <= MAX_GRADE, (
        f"{path}: patient text is at grade {score.fk_grade:.1f} (limit {MAX_GRADE}): "
        f"{score.words} words in {score.sentences} sentences; use shorter sentences and shorter words")


def test_median_grade_is_7_or_below(site):
    grades = {path: score_page(site.out, path).fk_grade for path in PAGES}
    median = statistics.median(grades.values())
    hardest = sorted(grades.items(), key=lambda item: -item[1])[:5]
    assert median <= MAX_MEDIAN, f"median grade {median:.1f} (target {MAX_MEDIAN}); hardest: {hardest}"


def test_references_page_is_not_measured():
    assert "references" not in PAGES and "topics/safety/aftercare" in PAGES
