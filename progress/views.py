"""The customer's progress page (seed 001: 处理进度查询): public, no login."""
import math

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .forms import ProgressLookupForm
from .ratelimit import progress_lookup_allowed
from .selectors import progress_lookup


# csrf_exempt: the lookup changes nothing and carries no session, so a forged request gains nothing;
# without a token in the page, a miss is byte-for-byte the same answer whatever was typed.
@login_not_required
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def progress_view(request):
    if request.method == "GET":
        # ?number= comes from the link in our messages ({progress_url}): the customer types only the phone.
        number = request.GET.get("number", "")[:30]
        return render(request, "progress/lookup.html", {"form": ProgressLookupForm(initial={"number": number}),
                                                        "hotline": settings.SERVICE_HOTLINE})
    allowed, retry_after = progress_lookup_allowed(request)
    if not allowed:
        minutes = max(1, math.ceil(retry_after / 60))  # when this client may look again, not the window's size
        response = render(request, "progress/rate_limited.html",
                          {"minutes": minutes, "hotline": settings.SERVICE_HOTLINE}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    form = ProgressLookupForm(request.POST)
    found = progress_lookup(number=request.POST.get("number", "")[:30], phone=request.POST.get("phone", "")[:30])
    if found is None:
        # The same page for every miss: an empty form, one generic sentence, nothing echoed back.
        return render(request, "progress/lookup.html", {"form": ProgressLookupForm(), "not_found": True,
                                                        "hotline": settings.SERVICE_HOTLINE})
    return render(request, "progress/lookup.html", {"form": form, "progress": found, "hotline": found.hotline})
