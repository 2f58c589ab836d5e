"""API token scopes: "write" is now called "publish" (and "download" joins "read")."""

from django.db import migrations


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.all().only("pk", "scopes"):
        scopes = token.scopes or []
        if "write" in scopes:
            token.scopes = sorted({"publish" if s == "write" else s for s in scopes})
            token.save(update_fields=["scopes"])


def backwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.all().only("pk", "scopes"):
        scopes = token.scopes or []
        if "publish" in scopes or "download" in scopes:
            token.scopes = sorted({"write" if s == "publish" else s for s in scopes if s != "download"})
            token.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
