"""Draws the application icon (a gold star over a white house on red: the movement and the households)
into resources/icon/ as PNG and a multi-size ICO. Run it again only to change the icon."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "resources" / "icon"


def star(cx: float, cy: float, outer: float, inner: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle((size * 0.04, size * 0.04, size * 0.96, size * 0.96), radius=size * 0.18, fill="#c62828")
    d.polygon(star(size / 2, size * 0.33, size * 0.2, size * 0.08), fill="#ffd600")
    # a house: the households the movement leaves nobody behind in
    s = size
    d.polygon([(s * 0.22, s * 0.66), (s * 0.5, s * 0.46), (s * 0.78, s * 0.66)], fill="white")
    d.rectangle((s * 0.29, s * 0.65, s * 0.71, s * 0.86), fill="white")
    d.rectangle((s * 0.45, s * 0.72, s * 0.55, s * 0.86), fill="#c62828")
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(OUT / "thidua.png")
    big.save(OUT / "thidua.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"Icon written to {OUT}")
