"""Background tasks (django-tasks; the database backend and `manage.py db_worker` run them).
A task takes ids, not objects: its arguments are stored as JSON until a worker picks it
up."""

from __future__ import annotations

from django_tasks import task

from annotations.services.intake import import_item_run


@task()
def import_item_task(item_id: int) -> str:
    return import_item_run(item_id=item_id)
