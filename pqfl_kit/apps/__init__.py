"""One ``build_*_app()`` per notebook; each returns a ready ipywidgets widget.

Apps import their heavy dependencies inside the builder, so this package imports instantly.
"""
