"""The ticket page's cards from other apps (tickets.hooks panels): the view computed each card's context
through the app's selectors; this only renders it, with the page's context beneath (request, csrf)."""
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel) -> str:
    template_name, panel_context = panel
    with context.push(**panel_context):
        return mark_safe(context.template.engine.get_template(template_name).render(context))
