"""Another clinic's docs: link to our sections through intersphinx (tests/test_deep_links.py builds it)."""

import os

project = "Another clinic's handbook"
extensions = ["myst_parser", "sphinx.ext.intersphinx"]
# The test passes where our site is published and where its built objects.inv lies.
intersphinx_mapping = {
    "dryneedling": (os.environ["DRY_NEEDLING_URL"], os.environ["DRY_NEEDLING_INVENTORY"]),
}
nitpicky = True
html_theme = "basic"
