"""Celery entry point: ``celery -A api.worker worker`` (and ``beat``)."""

from api import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
