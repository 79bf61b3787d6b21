"""The decision guide's questions as native form controls, and its script and styles on its page only.

A `question` directive turns a Markdown list into a fieldset of labelled controls, so the page's
HTML holds every question and works (and prints) without JavaScript:

    :::{question} Which problem would you like help with?
    :name: problem
    :type: radio
    :values: neck, low-back

    - Neck pain
    - Low back pain
    :::

- `radio` / `checkbox`: one control per list item; `:values:` gives their values in order
  (default: a slug of each item's text).
- `rate`: each list item is rated on `:scale:` (comma-separated), one radio group per item.
- `text`: a text box labelled by the title; the body, if any, is its hint.

`:summary:` gives the words the printable summary uses instead of the title ("Questions I want to ask"
for "Tick the questions you want to ask.").

The list may come from an `{include}` (for example a shared snippet); text around the list stays as
it is. Links in a label (glossary terms, say) show as their plain words there: a click on one would
leave the page and lose the reader's answers.

Pages with a `question` load `decide.js` and `decide.css` (the script adds the step-by-step
interactivity and the printable summary; nothing it handles leaves the browser).
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

TYPES = ("radio", "checkbox", "rate", "text")
NAME = re.compile(r"^[a-z][a-z0-9-]*$")
SCRIPT, STYLESHEET = "decide.js", "decide.css"


class question_node(nodes.Element, nodes.General):
    """<fieldset> for choices and ratings, <div> for a text box; `data-name` for the script."""


class legend_node(nodes.TextElement):
    pass


class choice_node(nodes.TextElement):
    """A <label> wrapping its <input>: the label is the item's own inline text."""


class textbox_node(nodes.TextElement):
    """The <label> of a text box; the <textarea> itself closes its question."""


def slug(text: str, limit: int = 48) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-") or "item"


def comma_list(argument: str) -> list[str]:
    return [part.strip() for part in (argument or "").split(",") if part.strip()]


def inline_children(item: nodes.list_item) -> list[nodes.Node] | None:
    """The inline content of a list item made of one paragraph (a <label> holds no blocks)."""
    if len(item.children) == 1 and isinstance(item[0], nodes.paragraph):
        return [child.deepcopy() for child in item[0].children]
    return None


