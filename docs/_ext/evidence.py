"""The evidence as data: check docs/evidence.toml and render it as summaries of findings and a chart.

- ``{evidence-summary}`` with ``:condition: <key>`` (or several keys, or ``all``): a summary of
  findings in the style of GRADE's patient summaries: what was compared, what happened, how sure
  we are (in words and a small scale that screen readers read as words), and the citation. On a
  condition's own page (its ``page`` in the file), the first summary ends with one line linking the
  decision guide (``decide``), so every condition page links it from one place.
- ``{evidence-links}`` with ``:condition:`` (keys, or ``all``): a list linking each condition's summary
  of findings where it is, in its section on the condition's own page (``<li data-condition="key">``).
  The evidence page lists every condition's findings this way.
- ``{evidence-chart}``: an inline SVG made at build time (no script, ``currentColor`` only, so it
  follows dark mode and prints), with an accessible name and a text equivalent in a list.

Citations go through sphinxcontrib-bibtex's own ``cite`` role, so the bibliography and the
reference links work as they do for hand-written citations. A bad record fails the strict build
with the file, the line of the record and what to write instead. See README, "Evidence".
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from tools.event_order import PageContext
from tools.shared import line_of, toml_error_line

logger = logging.getLogger(__name__)

LEVELS = ["very low", "low", "moderate", "high"]  # GRADE's four levels, weakest first
NOT_RATED = "not rated"
CERTAINTY_WORDS = {"very low": "Very low", "low": "Low", "moderate": "Moderate", "high": "High",
                   NOT_RATED: "Not rated"}
COMPARISONS = {  # what needling was compared with, when a record gives no `versus`
    "sham": "fake needling ({term}`sham <sham needling>`)",
    "no treatment or usual care": "no treatment, or usual care",
    "added to other care": "that care alone",
    "another treatment": "another treatment",
    "mixed": "a mix of fake needling, no treatment and other treatments",
}
CLINICIAN_COMPARISONS = {
    "sham": "vs sham", "no treatment or usual care": "vs no treatment or usual care",
    "added to other care": "added to other care", "another treatment": "vs another treatment",
    "mixed": "mixed comparators",
}
DIRECTIONS = {
    "better": "Needling did better",
    "in favour": "In favour of needling",  # advice, such as a guideline's
    "no difference": "No clear difference",
    "worse": "Needling did worse",
    "unclear": "Unclear or mixed",
}
REQUIRED = {
    "condition": "a condition key from [conditions], or a list of them",
    "comparison": "one of " + ", ".join(f'"{c}"' for c in COMPARISONS),
    "outcome": 'what was measured, in plain words, e.g. "Pain"',
    "time": 'when it was measured, e.g. "Right after treatment", or "Not reported"',
    "result": 'what happened, direction and size in plain words, e.g. "Pain was a little lower."',
    "direction": "one of " + ", ".join(f'"{d}"' for d in DIRECTIONS),
    "certainty": 'one of "high", "moderate", "low", "very low" or "not rated", or a range such as '
                 '"very low to low"',
    "source": "a citation key from docs/references.bib",
}
OPTIONAL = {
    "versus": "what exactly the comparison was, in plain words",
    "certainty-note": "why we are (not) sure, in plain words, e.g. \"One small trial.\"",
    "clinician": "study detail for clinicians: design, size, effect sizes with 95% CI",
    "headline": "true for the findings the evidence page's overview shows (one to three per condition)",
}
CONDITION_FIELDS = {"name": 'the plain name shown to readers, e.g. "Neck pain"',
                    "page": 'the docname of the page that shows it, e.g. "topics/conditions/neck-and-headaches"',
                    "short": 'a short name for the chart, one or two words, e.g. "Neck"'}
SCALE_ON, SCALE_PART, SCALE_OFF = "■", "◧", "□"
# Under the first summary on a condition's own page: the decision guide (issue 17), written once here.
DECIDE_PAGE = "decide"
DECIDE_LINK = f"To weigh these findings against your other options, use our {{doc}}`decision guide </{DECIDE_PAGE}>`."


@dataclass
class Finding:
    conditions: list[str]
    comparison: str
    outcome: str
    time: str
    result: str
    direction: str
    certainty: str
    source: str
    line: int
    versus: str = ""
    certainty_note: str = ""
    clinician: str = ""
    headline: bool = False

    @property
    def range(self) -> tuple[int, int] | None:
        """(lowest, highest) level index, 0 = very low; None when not rated."""
        return certainty_range(self.certainty)


@dataclass
class Condition:
    key: str
    name: str
    page: str
    line: int
    short: str = ""


@dataclass
class Evidence:
    """The evidence file, read and checked once per build."""

    path: Path
    conditions: dict[str, Condition] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    # Each condition's summary section, found once a build (`summary_section` reads its page's
    # doctree and every label: once per link, that grew with the square of the site's size).
    summary_sections: dict[str, str | None] = field(default_factory=dict)

    @property
    def sources(self) -> set[str]:
        return {finding.source for finding in self.findings}

    def for_conditions(self, keys: list[str]) -> list[Finding]:
        return [f for f in self.findings if set(f.conditions) & set(keys)]


def certainty_range(value: str) -> tuple[int, int] | None:
    if value == NOT_RATED:
        return None
    low, _, high = value.partition(" to ")
    return LEVELS.index(low), LEVELS.index(high or low)


def valid_certainty(value: object) -> bool:
    if not isinstance(value, str):
        return False
    if value in CERTAINTY_WORDS:
        return True
    low, sep, high = value.partition(" to ")
    return bool(sep) and low in LEVELS and high in LEVELS and LEVELS.index(low) < LEVELS.index(high)


def table_lines(text: str) -> tuple[list[int], dict[str, int]]:
    """The line of each [[finding]], and of each [conditions.<key>] (tomllib gives no lines)."""
    findings: list[int] = []
    conditions: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped == "[[finding]]":
            findings.append(number)
        elif stripped.startswith("[conditions."):
            conditions[stripped[len("[conditions."):].rstrip("]").strip().strip('"')] = number
    return findings, conditions


def read_evidence(path: Path, docnames: set[str], bib_keys: set[str]) -> Evidence:
    """Parse and check the file; every problem is kept with its line, for a warning."""
    evidence = Evidence(path)

    def problem(line: int, message: str) -> None:
        evidence.problems.append((line, message))

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        problem(1, f"could not be read ({error})")
        return evidence
    except tomllib.TOMLDecodeError as error:
        problem(toml_error_line(error), f"is not valid TOML ({error}); fix the syntax")
        return evidence
    finding_lines, condition_lines = table_lines(text)
    headers = sorted([*finding_lines, *condition_lines.values()])

    def field_line(table_line: int, name: str) -> int:
        """The line of `name = ...` inside the table that starts at table_line, else the table's line."""
        end = next((header - 1 for header in headers if header > table_line), None)
        return line_of(text, name, table_line, end) or table_line

    for key in sorted(set(data) - {"conditions", "finding"}):
        problem(1, f"unknown table {key!r}; the file has [conditions.<key>] tables and [[finding]] records")
    for key, table in data.get("conditions", {}).items():
        line = condition_lines.get(key, 1)
        if not isinstance(table, dict):
            problem(line, f"condition {key!r} must be a table: [conditions.{key}] with name and page")
            continue
        for name in sorted(set(table) - set(CONDITION_FIELDS)):
            problem(field_line(line, name), f"condition {key!r}: unknown field {name!r}; a condition has "
                          + ", ".join(f"{n} ({how})" for n, how in CONDITION_FIELDS.items()))
        missing = [name for name in CONDITION_FIELDS if not str(table.get(name, "")).strip()]
        for name in missing:
            problem(line, f"condition {key!r}: missing {name!r}; write {name} = {CONDITION_FIELDS[name]}")
        page = str(table.get("page", "")).strip().strip("/")
        if page and page not in docnames:
            problem(field_line(line, "page"), f"condition {key!r}: page {page!r} is not a page of the site; "
                          "write the docname of the page that shows this condition (its path under docs/ without .md)")
        if not missing:
            evidence.conditions[key] = Condition(key, str(table["name"]).strip(), page, line,
                                                 str(table["short"]).strip())

    records = data.get("finding", [])
    for index, record in enumerate(records if isinstance(records, list) else []):
        line = finding_lines[index] if index < len(finding_lines) else 1
        ok = True

        def bad(name: str, message: str, line: int = line) -> None:
            """A problem with field `name` of this record, at its line (or the record's)."""
            nonlocal ok
            ok = False
            problem(field_line(line, name), f"finding: {message}")

        for name in sorted(set(record) - set(REQUIRED) - set(OPTIONAL)):
            bad(name, f"unknown field {name!r}; allowed fields are "
                      f"{', '.join(sorted(set(REQUIRED) | set(OPTIONAL)))} (check the spelling)")
        for name, how in REQUIRED.items():
            if name not in record or (isinstance(record[name], str) and not record[name].strip()):
                bad(name, f"missing {name!r}; write {name} = {how}")
        for name in (set(REQUIRED) | set(OPTIONAL)) - {"condition", "headline"}:
            if name in record and not isinstance(record[name], str):
                bad(name, f"{name!r} must be a quoted string")
        if not isinstance(record.get("headline", False), bool):
            bad("headline", "'headline' must be true or false (without quotes)")
        keys = record.get("condition", [])
        keys = [keys] if isinstance(keys, str) else keys
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            bad("condition", "'condition' must be a key or a list of keys")
            keys = []
        for key in keys:
            if key not in evidence.conditions:
                bad("condition", f"unknown condition {key!r}; use one of "
                                 f"{', '.join(evidence.conditions) or 'the keys of [conditions]'}, "
                                 f"or add [conditions.{key}] with its name and page")
        if "comparison" in record and record["comparison"] not in COMPARISONS:
            bad("comparison", f"unknown comparison {record['comparison']!r}; write {REQUIRED['comparison']}")
        if "direction" in record and record["direction"] not in DIRECTIONS:
            bad("direction", f"unknown direction {record['direction']!r}; write {REQUIRED['direction']}")
        if "certainty" in record and not valid_certainty(record["certainty"]):
            bad("certainty", f"unknown certainty {record['certainty']!r}; write {REQUIRED['certainty']} "
                             "(as the source rated it; \"not rated\" when the notes give no rating)")
        if isinstance(record.get("source"), str) and record["source"].strip() and record["source"] not in bib_keys:
            bad("source", f"unknown citation key {record['source']!r}; cite a key of docs/references.bib")
        if ok:
            evidence.findings.append(Finding(
                conditions=keys, comparison=record["comparison"], outcome=record["outcome"].strip(),
                time=record["time"].strip(), result=record["result"].strip(), direction=record["direction"],
                certainty=record["certainty"], source=record["source"], line=line,
                versus=record.get("versus", "").strip(), certainty_note=record.get("certainty-note", "").strip(),
                clinician=record.get("clinician", "").strip(), headline=record.get("headline", False)))
    return evidence


