"""Reminders in Django's admin, for the site's staff: which went out, which were skipped and
why, and which gave up (with each email's last error). A reminder is a record of what was sent:
nobody adds, edits or deletes one here."""

from django.contrib import admin

from csboard.core.admin import ReadOnlyAdmin
from reminders.models import Reminder, ReminderEmail


class ReminderEmailInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReminderEmail
    fields = ("user", "sent_at", "error")
    readonly_fields = fields
    extra = 0


class PendingFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "Pending (not finished)"), ("finished", "Finished")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(finished_at__isnull=True)
        if self.value() == "finished":
            return queryset.filter(finished_at__isnull=False)
        return queryset


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "ticket", "due_for", "outcome", "attempts", "finished_at")
    list_filter = (PendingFilter, "kind", "outcome")
    list_select_related = ("ticket__board",)
    search_fields = ("ticket__title", "ticket__board__key")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Reminder._meta.fields]
    inlines = [ReminderEmailInline]
