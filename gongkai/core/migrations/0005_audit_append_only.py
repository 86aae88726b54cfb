"""Refuse UPDATE and DELETE of audit entries in the database itself (triggers on SQLite and
PostgreSQL), so raw SQL cannot edit the log either (issue 12)."""

from typing import Any

from django.db import migrations

from gongkai.core import auditchain


def install(apps: Any, schema_editor: Any) -> None:
    auditchain.install_triggers(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    auditchain.remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain")]

    operations = [migrations.RunPython(install, remove)]
