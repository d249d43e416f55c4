"""The admin in plain words (issue 15 §8): in Chinese every heading a manager reads — the index, each model's
name, the changelist's column headers, the add page's title, fieldset and inline headings — is Chinese, and
lists of codes (warranty documents, components) are picked from labelled choices, not typed."""
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

# Headings may keep acronyms and product words; any other Latin word of three letters or more is English
# left untranslated ("Ticket", "Due at", "Warranty policies", "Is active" …).
ALLOWED = {"SLA", "API", "URL", "IMEI", "CSV", "KPI", "SMS", "ID", "CPU", "HTTP", "HTTPS", "Webhook", "JSON",
           "Excel", "Token", "Email", "SMTP", "Django"}
KNOWN_ENGLISH = re.compile(r"\b(ticket|tickets|callback|callbacks|policy|policies|warranty|customer|customers|"
                           r"device|devices|engineer|partner|partners|calendar|target|targets|event|events|"
                           r"clock|clocks|refund|refunds|attachment|attachments|created|updated|active|"
                           r"status|name|code|version|due|kind|state|notice|notices|delivery|deliveries|"
                           r"order|orders|component|documents|rules|which|who|period|periods)\b", re.I)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
HEADING_TAGS = {"h1", "h2", "h3", "caption", "th", "legend", "title"}


class Headings(HTMLParser):
    """Text of the page's headings: titles, fieldset and inline headings, table captions and column headers
    (a changelist's row cells are data — <td> or <th scope="row"> with a link — and are skipped)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.found: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HEADING_TAGS and not self.stack:
            row_cell = tag == "th" and (attrs.get("scope") != "col" and "field-" in (attrs.get("class") or ""))
            self.stack.append((tag, not row_cell))
            self.text = []

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1][0] == tag:
            _tag, keep = self.stack.pop()
            text = " ".join("".join(self.text).split())
            if keep and text:
                self.found.append(text)

    def handle_data(self, data):
        if self.stack:
            self.text.append(data)


def headings(html: str) -> list[str]:
    """Headings of the page's content: the admin's sidebar lists third-party apps (axes, auth) too."""
    if 'id="content"' in html:
        html = html[html.index('id="content"'):html.index('id="footer"')]
    parser = Headings()
    parser.feed(html)
    return parser.found


def english_in(heading: str) -> list[str]:
    words = [w for w in LATIN_WORD.findall(heading) if w not in ALLOWED]
    return words if words or KNOWN_ENGLISH.search(heading) else []


@pytest.fixture
def root_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(root)
    client.cookies["django_language"] = "zh-hans"
    return client


PROJECT_APPS = {"core", "tickets", "warranty", "sla", "callbacks", "fieldservice", "refunds", "attachments",
                "partners", "webhooks", "progress", "dashboard"}


def _project_models():
    return [model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS]


def _pages():
    for model in _project_models():
        opts = model._meta
        yield f"admin:{opts.app_label}_{opts.model_name}_changelist"
        yield f"admin:{opts.app_label}_{opts.model_name}_add"


def test_every_admin_heading_is_chinese(root_client):
    offending: dict[str, list[str]] = {}
    pages = list(_pages())
    for name in pages:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = root_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code == 403:  # a read-only model has no add page
            continue
        assert response.status_code == 200, (name, response.status_code)
        bad = [h for h in headings(response.content.decode()) if english_in(h)]
        if bad:
            offending[name] = bad
    assert not offending, offending
    assert len(pages) > 40  # every app's models were looked at


def test_the_index_names_each_app_and_model_in_chinese():
    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        names = [str(apps.get_app_config(label).verbose_name) for label in PROJECT_APPS]
        names += [str(m._meta.verbose_name_plural) for m in _project_models()]
        names += [str(m._meta.verbose_name) for m in _project_models()]
    assert not [name for name in names if english_in(name)], [name for name in names if english_in(name)]


def test_the_checker_sees_english_headings():
    assert english_in("Warranty policies") and english_in("到期 Due at") and english_in("is_active")
    assert not english_in("SLA 目标") and not english_in("三包政策")
    assert headings('<h1>工单</h1><table><thead><tr><th scope="col">Status</th></tr></thead>'
                    '<tbody><tr><th class="field-number">SD-1</th></tr></tbody></table>') == ["工单", "Status"]


def _filter_title(model_admin, spec) -> str:
    from django.contrib.admin.utils import get_fields_from_path

    if isinstance(spec, (tuple, list)):
        spec = spec[0]
    if isinstance(spec, str):
        return str(get_fields_from_path(model_admin.model, spec)[-1].verbose_name)
    return str(getattr(spec, "title", ""))


def test_every_column_filter_fieldset_inline_and_action_is_chinese(rf, django_user_model):
    """What a changelist shows once it has rows (the page test above sees empty lists): each column header as
    the admin computes it, each filter's title, each fieldset and inline heading, each action."""
    from django.contrib.admin.utils import label_for_field, model_format_dict
    from django.utils import translation

    request = rf.get("/admin/")
    request.user = django_user_model(is_superuser=True, is_staff=True)
    found: dict[str, list[str]] = {}
    with translation.override("zh-hans"):
        for model in _project_models():
            model_admin = admin.site._registry[model]
            texts = [str(label_for_field(name, model, model_admin)) for name in model_admin.list_display
                     if name != "action_checkbox"]
            texts += [_filter_title(model_admin, spec) for spec in model_admin.list_filter]
            texts += [str(title) for title, _opts in model_admin.get_fieldsets(request) if title]
            texts += [str(inline.verbose_name_plural or inline.model._meta.verbose_name_plural)
                      for inline in model_admin.get_inline_instances(request)]
            texts += [str(description) % model_format_dict(model._meta)  # "delete selected %(…)s"
                      for _func, _name, description in model_admin.get_actions(request).values()]
            bad = [text for text in texts if english_in(text)]
            if bad:
                found[model._meta.label] = bad
    assert not found, found


