"""The moderation admin, one module per domain. Moderators (staff in the Moderators group,
no superuser needed) see every claim's aggregates sorted by what needs attention, and rule,
reopen, merge and hide through the services, so every action lands in the history the admin
shows. `base` holds what every admin shares; `annotations.roles` decides who may do what."""

from annotations.admin import accounts, articles, claims, figures, origins, verdicts

__all__ = ["accounts", "articles", "claims", "figures", "origins", "verdicts"]
