"""WSGI entry point, served by gunicorn in docker compose."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nplvportal.settings")
application = get_wsgi_application()
