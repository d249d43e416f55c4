"""Fragment search (issue 15): what the search box finds, and the one column it finds it in.

Each ticket carries `search_text`: one lower-cased line of what a caller remembers — the ticket's contact name
and phone (digits only), the device's brand, model and serial, the fault description — then, after " | ", its
short words: every two-character run of Chinese in it (黑屏, 王伟) and every other word of two or three
characters (60, x1) — and last the sequence of its number after a "№" (SD-20261201-0317 → "№0317").

Why a column on the ticket: the name and phone are the ticket's own, but the model and serial live on the
device, and a condition over the ticket, customer and device tables at once is an OR across joins, which
PostgreSQL can only answer by walking every ticket newest first (2.8 s at 1M for a name nobody has, bench/).
On the ticket row one trigram GIN index (pg_trgm, migration 0011) answers every kind of fragment, and the planner
may still walk the newest tickets instead when a word is common.

Why the short words: a trigram index cannot look up a two-character fragment — `LIKE '%黑屏%'` contains no
trigram and reads the whole index — but a whole word it can: `LIKE '% 黑屏 %'` has the padded trigrams
"  黑", " 黑屏" and "黑屏 " (and Chinese is written without spaces, so its words are the two-character runs).

Why the number's sequence, and why last: digits typed alone (0317, 3708) mean the end of a ticket number or
a run of a phone's (or serial's) digits. As `number LIKE '%0317' OR search_text LIKE '%0317%'` that was two
trigram indexes, and the number's (its date's digits: 0317 is in every number of 17 March) gave thousands of
candidates for the recheck to drop. With the sequence in the text it is one condition on one index,
`search_text LIKE '%0317%'`, kept when found before the "№" (a phone's digits, anywhere) or at the very end (the
end of the number, exactly — in SD-20261201-13170, 3170 is its end and 1317 is not): `~ '0317(.*№|$)'`. The
date stays out of the text, so its digits give no candidates. NFKC turns a typed "№" into "no", so the mark is
never in what is searched.

Kept current by the writers of the fields it is made of: `services.ticket_create` (and a returning device's
new brand or model), `editing.ticket_edit`, the admin. A customer record's rename or merge changes no ticket's
contact (issue 14), so it changes no ticket's search text.
"""
import re
import unicodedata
from functools import reduce
from operator import and_

from django.db import connection as default_connection
from django.db.models import BooleanField, F, Func, Q, TextField, Value

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
OTHER_RUN = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")  # word characters that are not Chinese
WORD = re.compile(r"\w+")
# A digits-only fragment shorter than this matches only a whole word ("60" in "Mate 60"): three digits occur in
# one phone in ten, and a search that lists a tenth of the tickets finds nothing.
MIN_DIGITS = 4
SEARCHED_DEVICE_FIELDS = ("brand", "model", "serial")  # a change to one of these changes the device's tickets' text
MAX_TERMS = 6  # words of a query, each must match (AND); more is a sentence pasted by mistake
NUMBER_MARK = "№"  # before the number's sequence, the text's last word (see the module docstring)


def normalise(text: str) -> str:
    """NFKC (full-width ３７０８ and Ａ are 3708 and a, as a Chinese IME may type them), lower case, one space."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def search_text_for(*, number: str, contact_name: str, contact_phone: str, brand: str = "", model: str = "",
                    serial: str = "", fault: str = "") -> str:
    """The ticket's search text from its number, its own contact and fault and its device (module docstring)."""
    main = normalise(" ".join(part for part in (contact_name, _digits(contact_phone), brand, model, serial, fault)
                              if part))
    words: dict[str, None] = {}  # ordered, without repeats
    for word in WORD.findall(main):
        for run in CJK_RUN.findall(word):
            words.update((run[i:i + 2], None) for i in range(len(run) - 1))
        words.update((run, None) for run in OTHER_RUN.findall(word) if 2 <= len(run) <= 3)
    # Spaces on both sides of every short word: `% 黑屏 %` must match the first and the last one too.
    text = f"{main} | {' '.join(words)} " if words else f"{main} "
    return f"{text}{NUMBER_MARK}{number.rsplit('-', 1)[-1]}"  # last: a digits query anchors its end at `$`


def search_text_of(ticket) -> str:
    """For a Ticket instance whose device (if any) and customer are loaded or cheap to load."""
    device = ticket.device
    return search_text_for(
        number=ticket.number, contact_name=ticket.contact_name or ticket.customer.name,
        contact_phone=ticket.contact_phone or ticket.customer.phone,
        brand=device.brand if device else "", model=device.model if device else "",
        serial=device.serial if device else "", fault=ticket.fault_description)


