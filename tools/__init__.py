"""The site's toolchain: the code it shares (shared.py, release_manifest.py, browser.py) and the
scripts `make` runs as `python -m tools.<name>`."""
