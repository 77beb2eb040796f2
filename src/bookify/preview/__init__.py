"""`bookify preview`: the book's real pages in a browser, rebuilt as the author saves.

The print edition is laid out by WeasyPrint and shown as PDFium's pictures of its pages, never a
browser's approximation of them. Modules, in the order a save travels through them:

    watch.py    watchfiles: which sources of the book changed
    session.py  the build state: what to rebuild (one essay, or the book), splicing, snapshots
    jobs.py     layout jobs in child processes (memory, cancellation)
    worker.py   a job: the build's stages, the whole book or one essay as it sits in the book
    raster.py   pages as PNG pictures, made on request and cached
    server.py   HTTP and server-sent events on 127.0.0.1; static/ holds the page itself
    app.py      the pieces together, and what the terminal says
"""

from __future__ import annotations

from .app import Preview, serve

__all__ = ["Preview", "serve"]
