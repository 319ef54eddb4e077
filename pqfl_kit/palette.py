"""The kit's text colours for both JupyterLab themes (WCAG AA), as CSS variables.

Apps and exercise feedback colour text with ``var(--pqfl-<kind>, <light colour>)``; ``PALETTE_STYLE``
defines the variables for the light and the dark theme (JupyterLab marks the page with
``body[data-jp-theme-light]``), so the same HTML reads in both. No widget library is imported here.
"""
from __future__ import annotations

__all__ = ["PALETTE", "PALETTE_STYLE", "colour"]

#: kind -> (light theme, dark theme) text colour; AA (>= 4.5:1) on #fff/#f5f5f5 and on #111/#212121/#2f2f2f
#: (JupyterLab's layout colours 0 and 1 in each theme, and a dark card).
PALETTE: dict[str, tuple[str, str]] = {
    "info": ("#0b57d0", "#8ab4f8"),
    "ok": ("#1b7f3b", "#6dd58c"),
    "warn": ("#8a5a00", "#f2c14e"),
    "error": ("#b3261e", "#f28b82"),
    "muted": ("#4b535c", "#b9bec5"),
    "high": ("#a34f00", "#ffb870"),  # the hospital's "High" lane: between warn and error
    "quarantine": ("#5b2a86", "#c9a3f0"),
}
_LIGHT = ":root,body[data-jp-theme-light='true']{" + "".join(f"--pqfl-{k}:{v[0]};" for k, v in PALETTE.items()) + "}"
_DARK = "body[data-jp-theme-light='false']{" + "".join(f"--pqfl-{k}:{v[1]};" for k, v in PALETTE.items()) + "}"
#: Defines the ``--pqfl-<kind>`` variables for both themes; every status line carries it, so any app
#: with a status line has the palette on its page (a repeated identical rule costs nothing).
# Exercise feedback boxes (``pqfl_kit.exercises.CheckResult``, ``.pqfl-check-<status>``) take the palette too.
_CHECKS = "".join(f".pqfl-check-{status}{{color:var(--pqfl-{kind})!important;border-left-color:var(--pqfl-{kind})"
                  "!important}" for status, kind in (("right", "ok"), ("wrong", "error"), ("not-done", "warn"),
                                                     ("unknown", "muted"), ("recorded", "info")))
PALETTE_STYLE = f"<style class='pqfl-palette'>{_LIGHT}{_DARK}{_CHECKS}</style>"


def colour(kind: str) -> str:
    """The CSS colour of a palette kind in the current theme: ``var(--pqfl-<kind>, <light colour>)``."""
    if kind not in PALETTE:
        raise ValueError(f"unknown colour kind {kind!r}: use one of {', '.join(PALETTE)}")
    return f"var(--pqfl-{kind}, {PALETTE[kind][0]})"
