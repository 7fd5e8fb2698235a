"""WSGI entry point for production servers: ``gunicorn api.wsgi:app``.

After the app is built, everything loaded so far (the libraries, the models, the schemas:
about 200,000 objects) lives as long as the process. ``gc.freeze`` moves those objects out
of the cyclic garbage collector's reach, so its full collections scan only what requests
left behind. Without it, each full collection walked them all while holding the GIL and
stalled every thread of the worker for 100-140 ms, twice a minute under the load
benchmark: the worst of its slow requests (``benchmarks/RESULTS.md``, "Load").
"""

from __future__ import annotations

import gc

from api import create_app

app = create_app()
gc.freeze()
