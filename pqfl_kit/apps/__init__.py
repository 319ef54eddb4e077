"""One ``build_*_app()`` per notebook; each returns a ready ipywidgets widget.

An app module only assembles widgets: its figures come from the topic's ``plots`` module
(``pqfl_kit.threats.plots``, ``pqc.plots``, ``qkd.plots``, ``models.plots``, ``fl.plots``,
``hospital.plots``), and heavy frameworks (Keras, Qiskit) load inside the callbacks that need them.
"""
