"""Make the README's dashboard screenshots from the browser tests' latest run.

    .venv/bin/python scripts/readme_screenshots.py [e2e-screenshots]

Reads the light screenshots the end-to-end tests write
(``tests/saleor/test_dashboard_e2e.py``), trims them to what the README shows
and writes small palette PNGs to ``docs/screenshots/``. The product card is
long (every value sent to Amazon is listed), so its image joins the card's
head to the start of its "Listing on Amazon" section.
"""

import json
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
# Heights kept from the top; None keeps all.
KEEP = {"amazon-page": 420, "category-popup": 560, "order-widget": None}
# The product card: its head, then this much from its "Listing on Amazon"
# section, whose place the tests record in layout.json.
PRODUCT_HEAD = 300
PRODUCT_LISTING = 324


def _save(image: Image.Image, name: str) -> None:
    small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(OUT / f"{name}.png", optimize=True)


def _cut_marker(width: int) -> Image.Image:
    marker = Image.new("RGB", (width, 24), (255, 255, 255))
    draw = ImageDraw.Draw(marker)
    for x in range(20, width - 20, 12):
        draw.line((x, 12, x + 6, 12), fill=(180, 180, 180))
    return marker


def main(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, keep in KEEP.items():
        image = Image.open(source / f"{name}-light.png")
        if keep and image.height > keep:
            image = image.crop((0, 0, image.width, keep))
        _save(image, name)
    card = Image.open(source / "product-widget-light.png").convert("RGB")
    layout = json.loads((source / "layout.json").read_text())
    top = layout["product-widget"]["listingTop"]
    head = card.crop((0, 0, card.width, PRODUCT_HEAD))
    listing = card.crop((0, top, card.width, top + PRODUCT_LISTING))
    marker = _cut_marker(card.width)
    joined = Image.new("RGB", (card.width, head.height + 24 + listing.height), "white")
    joined.paste(head, (0, 0))
    joined.paste(marker, (0, head.height))
    joined.paste(listing, (0, head.height + marker.height))
    _save(joined, "product-widget")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "e2e-screenshots")
