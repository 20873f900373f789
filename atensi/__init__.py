"""The composition root: builds the one Flask app (the API and the pages) and runs the scheduler.

``api/``, ``web/``, ``workers/`` and ``cli/`` are sibling adapters over ``engine/``: they import
``engine`` and the shared parts here (services, tokens, limits), never each other. Only
``atensi.app`` and ``atensi.server`` put adapters together, and no adapter imports those two.
"""
from __future__ import annotations


def create_app(config: dict | None = None):
    """``atensi:create_app()`` for gunicorn; see atensi.app.create_app."""
    from .app import create_app as build  # late: importing atensi.services must not import the adapters

    return build(config)
