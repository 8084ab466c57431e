import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")
application = get_wsgi_application()

# Never serve requests on the wrong schema (ehcp_portal/schema.py). An exception here is a
# worker that fails to boot, on which gunicorn stops altogether (exit status 3).
from ehcp_portal.schema import schema_problem  # noqa: E402

_problem = schema_problem("web")
if _problem:
    raise ImproperlyConfigured(_problem)

from ehcp_portal.serving import settle_for_serving  # noqa: E402

settle_for_serving()