def _term_q(term: str) -> Q | None:
    digits = term.replace("-", "")
    if digits.isascii() and digits.isdigit():
        if len(digits) >= MIN_DIGITS:
            if digits == term:  # the end of a number's sequence or a run of a phone's digits: one index condition
                return Q(search_text__contains=digits) & _before_mark_or_at_end(digits)
            # With a dash (1201-0317, 1234-3708): the end of a number as typed, date included (its own index),
            # or the digits in a phone.
            return Q(number__endswith=term.upper()) | Q(search_text__regex=f"{digits}.*{NUMBER_MARK}")
        return Q(search_text__contains=f" {digits} ") if len(digits) >= 2 else None
    if len(term) >= 3:
        return Q(search_text__contains=term)
    if len(term) == 2:
        return Q(search_text__contains=f" {term} ")
    return None  # one character: too common to mean anything on its own


def _like_unindexed(pattern: str) -> Func:
    """`(search_text || '') LIKE pattern`: a filter on rows already found, never an index condition of its own —
    as a plain LIKE, PostgreSQL turned the OR below into two more passes over the trigram index (BitmapOr)."""
    text = Func(F("search_text"), template="(%(expressions)s || '')", output_field=TextField())
    return Func(text, Value(pattern), arg_joiner=" LIKE ", template="(%(expressions)s)", output_field=BooleanField())


def _before_mark_or_at_end(digits: str) -> Q:
    """What `search_text ~ '0317(.*№|$)'` says, as a filter on the rows `LIKE '%0317%'` found: the digits before
    the "№" (a phone's or serial's digits), or at the very end (the number's). The regex converts each candidate's
    whole text to wide characters and took 13 ms against 8 ms for these LIKEs (median of the page's scan at 1M,
    planning included; bench/README.md). `digits` are digits only: nothing in the pattern needs escaping."""
    return Q(_like_unindexed(f"%{digits}%{NUMBER_MARK}%")) | Q(_like_unindexed(f"%{digits}"))


def digits_only(query: str) -> bool:
    """Only digits (and dashes) typed — the end of a number, a phone's digits, a whole phone or IMEI: found through
    a few index entries, hundreds to a few thousand tickets that are all read anyway to sort them (the list's
    count can come from that same scan, selectors.ticket_first_page)."""
    terms = [term.replace("-", "") for term in normalise(query).split()]
    return bool(terms) and all(term.isascii() and term.isdigit() for term in terms)


def search_q(query: str) -> Q | None:
    """The condition for what was typed: every word (up to MAX_TERMS) must be found; None when no word is long
    enough to search by (the caller falls back to the exact lookups)."""
    terms = [q for term in normalise(query).split()[:MAX_TERMS] if (q := _term_q(term)) is not None]
    return reduce(and_, terms) if terms else None


# ---- keeping the column current -------------------------------------------------------------------------------

FIELDS = ("pk", "number", "contact_name", "contact_phone", "customer__name", "customer__phone", "device__brand",
          "device__model", "device__serial", "fault_description")


def _text_of_row(row) -> str:
    _pk, number, name, phone, customer_name, customer_phone, brand, model, serial, fault = row
    return search_text_for(number=number, contact_name=name or customer_name, contact_phone=phone or customer_phone,
                           brand=brand or "", model=model or "", serial=serial or "", fault=fault)


def _write(pairs: list[tuple[int, str]], *, table: str, connection) -> None:
    if not pairs:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement per batch (a million rows: minutes, not an hour)
            cursor.execute(f"UPDATE {table} AS t SET search_text = v.s FROM "
                           f"(SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS s) AS v WHERE t.id = v.id",
                           [[pk for pk, _s in pairs], [text for _pk, text in pairs]])
        else:
            cursor.executemany(f"UPDATE {table} SET search_text = %s WHERE id = %s",
                               [(text, pk) for pk, text in pairs])


def search_text_refresh(queryset, *, batch: int = 5000, connection=None) -> int:
    """Recompute the search text of the tickets in `queryset` (any Ticket model: the migration passes its
    historical one) in batches by id, writing only the rows whose text changed. → rows written."""
    connection = connection or default_connection
    table, written, after = queryset.model._meta.db_table, 0, 0
    while True:
        rows = list(queryset.filter(pk__gt=after).order_by("pk").values_list(*FIELDS, "search_text")[:batch])
        pairs = [(row[0], text) for row in rows if (text := _text_of_row(row[:-1])) != row[-1]]
        _write(pairs, table=table, connection=connection)
        written += len(pairs)
        if len(rows) < batch:  # the last batch (a device's few tickets: one read, one write)
            return written
        after = rows[-1][0]
