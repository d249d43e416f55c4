"""Policy editing for managers (core/groups.py MANAGER_ADMIN_APPS). Clocks, events and deliveries are
shown read-only: they are written by the services and the sweep only."""
from django import forms
from django.contrib import admin, messages
from django.db.models import Max
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .businesstime import _validated_windows
from .choices import Recipient
from .defaults import DEFAULT_HOLIDAY_YEARS, calendar_days_load
from .models import (
    CalendarDay, CalendarWindow, CalendarYear, ClockPause, EmailDelivery, Notification, SlaClock, SlaEvent, SlaPolicy,
    SlaTarget, Team, WorkingCalendar,
)
from .selectors import calendar_schedule_gaps


class WindowFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        by_day: dict[int, list] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("opens") and data.get("closes"):
                by_day.setdefault(data["weekday"], []).append((data["opens"], data["closes"]))
        for weekday, windows in by_day.items():
            try:
                _validated_windows(sorted(windows), str(weekday))
            except ValueError:
                raise forms.ValidationError(_("Windows of the same day must not overlap.")) from None


class CalendarWindowInline(admin.TabularInline):
    model = CalendarWindow
    formset = WindowFormSet
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


class CalendarYearInline(admin.TabularInline):
    """Saying "this year's holidays and make-up days are entered" once they are typed in the days below."""

    model = CalendarYear
    extra = 0
    fields = ("year", "source", "entered_at")
    readonly_fields = ("entered_at",)
    verbose_name_plural = _("years whose holidays and make-up days are entered")


def schedule_gap_message(gap) -> str:
    return _("%(calendar)s has no holiday schedule for %(year)d (needed from %(day)s): until it is entered, its "
             "clocks count %(year)d's public holidays as working days. Type the year's holidays and make-up working "
             "days (调休) under “holidays and make-up days” on the calendar's page and add %(year)d under "
             "“years whose holidays and make-up days are entered”, or import a file: "
             "manage.py import_holidays FILE.csv --year %(year)d --calendar \"%(calendar)s\" "
             "(lines: date,holiday|makeup_workday,note).") % {
        "calendar": gap.calendar, "year": gap.year, "day": gap.first_day.isoformat()}


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "tz", "always_open", "known_years")
    inlines = [CalendarWindowInline, CalendarDayInline, CalendarYearInline]
    actions = ["load_holidays"]

    @admin.display(description=_("holidays entered for"))
    def known_years(self, obj) -> str:
        return "—" if obj.always_open else ", ".join(str(row.year) for row in obj.years.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("years")

    def _warn_gaps(self, request, calendar_id=None) -> None:
        for gap in calendar_schedule_gaps(today=timezone.localdate()):
            if calendar_id is None or str(gap.calendar_id) == str(calendar_id):
                messages.warning(request, schedule_gap_message(gap))

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            self._warn_gaps(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            self._warn_gaps(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Load Chinese holidays and make-up days (%(years)s)") % {
        "years": "–".join(map(str, DEFAULT_HOLIDAY_YEARS))})
    def load_holidays(self, request, queryset):
        for calendar in queryset.filter(always_open=False):
            created, changed = calendar_days_load(CalendarDay, calendar, DEFAULT_HOLIDAY_YEARS, CalendarYear)
            calendar.save(update_fields=["name"])  # bulk rows send no signal: reload every snapshot
            self.message_user(request, _("%(name)s: %(created)d days added, %(changed)d corrected.") % {
                "name": calendar.name, "created": created, "changed": changed})


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Who leads whom: "the engineer's lead" among an SLA target's recipients is the lead of each team the
    ticket's engineer is a member of."""

    list_display = ("name", "lead")
    filter_horizontal = ("members",)
    autocomplete_fields = ()


class TargetForm(forms.ModelForm):
    warning_to = forms.MultipleChoiceField(label=_("warn"), choices=Recipient.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    breach_to = forms.MultipleChoiceField(label=_("tell at breach"), choices=Recipient.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    escalation_to = forms.MultipleChoiceField(label=_("escalate to"), choices=Recipient.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = SlaTarget
        fields = "__all__"


class SlaTargetInline(admin.StackedInline):
    model = SlaTarget
    form = TargetForm
    extra = 0
    autocomplete_fields = ()
    filter_horizontal = ("warning_users", "breach_users", "escalation_users")
    fieldsets = (
        (None, {"fields": (("step", "minutes"), ("start_event", "stop_event"), ("calendar", "warn_ratio"),
                           ("restart_on_reopen", "escalate_after_minutes"))}),
        (_("Who is told"), {"fields": ("warning_to", "warning_users", "breach_to", "breach_users",
                                       "escalation_to", "escalation_users")}),
    )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """A version that tickets use is never changed in place: "Save" on it saves a new version (the next
    number of the same code), which applies to tickets registered from its effective_from on."""

    list_display = ("code", "version", "name", "is_active", "effective_from", "kind", "priority", "channel",
                    "customer", "partner", "rank")
    list_filter = ("is_active", "code")
    readonly_fields = ("version", "created_at")
    raw_id_fields = ("customer", "partner")
    inlines = [SlaTargetInline]
    save_as = True
    fieldsets = (
        (None, {"fields": (("code", "version"), "name", ("is_active", "effective_from"), "rank", "created_at")}),
        (_("Applies to (blank: any)"), {
            "description": _("The most specific policy wins: customer, then partner, kind, priority, channel; "
                             "then the lower rank."),
            "fields": (("kind", "priority", "channel"), ("customer", "partner"))}),
    )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and "_saveasnew" not in request.POST:
            policy = self.get_object(request, object_id)
            if policy is not None and policy.in_use:
                request.POST = request.POST.copy()
                request.POST["_saveasnew"] = "1"  # the used version stays as the tickets saw it
                messages.info(request, _("Version %(version)d is used by tickets; your changes were saved as a "
                                         "new version for new tickets.") % {"version": policy.version})
        if object_id and request.method == "GET":
            policy = self.get_object(request, object_id)
            if policy is not None and policy.in_use:
                messages.warning(request, _("Tickets use this version: saving creates a new version."))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            newest = SlaPolicy.objects.filter(code=obj.code).aggregate(v=Max("version"))["v"]
            obj.version = (newest or 0) + 1
            if obj.effective_from < (now := timezone.now()):
                # A new version never reaches back to tickets already registered.
                obj.effective_from = now
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClockPauseInline(admin.TabularInline):
    model = ClockPause
    extra = 0
    can_delete = False
    readonly_fields = ("reason", "started_at", "ended_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "step", "round", "state", "started_at", "due_at", "met_at", "breached_at")
    list_filter = ("state", "step")
    raw_id_fields = ("ticket",)
    search_fields = ("=ticket__number",)
    inlines = [ClockPauseInline]
    show_full_result_count = False


@admin.register(SlaEvent)
class SlaEventAdmin(ReadOnlyAdmin):
    list_display = ("clock", "kind", "at", "detected_at", "notified_at")
    list_filter = ("kind",)
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "step", "kind", "text", "created_at", "read_at")
    list_filter = ("kind", "step")
    show_full_result_count = False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("to", "subject", "created_at", "attempts", "sent_at", "last_error")
    show_full_result_count = False