# -- nodes --------------------------------------------------------------------------------------

class evidence_block(nodes.General, nodes.Element):
    """A <div> with data attributes (docutils' container cannot carry them)."""


class evidence_cell(nodes.General, nodes.TextElement):
    """An element that holds text and links directly (a table cell or caption): docutils wants those
    inside a text element."""


class evidence_home(nodes.Inline, nodes.Element):
    """Where a condition's summary of findings is: a link, once every page has been read (LinkEvidenceHomes)."""


class certainty_scale(nodes.Inline, nodes.Element):
    """Four squares, filled to the level; read by screen readers as its label."""


class evidence_svg(nodes.General, nodes.Element):
    """The chart's SVG markup, made at build time."""


def visit_evidence_block(self, node: evidence_block) -> None:
    attributes = {f"data-{name}": value for name, value in node.get("data", {}).items()}
    attributes.update(node.get("html", {}))
    self.body.append(self.starttag(node, node.get("tag", "div"), suffix="", **attributes))


def depart_evidence_block(self, node: evidence_block) -> None:
    self.body.append(f"</{node.get('tag', 'div')}>")


def element(tag: str, *children: nodes.Node, **html: str) -> nodes.Element:
    """An HTML element with the given children: the summary's table is built from these."""
    if tag in ("td", "th", "caption"):
        return evidence_cell("", "", *children, tag=tag, html=html)
    return evidence_block("", *children, tag=tag, html=html)


