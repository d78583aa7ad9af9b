"""The moderation admin, one module per domain. Moderators (staff in the Moderators group,
no superuser needed) see every claim's aggregates sorted by what needs attention, and rule,
reopen, merge and hide through the services, so every action lands in the history the admin
shows. `base` holds what every admin shares; `annotations.roles` decides who may do what."""

from annotations.admin import accounts, articles, claims, figures, origins, verdicts

__all__ = ["accounts", "articles", "claims", "figures", "origins", "verdicts"]

# The task queue's own admin (django_tasks_db) is not a moderator's page: the import page
# shows each import's status, and a task's arguments are internal ids.
from django.contrib import admin as _admin  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

if _admin.site.is_registered(DBTaskResult):
    _admin.site.unregister(DBTaskResult)
