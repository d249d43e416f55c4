from django import template

from ..views import panel_context

register = template.Library()


@register.inclusion_tag("attachments/_panel.html", takes_context=True)
def attachments_panel(context, ticket):
    """The ticket page's attachments card; rendered again by the upload view after each upload."""
    ctx = panel_context(ticket=ticket, request=context.get("request"))
    ctx["csrf_token"] = context.get("csrf_token")
    ctx["messages"] = ()
    return ctx
