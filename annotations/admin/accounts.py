"""Accounts in the admin. Superusers keep Django's full user and group admin. Moderators
(who hold add_user and change_user for this) see reviewer accounts only, and may create
one, (de)activate it and send it a set-password e-mail: the reviewer chooses the password
through Django's password-reset flow, so no moderator ever types or sees one, and nothing
a moderator does raises anyone's privileges. roles decides who is who."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from annotations import roles
from annotations.admin.base import ModerationAdmin

User = get_user_model()

# What a moderator sees of a reviewer's account, and the one thing she may change on it.
REVIEWER_FIELDS = ["username", "email", "first_name", "last_name"]
REVIEWER_CHANGE_FIELDS = [*REVIEWER_FIELDS, "is_active", "last_login", "date_joined"]


class ReviewerCreationForm(forms.ModelForm):
    """A new reviewer: no password (the e-mail link sets it) and no flags or groups."""

    class Meta:
        model = User
        fields = REVIEWER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "The reviewer chooses a password from a link sent here."

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # One account per address: the set-password link must reach that account's owner.
        if User._default_manager.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address exists.")
        return email


def _send_set_password_email(request, user) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "site_name": settings.FACTCHECK_ORGANISATION,
        "link": request.build_absolute_uri(
            reverse("admin:auth_user_password_reset_confirm", args=[uid, token])
        ),
    }
    PasswordResetForm().send_mail(
        "admin/auth/user/set_password_subject.txt",
        "admin/auth/user/set_password_email.txt",
        context,
        None,
        user.email,
    )


if admin.site.is_registered(User):
    admin.site.unregister(User)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(ModerationAdmin, UserAdmin):
    actions = ["activate", "deactivate", "send_set_password_email"]

    def _full(self, request) -> bool:
        return roles.may_change_privileges(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deactivated; deleting one would orphan (or block on) its verdicts.
        return self._full(request) and admin.ModelAdmin.has_delete_permission(self, request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def _may_manage(self, request, obj) -> bool:
        # The list itself needs only the permissions (the Moderators group holds them) and
        # shows what get_queryset lets through; each account is decided by roles.
        return obj is None or roles.may_manage_account(request.user, obj)

    def get_queryset(self, request):
        users = super().get_queryset(request)
        return users if self._full(request) else roles.reviewer_accounts(users)

    def get_list_display(self, request):
        if self._full(request):
            return super().get_list_display(request)
        return ["username", "email", "first_name", "last_name", "is_active", "last_login"]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if self._full(request) else ["is_active"]

    def get_fieldsets(self, request, obj=None):
        if self._full(request):
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": REVIEWER_FIELDS if obj is None else REVIEWER_CHANGE_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        if self._full(request) or obj is None:
            return super().get_readonly_fields(request, obj)
        # The e-mail too: changing it and sending a reset would hand over the account.
        return [field for field in REVIEWER_CHANGE_FIELDS if field != "is_active"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not self._full(request):
            kwargs["form"] = ReviewerCreationForm
            return admin.ModelAdmin.get_form(self, request, obj, **kwargs)
        return super().get_form(request, obj, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        response = super().render_change_form(request, context, add, change, **kwargs)
        if add and not self._full(request):
            # Not Django's "enter a username and password" page.
            response.template_name = "admin/auth/user/add_reviewer.html"
        return response

    def save_model(self, request, obj, form, change):
        if self._full(request):
            return super().save_model(request, obj, form, change)
        if not change:
            obj.is_staff = obj.is_superuser = False
            obj.set_unusable_password()
        elif not roles.may_manage_account(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        if not change:
            roles.make_reviewer(obj)
            _send_set_password_email(request, obj)
            self.message_user(request, f"A set-password e-mail went to {obj.email}.")
        return None

    def user_change_password(self, request, id, form_url=""):
        # A password set by someone else is known to someone else: superusers only.
        if not self._full(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_urls(self):
        # The reviewer's side of the set-password e-mail: no admin login (reviewers are not
        # staff); Django's token checks it.
        return [
            path(
                "reset/<uidb64>/<token>/",
                auth_views.PasswordResetConfirmView.as_view(
                    success_url=reverse_lazy("admin:auth_user_password_reset_complete")
                ),
                name="auth_user_password_reset_confirm",
            ),
            path(
                "reset/done/",
                auth_views.PasswordResetCompleteView.as_view(),
                name="auth_user_password_reset_complete",
            ),
            *super().get_urls(),
        ]

    def _managed(self, request, queryset) -> list:
        return [user for user in queryset if roles.may_manage_account(request.user, user)]

    @admin.action(description="Activate the selected accounts", permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate the selected accounts", permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, active: bool) -> None:
        users = self._managed(request, queryset)
        for user in users:
            user.is_active = active
            user.save(update_fields=["is_active"])
            self.log_change(request, user, [{"changed": {"fields": ["is_active"]}}])
        verb = "Activated" if active else "Deactivated"
        self.message_user(request, f"{verb} {len(users)} account(s).")

    @admin.action(
        description="Send a set-password e-mail to the selected accounts", permissions=["change"]
    )
    def send_set_password_email(self, request, queryset):
        sent, skipped = [], []
        for user in self._managed(request, queryset):
            if user.is_active and user.email:
                _send_set_password_email(request, user)
                sent.append(user.get_username())
            else:
                skipped.append(user.get_username())
        if sent:
            self.message_user(request, f"Sent a set-password e-mail to {', '.join(sent)}.")
        if skipped:
            self.message_user(
                request,
                f"No e-mail for {', '.join(skipped)}: inactive or without an address.",
                messages.WARNING,
            )


@admin.register(Group)
class RoleGroupAdmin(ModerationAdmin, GroupAdmin):
    """Groups carry the permissions: superusers only (roles.groups_ensure sets them)."""

    def has_module_permission(self, request) -> bool:
        return roles.may_change_privileges(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return roles.may_change_privileges(request.user)

    def has_add_permission(self, request) -> bool:
        return roles.may_change_privileges(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return roles.may_change_privileges(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return roles.may_change_privileges(request.user)
