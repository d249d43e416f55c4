"""Phone etiquette for the callback desk (seed 002: 电话用语规范), kept as data.

The lines are what the caller says to a Chinese customer, quoted from the seed, so they stay in
Chinese whatever the page's language; titles and hints are UI text and are translated.
`scripts_for` is pure: it orders the scripts by what is known about the call before it starts."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Script:
    key: str
    title: str
    when: str
    lines: tuple[str, ...]


OPENING = Script("opening", _("Opening"), _("When the customer answers"), (
    "您好↑，很高兴为您服务！我是售后服务台的回访专员。",
    "请问是{customer}吗？关于您的{subject}，我们已经处理，想跟您确认一下是否已经修复。",
))
PERIODIC_OPENING = Script("opening", _("Opening"), _("When the customer answers"), (
    "您好↑，很高兴为您服务！我是售后服务台的回访专员。",
    "请问是{customer}吗？我们对您的{subject}做定期回访，请问最近使用情况怎么样？有没有需要我们帮助的地方？",
))
SATISFACTION = Script("satisfaction", _("Satisfaction survey"), _("After the customer confirms"), (
    "为了改进我们的服务，想请您为这次服务打分，1 到 5 分：",
    "服务态度几分？产品质量几分？价格几分？您还有什么意见或建议吗？",
))
SILENT_LINE = Script("silent_line", _("Silent line"), _("The call connects but nobody speaks"), (
    "您好↑，您的电话已接通。",
    "（间隔 3 秒左右）您好，您的电话已接通，请问您能听见我的声音吗？",
    "对不起，听不到您的声音↑，我们稍后再给您来电，谢谢。（停顿 2 秒后挂机，记为未接通）",
))
NOISY_LINE = Script("noisy_line", _("Noisy line"), _("Loud background noise"), (
    "对不起，我听不清您的声音，麻烦您大声一点，好吗？",
    "（仍听不清，语气保持轻柔委婉）对不起，我听不清您的声音，麻烦您大声一点，好吗？",
    "对不起，电话声音太小，我们稍后再给您来电，好吗？（停顿 2 秒后挂机）",
))
BAD_SIGNAL = Script("bad_signal", _("Bad signal"), _("A mobile phone breaks up"), (
    "对不起，信号比较弱，我听不清您的讲话，请您将手机换个方向再试一试，好吗？",
    "对不起，我听不清您的讲话，我们稍后再给您来电，好吗？（停顿 2 秒后挂机）",
))
ANGRY_CUSTOMER = Script("angry_customer", _("Angry customer"), _("The customer is upset or shouting"), (
    "不好意思，如果是我们的失误给您造成不便，请您原谅。现在我们一起来看一下有没有什么解决办法，您看好吗？",
    "（仍然不满）我理解您的心情。我记录下您的意见和联系方式，请相关负责人尽快给您答复，您看可以吗？",
))
WAITING = Script("waiting", _("Customer waiting over 2 minutes"), _("Looking something up takes long"), (
    "对不起，×先生/小姐，我帮您查询一下，请您稍等片刻，好吗↑？谢谢！",
    "（超过 2 分钟）为了不耽误您的时间，我查询后再给您回电，请问这个号码可以联系到您吗？",
    "非常感谢您的耐心等待！／对不起，让您久等了。",
))
COMPLAINT = Script("complaint", _("Customer complains"), _("About the service or a staff member"), (
    "对不起↑，给您添麻烦了，您能不能详细说一下？",
    "（记录投诉内容，明确答复时间）我们会在{promise}前给您答复。您能否留下联系电话，公司派专人与您联系，您看可以吗↑？",
))
CLOSING = Script("closing", _("Closing"), _("Before hanging up"), (
    "请问您还有其它问题吗↑？",
    "（客户表示没有）祝您愉快，谢谢！",
))

SITUATIONAL = (SILENT_LINE, NOISY_LINE, BAD_SIGNAL, WAITING, ANGRY_CUSTOMER, COMPLAINT)


@dataclass(frozen=True)
class CallContext:
    customer: str
    subject: str
    previous_attempts: int = 0
    failed_before: bool = False  # a callback on this ticket already found it not fixed
    has_complaint: bool = False
    periodic: bool = False


def _fill(script: Script, **values: str) -> Script:
    return Script(script.key, script.title, script.when,
                  tuple(line.replace("{customer}", values.get("customer", "")).replace(
                      "{subject}", values.get("subject", "")).replace("{promise}", values.get("promise", "约定时间"))
                        for line in script.lines))


def scripts_for(context: CallContext) -> dict[str, tuple[Script, ...]]:
    """`first`: said on every call, in order; `suggested`: likely needed on this call, shown open;
    `other`: the rest of the etiquette, one tap away."""
    opening = _fill(PERIODIC_OPENING if context.periodic else OPENING, customer=context.customer,
                    subject=context.subject)
    first = (opening,) if context.periodic else (opening, SATISFACTION)
    suggested: list[Script] = []
    if context.failed_before or context.has_complaint:
        suggested += [ANGRY_CUSTOMER, COMPLAINT]  # a second call about the same fault starts warmer
    if context.previous_attempts:
        suggested += [SILENT_LINE, BAD_SIGNAL]  # last time nobody answered clearly
    other = tuple(s for s in SITUATIONAL if s not in suggested)
    # Fill every script, not only the opening: the complaint script says "{promise}" to the customer.
    return {"first": first, "suggested": tuple(_fill(s) for s in suggested),
            "other": tuple(_fill(s) for s in other), "closing": (CLOSING,)}


# --- the desk's one script panel (issue 15 §5): the scripts once per page, not once per card ----------------

PERIODIC_OPENING_PANEL = Script("opening_periodic", _("Opening (periodic callback)"), PERIODIC_OPENING.when,
                                PERIODIC_OPENING.lines)
PLACEHOLDERS = ("{customer}", "{subject}")


def desk_panel(*, periodic: bool) -> tuple[Script, ...]:
    """Every script in the order of a call, placeholders kept: the page fills in the customer and product of
    the card in focus. The periodic opening only when the page lists a periodic callback."""
    openings = (OPENING, PERIODIC_OPENING_PANEL) if periodic else (OPENING,)
    return (*openings, SATISFACTION, *(_fill(s) for s in SITUATIONAL), CLOSING)


def line_parts(line: str) -> tuple[tuple[str, str], ...]:
    """("text", "…") and ("customer" | "subject", "") pieces of a script line, for the template to mark
    where the focused card's values go."""
    parts: list[tuple[str, str]] = []
    rest = line
    while rest:
        hits = [(rest.find(p), p) for p in PLACEHOLDERS if p in rest]
        if not hits:
            parts.append(("text", rest))
            break
        at, placeholder = min(hits)
        if at:
            parts.append(("text", rest[:at]))
        parts.append((placeholder.strip("{}"), ""))
        rest = rest[at + len(placeholder):]
    return tuple(parts)


def suggested_keys(context: CallContext) -> tuple[str, ...]:
    """The situations likely on this call (scripts_for's `suggested`), for the card to point at."""
    return tuple(s.key for s in scripts_for(context)["suggested"])
