"""Every lesson is paced and closed the same way (issue 16, item 4), and its links land.

* Every ``## `` section of a lesson (notebooks 00a to 07) starts with a time estimate on the line
  after its heading, ``*About 10 min.*``; the title cell gives the total, which is their sum.
* Each lesson ends (before its app) with ``## What you learned``: bullet points and a
  "Where to go next" link to the next notebook.
* Links into another notebook's section (``00a_quantum_primer.ipynb#2.-Measurement``) name a heading
  that exists there, with JupyterLab's anchor rule (the heading's text, spaces as ``-``).
* Exercises are numbered in reading order: the ``check("NN.M", ...)`` calls of a notebook appear
  as NN.1, NN.2, ...
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
LESSONS = [p for p in ALL if not p.name.startswith("00_")]
SECTION_TIME = re.compile(r"^\*About (\d+) min\.\*$")
TOTAL_TIME = re.compile(r"\*\*Time:\*\* about (\d+) min")
SUMMARY = "## What you learned"


def markdown_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def sections(path: Path) -> list[tuple[str, list[str]]]:
    """(heading, following lines of its cell) for every ``## `` heading."""
    found = []
    for source in markdown_cells(path):
        lines = source.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("## "):
                found.append((line, [x for x in lines[i + 1:] if x.strip()]))
    return found


def anchors(path: Path) -> set[str]:
    """JupyterLab's heading ids: the heading text with spaces replaced by ``-``."""
    ids = set()
    for source in markdown_cells(path):
        for line in source.splitlines():
            if match := re.match(r"#{1,6} (.+)", line):
                ids.add(match.group(1).strip().replace(" ", "-"))
    return ids


def test_the_primer_comes_before_shor():
    names = [p.name for p in ALL]
    assert names[:3] == ["00_start_here.ipynb", "00a_quantum_primer.ipynb", "01_quantum_threats.ipynb"], names


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_section_has_a_time_estimate_and_the_total_adds_up(path):
    minutes = []
    for heading, after in sections(path):
        if heading.startswith(SUMMARY):
            continue
        match = SECTION_TIME.match(after[0]) if after else None
        assert match, f"{path.name}: {heading!r} needs '*About N min.*' on the line below it"
        minutes.append(int(match.group(1)))
    title = markdown_cells(path)
    total = next((int(m.group(1)) for source in title if (m := TOTAL_TIME.search(source))), None)
    assert total == sum(minutes), f"{path.name}: title says {total} min, sections add up to {sum(minutes)}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_ends_with_what_you_learned_and_where_next(path):
    headings = [h for h, _ in sections(path)]
    assert any(h.startswith(SUMMARY) for h in headings), f"{path.name} has no '{SUMMARY}' section"
    summary = next(s for s in markdown_cells(path) if SUMMARY in s)
    bullets = [line for line in summary.splitlines() if line.lstrip().startswith(("- ", "* "))]
    assert len(bullets) >= 3, f"{path.name}: the summary needs at least three points"
    assert "Where to go next" in summary
    index = ALL.index(path)
    if index + 1 < len(ALL):
        assert f"({ALL[index + 1].name}" in summary, f"{path.name}: link the next notebook from the summary"
    later = headings[headings.index(next(h for h in headings if h.startswith(SUMMARY))) + 1:]
    assert all(h.startswith("## App") for h in later), f"{path.name}: only the app comes after the summary"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_links_to_sections_of_other_notebooks_land_on_a_heading(path):
    for source in markdown_cells(path):
        for target, fragment in re.findall(r"\]\(([0-9][0-9][a-z]?_\w+\.ipynb)#([^)\s]+)\)", source):
            assert (NOTEBOOKS / target).exists(), (path.name, target)
            assert fragment in anchors(NOTEBOOKS / target), f"{path.name} links to a missing {target}#{fragment}"


@pytest.mark.parametrize("name", ["01_quantum_threats.ipynb", "03_e91_qkd.ipynb"])
def test_quantum_lessons_say_what_they_need_from_the_primer(name):
    text = "\n".join(markdown_cells(NOTEBOOKS / name))
    assert "What you need" in text
    assert len(set(re.findall(r"00a_quantum_primer\.ipynb#([^)\s]+)", text))) >= 2, name


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_exercises_are_numbered_in_reading_order(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    ids = list(dict.fromkeys(re.findall(r'check\("(\d\d[a-z]?\.\d+)"', code)))
    numbers = [int(i.split(".")[1]) for i in ids]
    assert numbers == list(range(1, len(numbers) + 1)), f"{path.name}: exercises appear as {ids}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_think_about_it_prompts_have_answers(path):
    """At least two "Think about it" prompts per lesson, each followed by ``reveal("NN.Tk")``."""
    text = "\n".join(markdown_cells(path))
    prompts = re.findall(r"Think about it", text)
    revealed = set(re.findall(r'reveal\("(\d\d[a-z]?\.T\d+)"\)', text))
    assert len(revealed) >= 2 and len(prompts) >= len(revealed), (path.name, len(prompts), revealed)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_a_notebook_that_mentions_reveal_imports_it(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells)
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    if "reveal(" in text:
        assert re.search(r"^from pqfl_kit\.exercises import .*\breveal\b", code, re.M), path.name
