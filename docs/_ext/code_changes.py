"""Re-read every page when the site's own Python code changed, as when a setting did.

Sphinx re-reads a page when its source, a file it depends on or an "env" setting changed, but not
when an extension's code did: after editing a file in docs/_ext or tools/, `make html` left every
unchanged page as the old code had written it, and only `make clean` showed the change. The
digest of that code is a setting here, so an edit reads as "1 option changed" and every page is
read and written again.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from tools.event_order import ConfigInited

SETTING = "local_code_digest"


def local_modules(confdir: Path) -> list[Path]:
    """The source files of the imported modules that live in the project, not in the Python install."""
    installed = (Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve())
    files = set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if not name or not name.endswith(".py"):
            continue
        path = Path(name).resolve()
        if path.is_relative_to(confdir) and not any(path.is_relative_to(prefix) for prefix in installed):
            files.add(path)
    return sorted(files)


def code_digest(confdir: Path) -> str:
    digest = hashlib.sha256()
    for path in local_modules(confdir):
        digest.update(path.relative_to(confdir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def record_code(app: Sphinx, config: Config) -> None:
    # every extension in conf.py is imported by now, and Sphinx compares settings only after this event
    setattr(config, SETTING, code_digest(Path(app.confdir).resolve()))


def setup(app: Sphinx) -> dict:
    app.add_config_value(SETTING, "", "env", types=frozenset({str}))
    app.connect("config-inited", record_code, priority=ConfigInited.CODE_DIGEST)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
