"""How the pages look: screenshots, a phone-sized screen, and dark mode."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

ARTICLE = "/articles/000_0094f72c2f52c878?q=Lavrov"
PAGES = ["/", "/search?q=Lavrov", ARTICLE, "/search?q=Lavorv", "/articles/nope"]


def rgb(css: str) -> tuple[float, ...]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 1)' -> (1, 2, 3)."""
    inner = css[css.index("(") + 1 : css.index(")")]
    return tuple(float(part) for part in inner.replace("/", ",").split(",")[:3])


def luminance(color: tuple[float, ...]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def colours(page) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(background, text) colours of the page body."""
    bg, fg = page.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    return rgb(bg), rgb(fg)


def png_size(path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_screenshots(new_page, screenshot):
    """home, results, article, dark and phone pictures (docs/screenshots/ shows them)."""
    page = new_page(color_scheme="light")
    page.goto("/")
    shots = {"home": screenshot(page, "home")}
    page.goto("/search?q=Lavrov")
    shots["results"] = screenshot(page, "results")
    page.goto(ARTICLE)
    page.locator("mark.is-current").wait_for()
    shots["article"] = screenshot(page, "article")

    dark = new_page(color_scheme="dark")
    dark.goto("/search?q=Lavrov")
    shots["dark"] = screenshot(dark, "dark")

    phone = new_page(color_scheme="light", viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/search?q=Lavrov")
    shots["phone"] = screenshot(phone, "phone")

    # Each picture is the viewport it was taken in, and dark mode changed the picture.
    for name, path in shots.items():
        width, height = png_size(path)
        viewport = PHONE if name == "phone" else DESKTOP
        assert width % viewport["width"] == 0 and width // viewport["width"] >= 1, name
        assert height * viewport["width"] == width * viewport["height"], name
    assert shots["dark"].read_bytes() != shots["results"].read_bytes()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("path", PAGES)
def test_phone_has_no_horizontal_scroll(new_page, path, javascript):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript)
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px phone"


def test_phone_facets_are_usable(new_page):
    """On a phone the filters follow the results and each is a comfortable tap target."""
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/search?q=Lavrov")
    link = page.locator(".facets").get_by_role("link", name="CNN")
    box = link.bounding_box()
    assert box["height"] >= 24 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    link.tap()
    page.wait_for_url("**outlet=CNN")
    assert page.locator("ol.hits > li").count() == 1


def test_dark_mode_changes_the_colours(new_page):
    light = new_page(color_scheme="light")
    dark = new_page(color_scheme="dark")
    for page in (light, dark):
        page.goto("/search?q=Lavrov")
    light_bg, light_fg = colours(light)
    dark_bg, dark_fg = colours(dark)
    assert dark_bg != light_bg
    assert luminance(dark_bg) < 0.05 < 0.8 < luminance(light_bg)
    for bg, fg in ((light_bg, light_fg), (dark_bg, dark_fg)):
        assert contrast(bg, fg) >= 7, "body text should reach WCAG AAA contrast"
    # Highlights and links change with the scheme too.
    for selector in (".snippet mark", "ol.hits h2 a"):
        light_colour = light.locator(selector).first.evaluate("el => getComputedStyle(el).color")
        dark_colour = dark.locator(selector).first.evaluate("el => getComputedStyle(el).color")
        assert light_colour != dark_colour, selector
