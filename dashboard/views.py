"""Pages: the SLA dashboard and its exports (managers and admins only)."""
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.live import live_poll
from core.roles import Role
from sla.selectors import calendar_schedule_gaps

from . import charts
from .choices import ExportFormat, ExportKind, ExportState
from .exports import DIRECT_CSV_LIMIT, csv_stream, export_job_get_for_user, export_jobs_recent, iter_rows
from .filters import DashboardFilterForm
from .selectors import dashboard_figures
from .services import export_job_create


def _form(request):
    """Always bound (an empty query is valid: last 30 days, no filters); invalid → (form, None)."""
    form = DashboardFilterForm(request.GET)
    return (form, form.to_filters()) if form.is_valid() else (form, None)


@require_GET
@role_required(Role.MANAGER)
@live_poll("dashboard", "tickets", "sla_events")  # the figures poll: recomputed only after a change
def dashboard_view(request):
    form, filters = _form(request)
    if filters is None:
        return render(request, "dashboard/page.html", {"form": form}, status=400)
    figures = dashboard_figures(filters=filters)
    context = {"form": form, **figures, **charts.for_page(figures), "export_kinds": ExportKind.choices,
               # A working calendar without next weeks' holidays (issue 14): say so where managers look.
               "calendar_gaps": calendar_schedule_gaps(today=timezone.localdate()),
               "export_formats": ExportFormat.choices,
               "jobs": export_jobs_recent(user=request.user)}
    return render(request, "dashboard/page.html", context)


@require_GET
@role_required(Role.MANAGER)
def export_csv_view(request, kind: str):
    if kind not in ExportKind.values:
        raise Http404
    form, filters = _form(request)
    if filters is None:
        return render(request, "dashboard/page.html", {"form": form}, status=400)
    header, rows, total = iter_rows(kind, filters)
    if total > DIRECT_CSV_LIMIT:
        return render(request, "dashboard/_export_refused.html", {"total": total, "limit": DIRECT_CSV_LIMIT},
                      status=413)
    response = StreamingHttpResponse(csv_stream(header, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.csv"'
    return response


@require_POST
@role_required(Role.MANAGER)
def export_start_view(request):
    form, filters = _form(request)  # the page's filters travel in the query string
    job, error = None, None
    if filters is None:
        error = _("Fix the filters first.")
    else:
        try:
            job = export_job_create(requested_by=request.user, kind=request.POST.get("kind", ""),
                                    format=request.POST.get("format", ""), filters=filters)
        except ApplicationError as exc:
            error = exc.message
    return render(request, "dashboard/_export_job.html", {"job": job, "error": error})


@require_GET
@role_required(Role.MANAGER)
def export_status_view(request, pk: int):
    job = export_job_get_for_user(user=request.user, pk=pk)
    return render(request, "dashboard/_export_job.html", {"job": job})


@require_GET
@role_required(Role.MANAGER)
def export_download_view(request, pk: int):
    job = export_job_get_for_user(user=request.user, pk=pk)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
