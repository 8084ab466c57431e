from __future__ import annotations

import gc

from django.template import engines

from ehcp_portal.serving import portal_template_names, settle_for_serving


def test_a_web_process_compiles_every_template_of_the_portal_before_serving():
    """Every template of the portal compiles (a syntax error anywhere fails here, not in front
    of a user), and what the process loaded is frozen out of the collector's full passes."""
    engine = engines["django"]
    ours = portal_template_names(engine.template_dirs)
    assert len(ours) > 150
    assert "base.html" in ours
    try:
        settle_for_serving()
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()
    cached = engine.engine.template_loaders[0].get_template_cache
    assert set(ours) <= set(cached)