def test_the_warranty_policy_form_offers_documents_and_components_by_chinese_name_and_saves_them(root_client):
    from tests.warranty.test_policies import _admin_post_data
    from warranty.models import WarrantyPolicy

    policy = WarrantyPolicy.objects.get(code="furniture")  # shipped, never used: saved in place
    url = reverse("admin:warranty_warrantypolicy_change", args=[policy.pk])
    html = root_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for code, label in (("invoice", "原始发票"), ("warranty_card", "保修卡"), ("original_packaging", "原包装"),
                        ("accessories_complete", "配件齐全")):
        assert re.search(rf'<input type="checkbox" name="return_documents" value="{code}"[^>]*>\s*{label}', html), code
    assert re.search(r'<option value="main_unit"[^>]*>整机</option>', html)
    assert "Comma-separated codes" not in html and "逗号分隔" not in html

    data = _admin_post_data(policy, return_documents=["invoice", "original_packaging"], repair_documents=[],
                            exchange_documents=["warranty_card"])
    n = data["rules-TOTAL_FORMS"]  # one more row: a component the list does not know yet, typed as a code
    data.update({"rules-TOTAL_FORMS": n + 1, f"rules-{n}-component_other": "sofa_frame",
                 f"rules-{n}-repair_length": 1, f"rules-{n}-repair_unit": "year", f"rules-{n}-policy": policy.pk})
    response = root_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    policy.refresh_from_db()
    assert policy.required_documents == {"return": ["invoice", "original_packaging"], "exchange": ["warranty_card"],
                                         "repair": []}
    assert policy.rules.filter(component="sofa_frame").exists()
    again = root_client.get(url).content.decode()  # the new code is offered from now on, as itself
    assert re.search(r'<option value="sofa_frame" selected>sofa_frame</option>', again)
