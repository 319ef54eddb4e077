"""Small helpers every app uses: status messages, error-safe callbacks, figures, tabs.

Rule: a user can never make an app show a traceback. Callbacks are wrapped by ``guarded``,
which turns ``ValueError``/``TypeError`` (bad choices) into a red message and any other error
into a short "something went wrong" message with its type. Long actions use ``run_button``: the
button is disabled while the work runs, a step counter (and bar) shows progress, and the button
comes back after success or an error.

Colours: text colours come from :data:`PALETTE`, one colour per kind for JupyterLab's light theme
and one for its dark theme, each at least 4.5:1 (WCAG 2.1 AA, 1.4.3) on that theme's page and panel
backgrounds (``tests/test_contrast.py``). Apps write ``colour(kind)``, a CSS variable that
:data:`PALETTE_STYLE` sets from the theme JupyterLab and Voila mark on ``<body>``
(``data-jp-theme-light``); without that style the light colour is the fallback.
"""
from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

from ..palette import PALETTE, PALETTE_STYLE, colour

__all__ = ["status_line", "show_status", "guarded", "figure_output", "show_figure", "titled", "tabs", "classed",
           "html_table", "PALETTE", "PALETTE_STYLE", "colour", "message_html", "progress_bar", "Steps", "busy",
           "run_button"]

#: Most characters a free-text widget accepts (a sensor reading, a name): more is a message, not work.
MAX_TEXT_CHARS = 200


def message_html(text: str, kind: str = "info", *, style: str = "", css: str = "", escape: bool = True) -> str:
    """A message ``<div class="pqfl-msg pqfl-msg-<kind>">`` in the kind's colour (and the palette)."""
    body = html.escape(text) if escape else text
    return (f'{PALETTE_STYLE}<div class="pqfl-msg pqfl-msg-{kind}{" " + css if css else ""}" '
            f'style="color:{colour(kind)};font-weight:600;{style}">{body}</div>')


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
    line.value = message_html(text, kind if kind in PALETTE else "info", style="padding:2px 0")


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


# ------------------------------------------------------------------------------- long actions
def progress_bar(css_class: str, description: str = "", width: str = "200px") -> widgets.IntProgress:
    """An empty progress bar with a stable CSS class (``run_button`` fills it step by step)."""
    return classed(widgets.IntProgress(value=0, min=0, max=1, description=description,
                                       layout=widgets.Layout(width=width)), "pqfl-progress", css_class)


class Steps:
    """A step counter: ``step("simulating")`` shows "step 2 of 3: simulating..." and moves the bar."""

    def __init__(self, total: int, status: widgets.HTML | None = None, bar: widgets.IntProgress | None = None):
        self.total, self.done, self.status, self.bar = max(int(total), 1), 0, status, bar
        if bar is not None:
            bar.max, bar.value, bar.bar_style = self.total, 0, "info"

    def __call__(self, label: str) -> None:
        """Start the next step (the previous one is done)."""
        if self.bar is not None:
            self.bar.value = min(self.done, self.total)
        self.done += 1
        if self.status is not None:
            show_status(self.status, f"step {min(self.done, self.total)} of {self.total}: {label}...", "info")

    def finish(self, ok: bool) -> None:
        """The bar full and green after success, red after an error (the message says why)."""
        if self.bar is not None:
            self.bar.value = self.bar.max if ok else self.bar.value  # the work may have set its own max
            self.bar.bar_style = "success" if ok else "danger"


@contextmanager
def busy(button: widgets.Button, steps: int = 1, status: widgets.HTML | None = None,
         bar: widgets.IntProgress | None = None) -> Iterator[Steps]:
    """Disable ``button`` while the block runs and re-enable it afterwards, even after an error."""
    button.disabled = True
    counter = Steps(steps, status, bar)
    try:
        yield counter
    finally:
        button.disabled = False


def run_button(button: widgets.Button, status: widgets.HTML, *, steps: int = 1,
               bar: widgets.IntProgress | None = None) -> Callable:
    """Decorator for a long action ``work(step)`` started by ``button`` (and returned for direct calls).

    While ``work`` runs the button is disabled and ``step(label)`` counts its steps on ``status``
    and ``bar``; errors become a message (``guarded``); the button is enabled again in every case.
    The returned callable takes the click/observe argument and returns True after success.
    """

    def wrap(work: Callable[[Steps], object]) -> Callable:
        def run(_=None) -> bool:
            with busy(button, steps, status, bar) as step:
                ok = guarded(status)(lambda: (work(step), True)[1])() is True
                step.finish(ok)
            return ok

        button.on_click(run)
        return run

    return wrap
