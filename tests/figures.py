"""Shared checks of the plot tests: every figure renders and closes, and no plot function leaves one open.

A plot test module imports both names: ``from figures import closed, no_figure_left_open`` (the
fixture is autouse, so importing it into the module is enough).
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure


@pytest.fixture(autouse=True)
def no_figure_left_open():
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a plot function left a figure open"


def closed(fig) -> None:
    """The figure is a Figure, renders, and closes."""
    assert isinstance(fig, Figure)
    fig.canvas.draw()
    plt.close(fig)
