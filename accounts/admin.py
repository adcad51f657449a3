from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AuditEvent, User
from csboard.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("CS Board", {"fields": ("display_name",)}))
    list_display = ("username", "email", "display_name", "is_staff")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The whole audit log, boardless events (sign-ins, failed sign-ins, tokens) included, for
    the site's staff. A log is evidence: nobody adds, edits or deletes a line of it here."""

    list_display = ("created_at", "kind", "actor_username", "target_user", "board", "ip_address")
    list_filter = ("kind",)
    search_fields = ("actor_username", "ip_address")
    list_select_related = ("target_user", "board")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
