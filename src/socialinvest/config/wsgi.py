"""WSGI entry point: ``gunicorn socialinvest.config.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from socialinvest.core.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialinvest.config.settings.prod")
application = get_wsgi_application()
# Before the first request, not during it (see socialinvest.core.warmup).
warm_up()

# Keep what start-up built (Django, the apps, the views and templates, numpy, altair: objects
# that live as long as the worker) out of the garbage collector's full collections.  Without
# this, every full collection walks them all: about 120-170 ms, which landed in one request in
# fifteen on the conversation page (bench/daily_bench.py, issue #17).  Under ``--preload`` the
# workers are forked from this frozen heap.
gc.collect()
gc.freeze()