class Question(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {
        "name": directives.unchanged_required,
        "type": lambda arg: directives.choice(arg, TYPES),
        "values": comma_list,
        "scale": comma_list,
        "summary": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        name = self.options.get("name", "")
        kind = self.options.get("type", "radio")
        if not NAME.match(name):
            return self.fail(f"give the question a `:name:` in lower case with hyphens (got {name!r})")
        ids = self.env.temp_data.setdefault("decide_question_names", set())  # cleared per document
        if name in ids:
            return self.fail(f"another question on this page is already named {name!r}: names must be unique")
        ids.add(name)

        node = question_node(kind=kind, name=name, summary=self.options.get("summary", ""),
                             classes=["decide-question", f"decide-{kind}"])
        self.set_source_info(node)
        title_nodes, messages = self.parse_inline(self.arguments[0], lineno=self.lineno)
        body = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, body)
        if kind == "text":
            node += textbox_node("", "", *title_nodes, **{"for": f"q-{name}"})
            if len(body):
                node += nodes.container("", *body.children, ids=[f"q-{name}-hint"], classes=["decide-hint"])
            return [node, *messages]

        node += legend_node("", "", *title_nodes)
        lists = [child for child in body.children if isinstance(child, nodes.bullet_list)]
        if len(lists) != 1:
            return self.fail("put the choices in one bullet list (- item) inside the question")
        items = list(lists[0].children)
        values = self.options.get("values") or [slug(item.astext()) for item in items]
        if len(values) != len(items):
            return self.fail(f"`:values:` lists {len(values)} values for {len(items)} choices: give one per choice")
        if len(set(values)) != len(values):
            return self.fail("two choices have the same value: give them distinct `:values:`")
        scale = self.options.get("scale", [])
        if kind == "rate" and len(scale) < 2:
            return self.fail("a `rate` question needs a `:scale:` of at least two answers, comma-separated")

        controls = []
        for item, value in zip(items, values, strict=True):
            label = inline_children(item)
            if label is None:
                return self.fail("each choice must be one short paragraph (no nested lists or blocks)")
            if kind == "rate":
                group = question_node(kind="item", classes=["decide-item"])
                group += legend_node("", "", *label)
                for answer in scale:
                    group += choice_node("", answer, type="radio", name=f"{name}-{value}", value=slug(answer))
                controls.append(group)
            else:
                controls.append(choice_node("", "", *label, type=kind, name=name, value=value))
        for child in body.children:  # text around the list (from an include, say) stays in place
            if child is lists[0]:
                node.extend(controls)
            else:
                node.append(child)
        return [node, *messages]

    def fail(self, message: str) -> list[nodes.Node]:
        return [self.state.document.reporter.warning(f"question: {message}", line=self.lineno)]


class UnlinkLabels(SphinxPostTransform):
    """A link in a control's label would take the reader off the page and lose their answers, so once
    references are resolved, each link in a label (a glossary term, say) becomes its plain words.
    The same snippet elsewhere keeps its links; the unresolved doctree, which search reads, keeps its terms."""

    default_priority = 20  # after ReferencesResolver (10)

    def run(self, **kwargs) -> None:
        for label in self.document.findall(lambda node: isinstance(node, (choice_node, textbox_node))):
            for link in list(label.findall(nodes.reference)):
                link.replace_self(nodes.Text(link.astext()))


def visit_question(self, node: question_node) -> None:
    tag = "div" if node["kind"] == "text" else "fieldset"
    data = {"data-name": node.get("name"), "data-summary": node.get("summary")}  # rated items have neither
    self.body.append(self.starttag(node, tag, "", **{key: value for key, value in data.items() if value}))


def depart_question(self, node: question_node) -> None:
    if node["kind"] != "text":
        self.body.append("</fieldset>\n")
        return
    # The text box goes after its label and hint, so it reads label, hint, box.
    box_id = f"q-{node['name']}"
    described = f' aria-describedby="{box_id}-hint"' if len(node) > 1 else ""
    self.body.append(f'<textarea id="{box_id}" name="{node["name"]}" rows="3"{described}></textarea>\n</div>\n')


def visit_legend(self, node: legend_node) -> None:
    self.body.append("<legend>")


def depart_legend(self, node: legend_node) -> None:
    self.body.append("</legend>\n")


def visit_choice(self, node: choice_node) -> None:
    # The label wraps its control, so it needs no id and `for` (a page has dozens: bytes count).
    # Words in markup (emphasis, say) go in one <span>, so the flex label keeps them as one item beside the box.
    self.body.append(f'<label><input type="{node["type"]}" name="{self.attval(node["name"])}" '
                     f'value="{self.attval(node["value"])}"> ' + ("" if only_words(node) else "<span>"))


def depart_choice(self, node: choice_node) -> None:
    self.body.append(("" if only_words(node) else "</span>") + "</label>\n")


def only_words(node: choice_node) -> bool:
    """Whether the label is only words, no markup (then it needs no wrapper)."""
    return all(isinstance(child, nodes.Text) for child in node.children)


def visit_textbox(self, node: textbox_node) -> None:
    self.body.append(f'<label for="{node["for"]}">')


def depart_textbox(self, node: textbox_node) -> None:
    self.body.append("</label>\n")


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and next(iter(doctree.findall(question_node)), None) is not None:
        app.add_css_file(STYLESHEET)  # in html-page-context: for this page only
        app.add_js_file(SCRIPT, loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.add_node(question_node, html=(visit_question, depart_question))
    app.add_node(legend_node, html=(visit_legend, depart_legend))
    app.add_node(choice_node, html=(visit_choice, depart_choice))
    app.add_node(textbox_node, html=(visit_textbox, depart_textbox))
    app.add_directive("question", Question)
    app.add_post_transform(UnlinkLabels)
    app.connect("html-page-context", add_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
