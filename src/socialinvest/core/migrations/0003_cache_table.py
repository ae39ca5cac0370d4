"""The shared cache's table (settings.CACHES), so `migrate` alone prepares a database.

The log-in throttle (django-axes) counts failures in the cache; with the database cache
every gunicorn worker sees the same counts.  ``createcachetable`` is idempotent and skips
caches that are not database caches (Redis where REDIS_URL is set).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
