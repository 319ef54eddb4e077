"""Text colours are readable in both JupyterLab themes: WCAG 2.1 contrast >= 4.5:1 (AA, 1.4.3).

Unit tests parse the apps' palette (``pqfl_kit.apps.common.PALETTE``), the CSS that switches it with
the theme, every colour literal in the app modules, and the gallery template's colours. Browser tests
open apps from the gallery in ``?theme=light`` and ``?theme=dark`` and read the computed colours of
their status lines against the background actually behind them.
"""
from __future__ import annotations

import re

import pytest
from servers import ROOT
from test_gallery import TEMPLATE, serve_gallery

from pqfl_kit.apps import common

AA = 4.5
# Page and panel backgrounds: JupyterLab's --jp-layout-color0/1 in each theme (#fff/#fff light,
# #111/#212121 dark), a light grey table stripe, and a dark card (the gallery's is #1e1e1e).
LIGHT_BACKGROUNDS = ("#ffffff", "#f5f5f5")
DARK_BACKGROUNDS = ("#111111", "#212121", "#2f2f2f")
APP_SOURCES = sorted((ROOT / "pqfl_kit" / "apps").glob("*.py"))


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #rgb, #rrggbb or rgb(r, g, b)."""
    if colour.startswith("rgb"):
        r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", colour)[:3])
    else:
        hexes = colour.lstrip("#")
        hexes = "".join(c * 2 for c in hexes) if len(hexes) == 3 else hexes
        r, g, b = (int(hexes[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_ratios():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic "just fails AA" grey
    # issue 14's measurements of the old colours on the dark page
    assert contrast("#1f4e79", "#111111") == pytest.approx(2.2, abs=0.05)
    assert contrast("#b3261e", "#111111") == pytest.approx(2.9, abs=0.05)


@pytest.mark.parametrize("kind", sorted(common.PALETTE))
def test_palette_is_aa_on_both_themes(kind):
    light, dark = common.PALETTE[kind]
    for background in LIGHT_BACKGROUNDS:
        assert contrast(light, background) >= AA, f"{kind} {light} on {background}: {contrast(light, background):.2f}"
    for background in DARK_BACKGROUNDS:
        assert contrast(dark, background) >= AA, f"{kind} {dark} on {background}: {contrast(dark, background):.2f}"


def _variables(css: str, selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\{([^}]*)\}", css)
    assert block, f"no rule for {selector} in {css}"
    return dict(re.findall(r"--pqfl-([\w-]+):\s*(#[0-9a-fA-F]{3,6})", block.group(1)))


def test_palette_style_switches_with_the_jupyterlab_theme():
    css = common.PALETTE_STYLE
    assert _variables(css, "body[data-jp-theme-light='true']") == {k: v[0] for k, v in common.PALETTE.items()}
    assert _variables(css, "body[data-jp-theme-light='false']") == {k: v[1] for k, v in common.PALETTE.items()}
    assert common.colour("error") == "var(--pqfl-error, #b3261e)"
    for status, kind in (("right", "ok"), ("wrong", "error"), ("not-done", "warn"), ("recorded", "info")):  # feedback
        assert f".pqfl-check-{status}{{color:var(--pqfl-{kind})!important" in css
    with pytest.raises(ValueError, match="unknown colour kind"):
        common.colour("purple")


def test_status_lines_use_the_palette():
    line = common.status_line("pqfl-test-status")
    for kind in ("info", "ok", "warn", "error"):
        common.show_status(line, "a <b>message</b>", kind)
        assert common.PALETTE_STYLE in line.value and f"color:var(--pqfl-{kind}, " in line.value
        assert "&lt;b&gt;message&lt;/b&gt;" in line.value  # text is escaped
    common.show_status(line, "x", "nonsense")
    assert "pqfl-msg-info" in line.value


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: p.stem)
def test_app_text_colours_come_from_the_palette(path):
    """No hard-coded text colour in an app: a hex there is one theme's colour, unreadable in the other."""
    source = path.read_text()
    literal = re.findall(r"(?<![-\w])color\s*:\s*#[0-9a-fA-F]{3,6}", source)
    assert literal == [], f"{path.name}: use common.colour(kind) instead of {literal}"
    for kind, fallback in re.findall(r"var\(--pqfl-([\w-]+),\s*(#[0-9a-fA-F]{3,6})\)", source):
        assert kind in common.PALETTE, f"{path.name}: --pqfl-{kind} is not in the palette"
        assert fallback.lower() == common.PALETTE[kind][0], f"{path.name}: --pqfl-{kind} fallback {fallback}"


def test_gallery_template_colours_are_aa_in_both_themes():
    text = (TEMPLATE / "tree.html").read_text()
    found = re.findall(r"--pqfl-([\w-]+):\s*\{\{\s*\"(#[0-9a-fA-F]{6})\" if dark else \"(#[0-9a-fA-F]{6})\"", text)
    pairs = {name: (dark, light) for name, dark, light in found}
    assert {"bg", "card", "text", "muted", "link"} <= set(pairs)
    for theme, index in (("dark", 0), ("light", 1)):
        for fg in ("text", "muted", "link"):
            for bg in ("bg", "card"):
                ratio = contrast(pairs[fg][index], pairs[bg][index])
                assert ratio >= AA, f"{theme}: {fg} on {bg} is {ratio:.2f}:1"


# ---- in Chromium --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gallery_url(tmp_path_factory):
    with serve_gallery(tmp_path_factory.mktemp("contrast"), "voila-contrast") as url:
        yield url


_READ_MESSAGES = """() => Array.from(document.querySelectorAll('.pqfl-msg')).filter(e => e.offsetParent).map(e => {
    let node = e, background = 'rgba(0, 0, 0, 0)';
    while (node && /rgba\\(.*, 0\\)|transparent/.test(background)) {
        background = getComputedStyle(node).backgroundColor; node = node.parentElement;
    }
    if (/rgba\\(.*, 0\\)|transparent/.test(background)) background = getComputedStyle(document.body).backgroundColor;
    return {kind: e.className, text: e.innerText.slice(0, 60), colour: getComputedStyle(e).color, background};
})"""


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_status_lines_are_readable_in_the_browser(page, gallery_url, shot, theme):
    """03's app: info, ok and error messages, each against the background it is drawn on."""
    page.goto(f"{gallery_url}/voila/render/03_e91_qkd.ipynb?theme={theme}", wait_until="commit")
    page.locator(".pqfl-qkd-verdict", has_text="KEY ACCEPTED").wait_for()
    messages = page.evaluate(_READ_MESSAGES)  # the verdict (ok), the status (info), the record (ok)
    shot(f"contrast_03_{theme}", page.locator(".pqfl-qkd-app"))
    pairs = page.locator(".pqfl-qkd-pairs input")
    pairs.fill("10")
    pairs.press("Enter")
    page.locator(".pqfl-qkd-status .pqfl-msg-error", has_text="too few").wait_for()
    messages += page.evaluate(_READ_MESSAGES)
    kinds = {kind for m in messages for kind in ("info", "ok", "warn", "error") if f"pqfl-msg-{kind}" in m["kind"]}
    assert {"info", "ok", "error"} <= kinds, messages
    expected = {kind: common.PALETTE[kind][0 if theme == "light" else 1] for kind in common.PALETTE}
    for m in messages:
        kind = next(k for k in expected if f"pqfl-msg-{k} " in m["kind"] + " ")
        assert contrast(m["colour"], m["background"]) >= AA, m
        assert luminance(m["colour"]) == pytest.approx(luminance(expected[kind]), abs=1e-3), m  # the theme's colour
