"""Voila configuration of pqfl-kit: the app gallery as landing page, each lesson as its app view.

Read by standalone Voila (`make apps`) and by Voila's Jupyter-server extension (Binder's /voila/...
URLs, or /voila/ inside `make lab`), which both load ``voila.py`` from every directory on
JUPYTER_CONFIG_PATH: `make apps`, binder/start and the tests put this folder there. (The file cannot
sit at the repository root: a ``voila.py`` there would shadow the voila package for ``python -m voila``.)
"""
import os
from pathlib import Path

from pqfl_kit import appview

c = get_config()  # noqa: F821 - provided by traitlets when it runs this file

# The "pqfl" template (share/jupyter/voila/templates/pqfl: the gallery page, thumbnails) is found
# through JUPYTER_PATH; adding the folder here keeps the template and this file in one step.
_share = str(Path(__file__).resolve().parents[2] / "share" / "jupyter")
_paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
if _share not in _paths:
    os.environ["JUPYTER_PATH"] = os.pathsep.join([_share, *_paths])

c.VoilaConfiguration.template = "pqfl"
c.VoilaConfiguration.theme = "light"  # ?theme=dark on any gallery or app URL gives the dark one
c.VoilaConfiguration.prelaunch_hook = appview.prelaunch_hook  # lesson -> title, introduction, app
c.VoilaConfiguration.page_config_hook = appview.page_config_hook  # gallery cards for the tree page