def visit_certainty_scale(self, node: certainty_scale) -> None:
    self.body.append(f'<span role="img" aria-label="{html.escape(node["label"])}">'
                     f'{node["squares"]}</span>')
    raise nodes.SkipNode


def visit_evidence_svg(self, node: evidence_svg) -> None:
    self.body.append(node["svg"])
    raise nodes.SkipNode


def skip(self, node: nodes.Element) -> None:
    raise nodes.SkipNode


def visit_plain(self, node: nodes.Element) -> None:
    pass


def scale_node(certainty: str) -> certainty_scale:
    span = certainty_range(certainty)
    if span is None:
        squares, label = SCALE_OFF * 4, "not rated"
    else:
        low, high = span
        squares = "".join(SCALE_ON if i <= low else SCALE_PART if i <= high else SCALE_OFF for i in range(4))
        label = f"{low + 1} of 4" if low == high else f"{low + 1} to {high + 1} of 4"
    return certainty_scale(squares=squares, label=label)


def compared(finding: Finding) -> str:
    """What was compared, as one phrase: "Needling compared with fake needling"."""
    versus = finding.versus or COMPARISONS[finding.comparison]
    versus = versus[0].lower() + versus[1:]
    if finding.comparison == "added to other care":
        return f"Needling added to {'other ' if not finding.versus else ''}care, compared with {versus}"
    return f"Needling compared with {versus}"


