"""Draw the link-preview image (Open Graph / Twitter card) as docs/_static/site-preview.png.

Run `make site-image` after changing the wording or colours; the PNG is committed, so builds
need neither Pillow nor any generator. 1200 x 630 is the size link previews expect.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tools.shared import DOCS

OUT = DOCS / "_static" / "site-preview.png"
SIZE = (1200, 630)
TEAL, DEEP, LIGHT, WHITE = "#0b5d66", "#073f45", "#6fd3dc", "#ffffff"
TITLE = "Dry needling (IMS)"
SUBTITLE = "Plain answers for patients"
CLINIC = "Hillstar physiotherapy clinic · Grande Prairie"


def draw() -> Image.Image:
    image = Image.new("RGB", SIZE, TEAL)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, SIZE[1] - 90, SIZE[0], SIZE[1]), fill=DEEP)
    # A fine needle with its handle, drawn, not fetched.
    pen.line((930, 120, 1090, 470), fill=LIGHT, width=5)
    pen.rounded_rectangle((905, 70, 955, 140), radius=12, fill=WHITE)
    pen.ellipse((1080, 455, 1100, 475), fill=LIGHT)
    font = ImageFont.load_default
    pen.text((80, 150), TITLE, font=font(size=84), fill=WHITE)
    pen.text((80, 270), SUBTITLE, font=font(size=52), fill=LIGHT)
    pen.text((80, SIZE[1] - 68), CLINIC, font=font(size=36), fill=WHITE)
    return image


if __name__ == "__main__":
    draw().save(OUT, optimize=True)
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
