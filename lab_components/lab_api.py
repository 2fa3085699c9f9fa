"""The path route: GET /api/lab/paths?<a lab link's query>&lang=<code> answers the panels of
that setting (`lab_paths.route_payload`) as JSON.

Why: a move of one of the figure frame's own controls (the descent's, or the surfaces'
y3, range, target and resolution) needs new figures only. Through Streamlit it is a rerun
of the whole page and a render of every element (about 120 ms above Plotly's own redraw on
the CI machine); through this route the frame asks for the figures and draws them itself
(new surfaces come in the answer, gzipped: about 27 kB at the default resolution), then
tells Streamlit (its component value), whose rerun brings the sidebar, the table and the
link up to date and finds the figures already drawn.

Served by `deploy/serve.py` (an `st.App` route). `streamlit run app.py` has no such route: the
page then gives the frame no address and its controls go through the rerun. The route is
stateless (any replica may answer) and reads nothing but its query; bad values are fixed
as a link's are.
"""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lab_components.lab_paths import route_payload
from surfaces.i18n import DEFAULT, LANGUAGES

__all__ = ["PATH", "served_at", "routes"]

PATH = "/api/lab/paths"
LOG = logging.getLogger("loss_surface_lab.api")
_MAX_QUERY = 2_000  # characters: a full lab link is about 200
_SERVED: list[str] = []  # the route's URL path once a server has it


def paths(request: Request) -> Response:
    """Sync on purpose: Starlette runs it in its thread pool, off the event loop."""
    if len(request.url.query) > _MAX_QUERY:
        return JSONResponse({"error": "query too long"}, status_code=414)
    query = dict(request.query_params)
    lang = query.pop("lang", DEFAULT)
    have = set(query.pop("have", "").split(","))  # digests the frame holds
    try:
        payload = route_payload(query, lang if lang in LANGUAGES else DEFAULT, have=have)
        body = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    except Exception:  # noqa: BLE001 - a sentence for the frame, the traceback to the log
        LOG.exception("the path route failed for %s", request.url.query)
        return JSONResponse({"error": "could not compute the paths"}, status_code=500)
    return Response(body, media_type="application/json",
                    headers={"Cache-Control": "no-store"})


def routes() -> list[Route]:
    """The routes an st.App serves beside Streamlit's; the page offers its frame the path
    route from then on (`served_at`)."""
    _SERVED[:] = [PATH]
    return [Route(PATH, paths, methods=["GET"])]


def served_at() -> str | None:
    """The path route's URL path when this process serves it (deploy/serve.py), else None."""
    return _SERVED[0] if _SERVED else None
