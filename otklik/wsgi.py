import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otklik.settings")
application = get_wsgi_application()

# What a web worker imports lives as long as the process (Django, the apps, every view module,
# the URL patterns: ~240,000 objects). Left in the collector's oldest generation, each full
# collection walks them all: ~170 ms added to about one request in 65 (bench/office_pages.py,
# the block page's p99). Import every view now and move it all out of the collector's reach;
# objects created while serving are collected as before.
from django.urls import get_resolver  # noqa: E402

_views = get_resolver().url_patterns
gc.freeze()