def certainty_words(certainty: str) -> str:
    low, _, high = certainty.partition(" to ")
    return CERTAINTY_WORDS[low] + (f" to {high}" if high else "")


def strip_markup(text: str) -> str:
    """Plain text of MyST inline roles such as {term}`words <target>`, for the SVG."""
    return re.sub(r"\{[a-z:]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", text)


# -- directives ---------------------------------------------------------------------------------

class EvidenceDirective(SphinxDirective):
    has_content = False

    @property
    def evidence(self) -> Evidence:
        return self.env.evidence_file_data

    def inline(self, text: str) -> list[nodes.Node]:
        """MyST inline markup (terms, citations) as nodes, through the real roles."""
        parsed, messages = self.state.inline_text(text, self.lineno)
        return [*parsed, *messages]

    def para(self, text: str, classes: list[str]) -> nodes.paragraph:
        return nodes.paragraph("", "", *self.inline(text), classes=classes)

    def conditions(self, default: str = "") -> list[str] | None:
        """The conditions the :condition: option names, or None after a warning; the page is read
        again when docs/evidence.toml changes."""
        self.env.note_dependency(str(self.evidence.path))
        return self.keys(self.options.get("condition") or default)

    def keys(self, value: str) -> list[str] | None:
        evidence = self.evidence
        if value.strip() == "all":
            return [k for k in evidence.conditions if evidence.for_conditions([k])]
        keys = [k.strip() for k in value.replace(",", " ").split() if k.strip()]
        unknown = [k for k in keys if k not in evidence.conditions]
        if unknown or not keys:
            logger.warning("%s: unknown condition %s; use one of %s, or all", self.name,
                           ", ".join(repr(k) for k in unknown) or "(none given)",
                           ", ".join(evidence.conditions), location=self.get_location(), type="evidence")
            return None
        return keys


