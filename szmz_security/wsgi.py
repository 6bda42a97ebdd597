import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "szmz_security.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve without the collected static files.
from szmz_security.core.checks import refuse_to_start_without_static_files  # noqa: E402

refuse_to_start_without_static_files()
