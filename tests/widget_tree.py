"""Find widgets of an app by their CSS class (``widget.add_class("pqfl-...")``), as the browser tests do."""
from __future__ import annotations


def find_all(widget, css: str) -> list:
    """Every widget below (and including) ``widget`` that carries the class ``css``, depth first."""
    found = [widget] if css in getattr(widget, "_dom_classes", ()) else []
    for child in getattr(widget, "children", ()):
        found += find_all(child, css)
    return found


def find(widget, css: str):
    """The first widget with the class ``css``, or None."""
    found = find_all(widget, css)
    return found[0] if found else None


def one(widget, css: str):
    """The one widget with the class ``css`` (an AssertionError if there are none or several)."""
    (match,) = find_all(widget, css)
    return match