class EvidenceSummary(EvidenceDirective):
    """A summary of findings for one condition or several.

    ``:headline:`` keeps only the findings marked ``headline = true``; ``:comparison:`` only those
    with that comparison; ``:compact:`` gives one line per finding (for pages that show many);
    ``:clinician: no`` leaves out the "For clinicians" dropdown.
    """

    option_spec = {
        "condition": directives.unchanged_required,
        "comparison": lambda value: directives.choice(value, tuple(COMPARISONS)),
        "source": lambda value: value.replace(",", " ").split(),
        "headline": directives.flag,
        "compact": directives.flag,
        "clinician": lambda value: directives.choice(value, ("yes", "no")),
        "clinician-also": directives.unchanged,
    }

    def findings(self, key: str) -> list[Finding]:
        """The findings to show under `key`; a finding about several of the shown conditions appears
        under the first of them only."""
        keys = self.shown_keys or [key]
        sources = self.options.get("source")
        return [f for f in self.evidence.findings if key in f.conditions
                and next(k for k in keys if k in f.conditions) == key
                and ("headline" not in self.options or f.headline)
                and self.options.get("comparison", f.comparison) == f.comparison
                and (sources is None or f.source in sources)]

    shown_keys: list[str] = []

    def run(self) -> list[nodes.Node]:
        keys = self.conditions()
        if keys is None:
            return []
        unknown = [key for key in self.options.get("source", []) if key not in self.env.evidence_file_data.sources]
        if unknown:
            logger.warning("%s: no finding cites %s; give citation keys used in docs/evidence.toml", self.name,
                           ", ".join(repr(key) for key in unknown), location=self.get_location(), type="evidence")
        self.shown_keys = keys
        if len(keys) > 1:  # a page showing several conditions skips those with nothing to show
            keys = [key for key in keys if self.findings(key)]
        compact = "compact" in self.options
        result: list[nodes.Node] = [self.compact(key) if compact else self.summary(key) for key in keys]
        if self.options.get("clinician", "yes") == "yes":
            # One dropdown can also hold the detail of a summary shown earlier on the page (lighter pages).
            also = self.keys(self.options["clinician-also"]) or [] if "clinician-also" in self.options else []
            result.extend(self.clinician_dropdown([*also, *keys]))
        return result

    def block(self, key: str, title: list[nodes.Node], classes: list[str]) -> evidence_block:
        block = evidence_block(classes=["evidence-summary", *classes], data={"condition": key})
        block += nodes.paragraph("", "", *title, classes=["evidence-summary-title"])
        return block

    def summary(self, key: str) -> evidence_block:
        """A summary-of-findings table: what was compared, what happened, how sure we are."""
        condition = self.evidence.conditions[key]
        findings = self.findings(key)
        block = evidence_block(classes=["evidence-summary"], data={"condition": key})
        if not findings:
            block += nodes.paragraph("", f"{condition.name}: we have no study of this yet.")
            return block
        head = element("tr", *(element("th", nodes.Text(label))
                              for label in ("What was compared", "What happened", "How sure we are")))
        body = element("tbody")
        for finding in findings:
            when = f" · {finding.time}" if finding.time != "Not reported" else ""
            body += element("tr",
                            element("td", *self.inline(f"**{finding.outcome}**{when}. {compared(finding)}.")),
                            element("td", nodes.strong("", DIRECTIONS[finding.direction] + ": "),
                                    *self.inline(f"{finding.result} {{cite:p}}`{finding.source}`")),
                            element("td", *self.sure(finding, note=True)))
        block += element("table", element("caption", nodes.Text(f"Summary of findings: {condition.name}")),
                         element("thead", head), body)
        shown = self.env.current_document  # lasts one page: the key and the guide's link once per page
        if not shown.get("evidence-key-shown"):
            shown["evidence-key-shown"] = True
            block += nodes.paragraph("", f"How sure we are: {SCALE_ON * 4} high, {SCALE_ON * 3 + SCALE_OFF} moderate, "
                                         f"{SCALE_ON * 2 + SCALE_OFF * 2} low, {SCALE_ON + SCALE_OFF * 3} very low. "
                                         "Not rated: no rating, or none we could see.",
                                     classes=["evidence-key"])
        if (condition.page == self.env.docname and DECIDE_PAGE in self.env.found_docs
                and not shown.get("evidence-decide-shown")):
            shown["evidence-decide-shown"] = True  # on the condition's own page, where the choice comes up
            block += self.para(DECIDE_LINK, ["evidence-decide"])
        return block

    def compact(self, key: str) -> evidence_block:
        """One line per finding: compared with what, what happened, how sure, the source."""
        condition = self.evidence.conditions[key]
        block = self.block(key, self.inline(f"{{doc}}`{condition.name} </{condition.page}>`"), ["compact"])
        items = nodes.bullet_list()
        for finding in self.findings(key) or []:
            line = nodes.paragraph("", "", *self.inline(f"**{finding.outcome}.** {compared(finding)}: "),
                                   *self.inline(f"{finding.result} {{cite:p}}`{finding.source}`"),
                                   nodes.Text(" How sure: "),
                                   nodes.strong("", certainty_words(finding.certainty) + "."))
            items += nodes.list_item("", line)
        block += items if items.children else nodes.paragraph("", "We have no study of this yet.")
        return block

    def sure(self, finding: Finding, note: bool) -> list[nodes.Node]:
        words: list[nodes.Node] = [nodes.Text(certainty_words(finding.certainty) + ".")]
        if finding.range is not None:  # a not-rated finding has no squares to fill: the words say it
            words.insert(0, scale_node(finding.certainty))
            words[1] = nodes.Text(" " + words[1].astext())
        if note and finding.certainty_note:
            words += [nodes.Text(" "), *self.inline(finding.certainty_note)]
        return words

    def clinician_dropdown(self, keys: list[str]) -> list[nodes.Node]:
        """Each finding's study detail, one line per source (its citation once)."""
        self.shown_keys = keys
        findings = [f for key in keys for f in self.findings(key) if f.clinician]
        findings = [f for n, f in enumerate(findings) if all(f is not g for g in findings[:n])]  # once each
        if not findings:
            return []
        by_source: dict[str, list[Finding]] = {}
        for finding in findings:
            by_source.setdefault(finding.source, []).append(finding)

        def where(finding: Finding) -> str:
            """Which condition a line is about, when the summary shows several."""
            if len(keys) == 1:
                return ""
            return ", ".join(self.evidence.conditions[k].name.lower() for k in finding.conditions if k in keys) + "; "

        lines = [f"- {{cite:t}}`{source}`: "
                 + " ".join(f"({where(f)}{CLINICIAN_COMPARISONS[f.comparison]}) {f.clinician}" for f in group)
                 for source, group in by_source.items()]
        source = [":::{dropdown} For clinicians", ":class-container: for-clinicians", *lines, ":::"]
        container = nodes.container()
        self.state.nested_parse(StringList(source, source=self.get_source_info()[0]), self.content_offset,
                                container)
        return container.children


