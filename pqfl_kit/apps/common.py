"""Small helpers every app uses: status messages, error-safe callbacks, figures, tabs.

Rule: a user can never make an app show a traceback. Callbacks are wrapped by ``guarded``,
which turns ``ValueError``/``TypeError`` (bad choices) into a red message and any other error
into a short "something went wrong" message with its type.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["status_line", "show_status", "guarded", "figure_output", "show_figure", "titled", "tabs", "classed",
           "html_table"]

_COLOURS = {"info": "#1f4e79", "ok": "#1b7f3b", "warn": "#8a6d00", "error": "#b3261e"}


def classed(widget, *names: str):
    """Add stable CSS classes (for browser tests and styling) and return the widget."""
    for name in names:
        widget.add_class(name)
    return widget


def status_line(css_class: str) -> widgets.HTML:
    """An empty message line with a stable CSS class."""
    return classed(widgets.HTML(), "pqfl-status", css_class)


def show_status(line: widgets.HTML, text: str, kind: str = "info") -> None:
    """Write ``text`` into a status line; kind is info, ok, warn or error."""
    colour = _COLOURS.get(kind, _COLOURS["info"])
    line.value = (f'<div class="pqfl-msg pqfl-msg-{kind}" style="color:{colour};font-weight:600;'
                  f'padding:2px 0">{html.escape(text)}</div>')


def guarded(line: widgets.HTML) -> Callable:
    """Decorator for widget callbacks: errors become a message in ``line``, never a traceback."""

    def wrap(callback: Callable) -> Callable:
        @functools.wraps(callback)
        def run(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except (ValueError, TypeError) as error:
                show_status(line, str(error), "error")
            except Exception as error:  # noqa: BLE001 - an app must not show tracebacks
                show_status(line, f"Something went wrong ({type(error).__name__}): {error}", "error")
            return None

        return run

    return wrap


def figure_output(css_class: str) -> widgets.Output:
    """An Output area for matplotlib figures, with a stable CSS class."""
    return classed(widgets.Output(), "pqfl-figure", css_class)


def show_figure(out: widgets.Output, fig: Figure) -> None:
    """Replace what ``out`` shows with ``fig`` and free the figure's memory."""
    out.clear_output(wait=True)
    with out:
        display(fig)
    plt.close(fig)


def titled(title: str, *children, css_class: str = "") -> widgets.VBox:
    """A panel: a heading, then its children stacked."""
    box = widgets.VBox([widgets.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>"), *children])
    if css_class:
        box.add_class(css_class)
    return box


def tabs(panels: dict[str, widgets.Widget], css_class: str) -> widgets.Tab:
    """A Tab widget from {title: panel}."""
    tab = widgets.Tab(children=list(panels.values()))
    for i, title in enumerate(panels):
        tab.set_title(i, title)
    tab.add_class(css_class)
    return tab


def html_table(columns: list[str], rows: list[list], css: str, *, row_styles: list[str] | None = None,
               font_size: str = "") -> str:
    """An escaped HTML table: a header row, then ``rows`` (``None`` cells print empty).

    ``row_styles`` gives an optional CSS style per row (e.g. a colour); ``css`` is the table's class.
    """
    cell = "padding:2px 8px"
    head = "".join(f"<th style='text-align:left;{cell}'>{html.escape(str(c))}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        style = f" style='{row_styles[i]}'" if row_styles and row_styles[i] else ""
        cells = "".join(f"<td style='{cell}'>{'' if v is None else html.escape(str(v))}</td>" for v in row)
        body.append(f"<tr{style}>{cells}</tr>")
    size = f";font-size:{font_size}" if font_size else ""
    return f"<table class='{css}' style='border-collapse:collapse{size}'><tr>{head}</tr>{''.join(body)}</table>"
