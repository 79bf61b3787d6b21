"""Render the "When should I get help?" cards from their one source, docs/care-advice.toml.

Pages ask for symptom groups by name::

    :::{care-advice} after-needling, after-needling-chest
    :::

and get up to three cards (call the clinic, see a doctor today, emergency department or 911), with the
classes ``care care-non-urgent|care-urgent|care-emergency``. Each symptom is written once, at one level,
so no two pages can disagree. The strict build fails, with the file and line, when a page writes a card
by hand, names a group that does not exist, or when the data would put one symptom at two levels: the
same id twice, the same words under two ids, or a word (``breath``, ``numb``...) below its floor level.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

LEVELS = ("non-urgent", "urgent", "emergency")  # least to most urgent; also the CSS class suffixes
SYMPTOM_FIELDS = {"id", "level", "text", "why", "source"}
# A card written by hand: an admonition (or any block) given one of the card classes.
HAND_WRITTEN = re.compile(r"(?:^|[\s\"'.])care(?:-(?:non-urgent|urgent|emergency))?(?=[\s\"'}]|$)")
CLASS_LINE = re.compile(r"^\s*(?::class:|:class-container:|\{[^}]*\.|<[^>]*class=)")


@dataclass
class Symptom:
    id: str
    level: str
    text: str
    group: str
    line: int


@dataclass
class CareAdvice:
    """The data file, read and checked once per build; problems are kept as (line, message)."""

    path: Path
    levels: dict[str, dict] = field(default_factory=dict)
    symptoms: dict[str, Symptom] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # group name -> symptom ids, in order
    problems: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> CareAdvice:
        advice = cls(path)
        if not path.exists():  # an old release built with today's toolchain; pages that ask for groups warn
            return advice
        text = path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"line (\d+)", str(error))
            advice.problems.append((int(line.group(1)) if line else 1,
                                    f"could not be read ({error}); fix the TOML syntax"))
            return advice
        advice._check(data, text.splitlines())
        return advice

    def _check(self, data: dict, lines: list[str]) -> None:
        def line_of(key: str, value: str, start: int = 0) -> int:
            pattern = re.compile(rf'^\s*{key}\s*=\s*"{re.escape(value)}"')
            return next((n for n, line in enumerate(lines, 1) if n > start and pattern.match(line)), 1)

        for name in LEVELS:
            level = data.get("levels", {}).get(name)
            if not isinstance(level, dict) or not level.get("title"):
                self.problems.append((1, f"[levels.{name}] needs a `title`"))
                level = {"title": name}
            self.levels[name] = level
        for name in sorted(set(data.get("levels", {})) - set(LEVELS)):
            self.problems.append((1, f"unknown level {name!r}; the levels are {', '.join(LEVELS)}"))

        includes: dict[str, tuple[list[str], int]] = {}
        last_line = 0
        for group in data.get("group", []):
            name = str(group.get("name", ""))
            group_line = line_of("name", name, last_line) if name else last_line + 1
            last_line = group_line
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name):
                self.problems.append((group_line, f"group name {name!r}: use lower-case words joined by hyphens"))
                continue
            if name in self.groups:
                self.problems.append((group_line, f"group {name!r} is defined twice; merge the two"))
                continue
            self.groups[name] = []
            includes[name] = (list(group.get("include", [])), group_line)
            for entry in group.get("symptom", []):
                symptom_id = str(entry.get("id", ""))
                line = line_of("id", symptom_id, last_line) if symptom_id else last_line + 1
                last_line = max(last_line, line)
                self._add_symptom(name, entry, line)
        for name, (ids, line) in includes.items():
            for symptom_id in ids:
                if symptom_id not in self.symptoms:
                    self.problems.append((line, f"group {name!r} includes {symptom_id!r}, which no group defines"))
                elif symptom_id in self.groups[name]:
                    self.problems.append((line, f"group {name!r} includes its own symptom {symptom_id!r}"))
                else:
                    self.groups[name].append(symptom_id)
        self._check_rules(data.get("rules", {}))

    def _add_symptom(self, group: str, entry: dict, line: int) -> None:
        symptom_id, level, text = (str(entry.get(key, "")).strip() for key in ("id", "level", "text"))
        for missing in ("id", "level", "text", "why"):
            if not str(entry.get(missing, "")).strip():
                self.problems.append((line, f"a symptom of group {group!r} has no `{missing}`"))
        for unknown in sorted(set(entry) - SYMPTOM_FIELDS):
            self.problems.append((line, f"symptom {symptom_id!r}: unknown field {unknown!r} "
                                        f"(use {', '.join(sorted(SYMPTOM_FIELDS))})"))
        if not symptom_id or not text:
            return
        if level not in LEVELS:
            self.problems.append((line, f"symptom {symptom_id!r}: unknown level {level!r}; "
                                        f"use one of {', '.join(LEVELS)}"))
            return
        if (other := self.symptoms.get(symptom_id)) is not None:
            where = (f"at level {other.level!r} on line {other.line} and at {level!r} here: one symptom, one level"
                     if other.level != level else f"already on line {other.line}")
            self.problems.append((line, f"symptom {symptom_id!r} is written twice, {where}; keep one and add "
                                        f"it to other groups with `include`"))
            return
        words = normalised(text)
        for other in self.symptoms.values():
            if normalised(other.text) == words:
                self.problems.append((line, f"symptom {symptom_id!r} has the same words as {other.id!r} "
                                            f"(line {other.line}, level {other.level!r}); write it once"))
                return
        self.symptoms[symptom_id] = Symptom(symptom_id, level, text, group, line)
        self.groups[group].append(symptom_id)

    def _check_rules(self, rules: dict) -> None:
        for rule in rules.get("floor", []):
            floor = rule.get("level")
            if floor not in LEVELS:
                self.problems.append((1, f"rules.floor level {floor!r}: use one of {', '.join(LEVELS)}"))
                continue
            for symptom in self.symptoms.values():
                found = [word for word in rule.get("words", []) if word in plain(symptom.text)]
                if found and LEVELS.index(symptom.level) < LEVELS.index(floor):
                    self.problems.append((symptom.line, f"symptom {symptom.id!r} mentions {found[0]!r}, which is never "
                                                        f"below the {floor!r} level ({rule.get('why', '')}); "
                                                        f"move it to level {floor!r}"))
        for rule in rules.get("never", []):
            for symptom in self.symptoms.values():
                for word in rule.get("words", []):
                    if word in plain(symptom.text):
                        self.problems.append((symptom.line, f"symptom {symptom.id!r} says {word!r}; "
                                                            f"reword it ({rule.get('why', '')})"))

    def cards(self, group_names: list[str]) -> dict[str, list[Symptom]]:
        """The symptoms of the named groups, by level, each once, in the order the page names them."""
        by_level: dict[str, list[Symptom]] = {level: [] for level in LEVELS}
        seen: set[str] = set()
        for name in group_names:
            for symptom_id in self.groups.get(name, []):
                if symptom_id not in seen:
                    seen.add(symptom_id)
                    symptom = self.symptoms[symptom_id]
                    by_level[symptom.level].append(symptom)
        return by_level


def plain(text: str) -> str:
    """Lower-case text without roles' markup, for the word rules."""
    return re.sub(r"\{[^}]+\}`([^`<]*)(?:<[^>]*>)?`", r"\1", text).lower()


def normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", plain(text)))


class CareAdviceDirective(SphinxDirective):
    """``{care-advice} group, group``: the three-level cards for the named symptom groups."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self) -> list[nodes.Node]:
        advice: CareAdvice = self.env.care_advice  # read on builder-inited
        self.env.note_dependency(str(advice.path))
        names = [name.strip() for name in self.arguments[0].split(",") if name.strip()]
        for name in names:
            if name not in advice.groups:
                logger.warning("care-advice: no symptom group %r in %s; known groups: %s", name, advice.path.name,
                               ", ".join(advice.groups) or "none (is the file there?)", location=self.get_location(),
                               type="care_advice", subtype="group")
        cards = []
        for level, symptoms in advice.cards(names).items():
            if symptoms:
                cards.append(self.card(advice.levels[level], level, symptoms))
        return cards

    def card(self, level_data: dict, level: str, symptoms: list[Symptom]) -> nodes.Node:
        card = nodes.admonition(classes=["care", f"care-{level}"])
        title_nodes, messages = self.state.inline_text(level_data["title"], self.lineno)
        card += nodes.title(level_data["title"], "", *title_nodes)
        card += messages
        items = nodes.bullet_list(bullet="-")
        for symptom in symptoms:
            item = nodes.list_item(classes=[f"care-item-{symptom.id}"])
            self.parse_markdown(symptom.text, item)
            items += item
        card += items
        if level_data.get("note"):
            note_nodes, messages = self.state.inline_text(level_data["note"], self.lineno)
            card += nodes.paragraph(level_data["note"], "", *note_nodes, classes=["care-note"])
            card += messages
        return card

    def parse_markdown(self, text: str, parent: nodes.Element) -> None:
        lines = text.strip("\n").splitlines()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, parent)


def read_care_advice(app: Sphinx) -> None:
    advice = CareAdvice.read(Path(app.srcdir, app.config.care_advice_file))
    app.env.care_advice = advice  # type: ignore[attr-defined]
    for line, message in advice.problems:
        logger.warning("%s", message, location=f"{advice.path}:{line}", type="care_advice", subtype="data")


def hand_written_cards(app: Sphinx, docname: str, source: list[str]) -> None:
    """A card written into a page would escape the one source: point at it and say what to write."""
    report_hand_written(app.env.doc2path(docname), source[0])


def hand_written_cards_in_include(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    report_hand_written(Path(app.srcdir, relative_path), content[0])


def report_hand_written(path: Path | str, text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if CLASS_LINE.match(line) and HAND_WRITTEN.search(line.split("class", 1)[-1]):
            logger.warning("a 'When should I get help?' card written by hand; write ':::{care-advice} <groups>' "
                           "with groups from docs/care-advice.toml instead (README, 'Care advice')",
                           location=f"{path}:{number}", type="care_advice", subtype="hand_written")


def setup(app: Sphinx) -> dict:
    app.add_config_value("care_advice_file", "care-advice.toml", "env", types=[str])
    app.add_directive("care-advice", CareAdviceDirective)
    app.connect("builder-inited", read_care_advice)
    app.connect("source-read", hand_written_cards)
    app.connect("include-read", hand_written_cards_in_include)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