class EvidenceLinks(EvidenceDirective):
    """A list of links, one per condition, to the section of its own page that holds its summary."""

    option_spec = {"condition": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        keys = self.conditions(default="all")
        if keys is None:
            return []
        links = evidence_block(tag="ul", classes=["research-links"], data={})
        for key in keys:
            page = self.evidence.conditions[key].page
            self.env.note_dependency(str(self.env.doc2path(page)))  # a moved section moves the link
            home = evidence_home(condition=key)
            self.set_source_info(home)
            links += evidence_cell("", "", home, tag="li", data={"condition": key})
        return [links]


def summary_section(env, page: str, key: str) -> str | None:
    """The label of the section on `page` that holds the condition's (first) summary of findings:
    "" when the summary is outside any section, None when the page has none."""
    labels = {(doc, label) for doc, label, _ in env.get_domain("std").labels.values()}
    for block in env.get_doctree(page).findall(evidence_block):
        if block.get("data", {}).get("condition") == key and "evidence-summary" in block["classes"]:
            section = block.parent
            while section is not None and not isinstance(section, nodes.section):
                section = section.parent
            ids = section["ids"] if section is not None else []
            return next((ident for ident in ids if (page, ident) in labels), ids[0] if ids else "")
    return None


class LinkEvidenceHomes(SphinxPostTransform):
    """Each `evidence_home` becomes a reference to its condition's summary, named by the condition,
    which Sphinx then resolves like a {ref} (or a {doc}, for a summary outside any section)."""

    default_priority = 5  # before ReferencesResolver (10), which resolves the references made here

    def run(self, **kwargs) -> None:
        evidence = self.env.evidence_file_data
        for home in list(self.document.findall(evidence_home)):
            key = home["condition"]
            condition = evidence.conditions[key]
            if key not in evidence.summary_sections:
                evidence.summary_sections[key] = summary_section(self.env, condition.page, key)
            section = evidence.summary_sections[key]
            if section is None:
                logger.warning("evidence-links: %s has no summary of findings on its page %s; add an "
                               "{evidence-summary} there", home["condition"], condition.page, location=home,
                               type="evidence")
                home.replace_self(nodes.Text(condition.name))
                continue
            kind, target = ("ref", section) if section else ("doc", "/" + condition.page)
            home.replace_self(addnodes.pending_xref("", nodes.inline("", condition.name), refdomain="std",
                                                    reftype=kind, reftarget=target, refexplicit=True,
                                                    refdoc=self.env.docname, refwarn=True))


class EvidenceChart(EvidenceDirective):
    """How sure the research is, per condition: one mark per finding, by its certainty."""

    option_spec = {"condition": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        keys = self.conditions(default="all")
        if keys is None:
            return []
        serial = self.env.new_serialno("evidence-chart")
        chart_id = f"evidence-chart-{serial}"
        block = evidence_block(classes=["evidence-chart"], data={}, ids=[chart_id])
        block += evidence_svg(svg=chart_svg(self.evidence, keys, chart_id))
        block += nodes.paragraph("", "The chart in words:", classes=["evidence-chart-words-title"],
                                 ids=[f"{chart_id}-words"])
        words = nodes.bullet_list(classes=["evidence-chart-words"])
        for key in keys:
            words += nodes.list_item("", self.para(chart_sentence(self.evidence, key), []))
        block += words
        return [block]


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def chart_sentence(evidence: Evidence, key: str) -> str:
    """One condition's row of the chart, in words, with a link to its page."""
    condition = evidence.conditions[key]
    findings = evidence.for_conditions([key])
    by_level: dict[str, int] = {}
    for finding in findings:
        by_level[finding.certainty] = by_level.get(finding.certainty, 0) + 1
    strongest_first = sorted(by_level, key=lambda level: -sum(certainty_range(level) or (-1, -1)))
    sure = ", ".join(f"{by_level[level]} {level}" for level in strongest_first)
    better = sum(f.direction in ("better", "in favour") for f in findings)
    return (f"{{doc}}`{condition.name} </{condition.page}>`: {counted(len(findings), 'finding', 'findings')}. "
            f"How sure: {sure}. Needling did better in {better}.")


# -- the chart ------------------------------------------------------------------------------------

COLUMNS = [NOT_RATED, *LEVELS]
LABEL_W, COL_W, ROW_H, TOP, MARK, PER_LINE = 92, 72, 30, 40, 11, 5


def mark(direction: str, x: float, y: float) -> str:
    r = 4
    if direction in ("better", "in favour"):
        return f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r}"/>'
    if direction == "no difference":
        return f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{r}" fill="none"/>'
    if direction == "worse":
        return f'<path d="M{x - r:.0f} {y - r + 1:.0f}h{2 * r}l-{r} {2 * r - 1}z"/>'
    return f'<path d="M{x:.0f} {y - r - 1:.0f}l{r + 1} {r + 1}-{r + 1} {r + 1}-{r + 1}-{r + 1}z" fill="none"/>'


def column_x(column: int, place: int = 0) -> float:
    return LABEL_W + COL_W * column + 10 + place * MARK


def row_marks(findings: list[Finding], y: float) -> list[str]:
    """Single-level findings on the row's upper line, ranges on its lower line with a dashed line
    to their highest level, so that no line crosses a mark."""
    singles: dict[int, list[Finding]] = {}
    ranges: dict[tuple[int, int], list[Finding]] = {}
    for finding in findings:
        span = finding.range
        if span is None or span[0] == span[1]:
            singles.setdefault(0 if span is None else span[0] + 1, []).append(finding)
        else:
            ranges.setdefault(span, []).append(finding)
    out = []
    single_y = y - 5.5 if ranges else y
    for column, group in sorted(singles.items()):
        lines = (len(group) - 1) // PER_LINE + 1
        for n, finding in enumerate(group):
            line, place = divmod(n, PER_LINE)
            out.append(mark(finding.direction, column_x(column, place), single_y + (line - (lines - 1) / 2) * 11))
    places: dict[int, int] = {}
    for (low, high), group in sorted(ranges.items()):
        for finding in group:
            place = places.get(low + 1, 0)
            places[low + 1] = place + 1
            out.append(mark(finding.direction, column_x(low + 1, place), y + 5.5))
        out.append(f'<path d="M{column_x(low + 1, places[low + 1] - 1) + 5:.0f} {y + 5.5:.1f}'
                   f'H{column_x(high + 1):.0f}" stroke-dasharray="3 2" stroke-width="1"/>'
                   f'<path d="M{column_x(high + 1):.0f} {y + 1.5:.1f}v8" stroke-width="1.4"/>')
    return out


def chart_svg(evidence: Evidence, keys: list[str], chart_id: str) -> str:
    width = LABEL_W + COL_W * len(COLUMNS)
    legend_y = TOP + ROW_H * len(keys) + 22
    height = legend_y + 22
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-words" class="evidence-chart-svg" '
           'fill="currentColor" stroke="currentColor" font-size="12">',
           f'<title id="{chart_id}-title">How sure the research is for each problem. Each mark is one '
           'finding, placed by how sure we are.</title>',
           '<g stroke="none" text-anchor="middle" font-weight="bold">']
    for i, column in enumerate(COLUMNS):
        out.append(f'<text x="{LABEL_W + COL_W * i + COL_W / 2:.0f}" y="{TOP - 12}">{CERTAINTY_WORDS[column]}</text>')
    out.append(f'<text x="{LABEL_W + COL_W * 3:.0f}" y="12" font-weight="normal">less sure → more sure</text>')
    out.append('</g><g stroke-opacity=".35">')
    out.extend(f'<path d="M0 {TOP + ROW_H * i - 5}H{width}"/>' for i in range(len(keys) + 1))
    out.append("</g>")
    for row, key in enumerate(keys):
        y = TOP + ROW_H * row + ROW_H / 2 - 5
        name = html.escape(strip_markup(evidence.conditions[key].short))
        out.append(f'<text x="0" y="{y + 4:.0f}" stroke="none">{name}</text><g stroke-width="1.5">')
        out.extend(row_marks(evidence.for_conditions([key]), y))
        out.append("</g>")
    legend = [("better", "did better"), ("no difference", "no clear difference"),
              ("worse", "did worse"), ("unclear", "unclear")]
    out.append('<g stroke-width="1.5">')
    x = 0
    for direction, words in legend:
        out.append(mark(direction, x + 5, legend_y - 4))
        out.append(f'<text x="{x + 13}" y="{legend_y}" stroke="none">{words}</text>')
        x += 24 + 6.4 * len(words)
    out.append(f'<text x="0" y="{legend_y + 18}" stroke="none">Dashes: a rating given as a range.</text>')
    out.append("</g></svg>")
    return "".join(out)


