"""The one step runner: a step on an object (a ticket, a work order…) from a page panel or the API.

Both follow the same contract — permission, input (a form or a serializer), one service call, one
refusal contract — so the ticket steps, the engineer's steps and the work-order steps cannot drift:

- page (`page_step_run`): htmx swaps only 2xx, so a refusal is a 200 fragment with the errors next to the
  fields; a refusal not about one field (a step no longer allowed, a stale ticket, the wrong role) is shown
  above the panels. Without htmx a success redirects and a refusal is the whole page with its status.
- API (`StepApi`): the input serializer raises 400 with field errors, the service's ApplicationError
  becomes problem+json with its status (core.api's exception handler); a success answers `respond()`.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from rest_framework.views import APIView

from .api import RoleRequired
from .errors import ApplicationError
from .roles import user_has_role


@dataclass(frozen=True)
class Failed:
    """What to render when a step is refused: the whole page (no htmx) or the fragment (htmx)."""

    page: str
    fragment: str
    context: Mapping[str, Any]


def page_step_run(
    request,
    *,
    form,
    run: Callable[[Mapping[str, Any]], Any],
    done: str,
    on_success: Callable[[], HttpResponse],
    on_failure: Callable[[Any, str | None], Failed],
    roles: tuple[str, ...] | None = None,
) -> HttpResponse:
    """Validate `form`, call `run(cleaned_data)` (the service), answer.

    `roles`: who may take the step at all; anyone else gets 403 — no panel was offered, so this is not a
    form to correct. `on_failure(form, general_error)` gives the page and fragment with the failed form."""
    if roles is not None and not user_has_role(request.user, *roles):
        raise PermissionDenied
    refusal: ApplicationError | None = None
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ApplicationError as exc:
            refusal = exc
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
        else:
            messages.success(request, done)
            return on_success()
    general = refusal.message if refusal is not None and refusal.field not in form.fields else None
    failed = on_failure(form, general)
    if not request.htmx:
        status = refusal.status if refusal is not None and refusal.status >= 400 else 400
        return render(request, failed.page, failed.context, status=status)
    return render(request, failed.fragment, failed.context)


class StepApi(APIView):
    """A step over the API. Subclasses set `roles` and `Input`, and implement `target` (the object, 404/403
    as its selector decides), `perform` (one service call) and `respond`; the OpenAPI description goes on
    the class with `extend_schema_view(post=extend_schema(...))`."""

    permission_classes = [RoleRequired]
    Input: type

    def target(self, request, **kwargs):
        raise NotImplementedError

    def perform(self, request, target, data: Mapping[str, Any]):
        raise NotImplementedError

    def respond(self, result):
        raise NotImplementedError

    def post(self, request, **kwargs):
        # Whose object it is before what the body says: a caller who may not see it gets its 404 (or 403)
        # whatever it sent, never field errors about an object that, for them, does not exist.
        target = self.target(request, **kwargs)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        return self.respond(self.perform(request, target, data.validated_data))
