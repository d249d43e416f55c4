"""The box's limit, served by the same gunicorn, settings and middleware as the service desk itself:
`/bench/bare/` answers JSON without touching the database; `/bench/insert/` does exactly one INSERT
(autocommit) into a table bench/load_seed.py creates. Everything else is the project's URLconf."""
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.urls import include, path

from servicedesk import urls as project_urls


@login_not_required
def bare(request):
    return JsonResponse({"ok": True, "service": "limit"})


@login_not_required
def insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_limit_row (title, n) VALUES (%s, 1) RETURNING id", ["limit"])
        (row_id,) = cursor.fetchone()
    return JsonResponse({"ok": True, "id": row_id})


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/insert/", insert),
    path("", include(project_urls)),
]
handler400, handler403 = project_urls.handler400, project_urls.handler403
handler404, handler500 = project_urls.handler404, project_urls.handler500
