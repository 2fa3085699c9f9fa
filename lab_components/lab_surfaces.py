"""The lab's surface figures as plotly_view Blobs, cached per process and computed for the
default view when the server starts (`lab_components.preload`), so that the first visitor
does not wait for them.

Why here and not in the page with st.cache_resource: the page file is a script that the
preloader cannot import; this module is imported at server start like any other.
"""

from __future__ import annotations

import functools
import json

from lab_components.plotly_view import Blob, blob
from lab_components.plotly_view.encoding import figure_json
from surfaces import figures as F
from surfaces.grid import error_surfaces
from surfaces.i18n import LANGUAGES
from surfaces.settings import LabSettings

__all__ = ["HEIGHT_3D", "HEIGHT_CURVES", "HEIGHT_MAP", "surface_blobs", "warm"]

# By projector mode. At 1280x720 and 1024x768 the compact header, the preset buttons and the
# 3-D scenes fit in the viewport (tests/e2e/test_lab_layout.py).
HEIGHT_3D = {False: 540, True: 500}
HEIGHT_MAP = {False: 430, True: 520}
HEIGHT_CURVES = {False: 360, True: 420}


@functools.lru_cache(maxsize=12)
def surface_blobs(span: float, res: int, y3: float, target: int, projector: bool,
                  lang: str) -> tuple[Blob, Blob]:
    """The 3-D figure and the map figure of the two surfaces, without paths, as Blobs
    (surfaces, layout and narrow layout; each sent to a browser once). target is 0-based."""
    surf = error_surfaces(lo=-span, hi=span, n=res, y3=y3, target=target)
    return (_blob(F.surfaces_3d(surf, projector=projector, lang=lang), HEIGHT_3D[projector]),
            _blob(F.surface_maps(surf, projector=projector, lang=lang), HEIGHT_MAP[projector]))


def _blob(fig, height: int) -> Blob:
    spec = json.loads(figure_json(fig))
    spec["narrow"] = F.narrow(spec, height=2 * height)
    return blob(json.dumps(spec, separators=(",", ":")))


def warm() -> None:
    """Compute the default view's surfaces in every language (about 0.1 s each)."""
    s = LabSettings()
    for lang in LANGUAGES:
        surface_blobs(s.span, s.res, s.y3, s.target_index, s.projector, lang)
