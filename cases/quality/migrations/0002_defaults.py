from django.db import migrations


def seed(apps, schema_editor):
    from cases.quality.defaults import CALL_TYPES, CRITERIA

    Criterion = apps.get_model("quality", "Criterion")
    CallType = apps.get_model("quality", "CallType")
    QualitySettings = apps.get_model("quality", "QualitySettings")
    if not Criterion.objects.exists():
        Criterion.objects.bulk_create(
            Criterion(heading=h, text=t, order=i) for i, (h, t) in enumerate(CRITERIA, start=1)
        )
    if not CallType.objects.exists():
        CallType.objects.bulk_create(
            CallType(name=n, order=i) for i, n in enumerate(CALL_TYPES, start=1)
        )
    QualitySettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
