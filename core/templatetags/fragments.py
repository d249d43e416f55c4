"""`{% content_cache "name" key %}…{% endcontent_cache %}`: a fragment rendered once per distinct content.

The ticket list's filter bar and bulk bar are the same HTML for every request that asks the same filters in the
same language with the same engineers to offer, yet drawing their ~15 fields through `_field.html` and the form
machinery cost ~10 ms of the page's ~33 ms of CPU (bench/profile_list.py). Like core/formrender.py this keys the
HTML by what it is made of, so nothing has to invalidate it: `key` is a hashable value the view computes from
everything the block shows (the form's data and choices; tickets.forms TicketFilterForm.fragment_key), the
active language is added here, and another value is another entry. An empty key (None: a form with errors, or
missing from the context) renders the block as usual. Nothing per request may sit inside the block (a CSRF token, the user's name): keep those
outside it. The memory is per process and bounded (emptied when full); DEBUG renders every time, so a template
edited during development shows at once.
"""
from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 500  # a filter bar is ~10 KB: at most ~5 MB per process
_HTML: dict = {}


class ContentCacheNode(template.Node):
    def __init__(self, nodelist, name, key):
        self.nodelist, self.name, self.key = nodelist, name, key

    def render(self, context):
        key = self.key.resolve(context)
        if not key or settings.DEBUG:  # None, or a variable missing from the context ("")
            return self.nodelist.render(context)
        full = (self.name.resolve(context), get_language(), key)
        try:
            html = _HTML.get(full)
        except TypeError:  # an unhashable key is a caller's slip: correct output first, just not cached
            return self.nodelist.render(context)
        if html is None:
            html = self.nodelist.render(context)
            if len(_HTML) >= MAX_ENTRIES:
                _HTML.clear()
            _HTML[full] = html
        return mark_safe(html)


@register.tag
def content_cache(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a name and a key: {{% {bits[0]} \"name\" key %}}")
    nodelist = parser.parse(("endcontent_cache",))
    parser.delete_first_token()
    return ContentCacheNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
