"""Drop the stored public figures: they are recomputed on the next request, now with the
outcomes whose measured effect's interval includes zero beside each evaluated NPV."""

from django.db import migrations


def drop_snapshots(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("public", "PublicSnapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [migrations.RunPython(drop_snapshots, migrations.RunPython.noop)]