# -- events -------------------------------------------------------------------------------------

def load(app: Sphinx, env, docnames) -> None:
    """Read and check the file before pages are read; every problem is a warning with its line."""
    path = Path(app.srcdir, app.config.evidence_file)
    bib_keys = set(env.get_domain("cite").bibdata.data.entries.keys())
    # On the environment (read afresh before every build), so that directives in any process see it.
    env.evidence_file_data = read_evidence(path, set(env.found_docs), bib_keys)
    for line, message in env.evidence_file_data.problems:
        logger.warning("%s", message, location=f"{path}:{line}", type="evidence")


# Each stylesheet, and what in a page's body needs it (README, "Evidence").
STYLESHEETS = {
    # every summary, and the decision guide's, fetched when the reader chooses (fetch_on_choice.py)
    "evidence.css": ('class="evidence-', "data-fetch-on-choice="),
    # a full summary's table and key, and the chart; the guide's one-line summaries need none of it
    "evidence-full.css": ('class="evidence-summary"', 'class="evidence-key', 'class="evidence-chart'),
}


def css_only_where_used(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "css_files" not in context:
        return
    body = context.get("body", "")
    unused = {name for name, needs in STYLESHEETS.items() if not any(need in body for need in needs)}
    context["css_files"] = [css for css in context["css_files"]
                            if Path(getattr(css, "filename", str(css))).name not in unused]


def setup(app: Sphinx) -> dict:
    app.add_config_value("evidence_file", "evidence.toml", "env", types=[str])
    for node in (evidence_block, evidence_cell):
        app.add_node(node, html=(visit_evidence_block, depart_evidence_block),
                     latex=(visit_plain, visit_plain), text=(visit_plain, visit_plain))
    app.add_node(certainty_scale, html=(visit_certainty_scale, None), latex=(skip, None), text=(skip, None))
    app.add_node(evidence_svg, html=(visit_evidence_svg, None), latex=(skip, None), text=(skip, None))
    app.add_directive("evidence-summary", EvidenceSummary)
    app.add_directive("evidence-chart", EvidenceChart)
    app.add_directive("evidence-links", EvidenceLinks)
    app.add_post_transform(LinkEvidenceHomes)
    app.connect("env-before-read-docs", load)
    for stylesheet in STYLESHEETS:
        app.add_css_file(stylesheet)
    app.connect("html-page-context", css_only_where_used, priority=PageContext.DROP_UNUSED_ASSETS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
