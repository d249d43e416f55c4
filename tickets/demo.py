"""Demo tickets (core.demo runs this as step "tickets"): callers and their products over the last 30 days, in
working hours, each walked along the SOP by the same services the pages call, at the time each step happened.

Every ticket is planned first — when it came in, what it is about, which story it lives ("fate") and when each
step of it happened — then replayed. Planning is pure (a seeded random.Random), so the same seed gives the same
desk; a step that would fall after the end of the replay (core.demo.demo_until) does not happen yet, which is
why old tickets are mostly closed and today's mostly waiting for the desk. A few stories are guaranteed whatever
the count (MUST below): every open status, breached clocks on forgotten tickets, a complaint, refunds, air
conditioners out with an engineer for the on-site demo. The services take no `at`: core.demo.demo_clock sets
the clock they read (timezone.now), so the timeline, the SLA clocks, the 三包 decision and the callbacks are
the real ones."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from core.demo import (
    DemoAlreadyLoaded,
    DemoRun,
    demo_clock,
    past_working_instants,
    working_minutes_after,
)

from . import services
from .choices import (
    Channel,
    Kind,
    Priority,
    ProductCategory,
    SolutionKind,
    Status,
    WaitReason,
)
from .demo_catalogue import (
    FIXES,
    HOME,
    INSTALLS,
    OUTCOME_WEIGHTS,
    PARTS,
    REPLY,
    SORT_OF,
    UPKEEP,
    random_device,
    random_fault,
    random_name,
    random_phone,
    random_product,
)
from .engineering import services as engineering
from .engineering.models import EngineerProfile
from .lifecycle import CancelReason, ticket_cancel, ticket_reopen
from .models import Ticket

DAYS = 30  # the tickets are spread over the last 30 days
__all__ = ["DAYS", "SORT_OF", "demo_tickets", "plan_tickets", "random_intake"]

_DONE = ("preprocess", "dispatch", "reply", "solve", "callback_ok", "close")
FATES: dict[str, tuple[str, ...]] = {  # the story of a ticket: its steps, in order
    "registered": (),
    "preprocessed": ("preprocess",),
    "dispatched": ("preprocess", "dispatch"),
    "replied": ("preprocess", "dispatch", "reply"),
    "waiting": ("preprocess", "dispatch", "reply", "wait"),  # for spare parts: the clocks pause
    "solved": ("preprocess", "dispatch", "reply", "solve"),  # the callback desk's turn
    "called_back": _DONE[:5],
    "reopened": (*_DONE[:4], "callback_failed"),  # 回访不合格: back to the desk
    "closed": _DONE,
    "closed_after_parts": ("preprocess", "dispatch", "reply", "wait", "resume", "solve", "callback_ok", "close"),
    "closed_remote": ("preprocess", "solve_remote", "callback_ok", "close"),  # a question answered on the phone
    "reopened_closed": (*_DONE, "reopen"),  # closed, then the fault came back: dispatched to the same engineer
    "cancelled": ("preprocess", "cancel"),
    "refund": ("preprocess", "dispatch", "solve_refund", "callback_ok"),  # waits for the money (refunds demo)
}
ENDS_IN = {"preprocess": Status.PREPROCESSED, "dispatch": Status.DISPATCHED, "reply": Status.REPLIED,
           "wait": Status.WAITING, "resume": Status.REPLIED, "solve": Status.SOLVED, "solve_remote": Status.SOLVED,
           "solve_refund": Status.SOLVED, "callback_ok": Status.CALLED_BACK, "callback_failed": Status.REOPENED,
           "close": Status.CLOSED, "cancel": Status.CANCELLED, "reopen": Status.DISPATCHED}
# Working minutes from the step before, (shortest, longest): mostly within seed 002's targets (pre-process 30,
# dispatch 10, reply 30, solution 24 h, callback 20), some late; parts take days, a fault comes back in a week.
STEP_MINUTES = {"preprocess": (3, 36), "dispatch": (1, 12), "reply": (5, 36), "wait": (20, 120),
                "resume": (600, 2400), "solve": (60, 1200), "solve_remote": (5, 25), "solve_refund": (30, 240),
                "callback_ok": (5, 60), "callback_failed": (5, 60), "close": (5, 90), "cancel": (10, 300),
                "reopen": (1200, 3000)}
# Which stories tickets of an age (hours before the end of the replay) tend to live.
FATE_WEIGHTS = (
    (3, {"registered": 3, "preprocessed": 3, "dispatched": 3, "replied": 2, "cancelled": 0.2}),
    (24, {"preprocessed": 0.3, "dispatched": 2, "replied": 3, "waiting": 1, "solved": 3, "called_back": 1,
          "closed": 2, "closed_remote": 1, "cancelled": 0.5}),
    (72, {"replied": 1, "waiting": 1.5, "solved": 2, "called_back": 1, "reopened": 0.5, "closed": 6,
          "closed_remote": 1.5, "cancelled": 0.5, "refund": 0.2}),
    (None, {"closed": 14, "closed_after_parts": 2, "closed_remote": 2.5, "cancelled": 1, "waiting": 0.4,
            "replied": 0.2, "reopened_closed": 0.3, "refund": 0.1}),
)
# (fate, at least, youngest and oldest age in hours, product sort or None): there whatever the count. Nine
# solved, as the callbacks demo records the calls of five; air conditioners with an engineer for fieldservice.
MUST = (
    ("dispatched", 2, 1, 96, "air_conditioner"), ("replied", 3, 2, 120, "air_conditioner"),
    ("registered", 2, 0, 3, None), ("registered", 1, 50, 200, None), ("preprocessed", 2, 0, 6, None),
    ("preprocessed", 1, 30, 120, None), ("dispatched", 2, 0, 24, None), ("replied", 2, 2, 48, None),
    ("replied", 1, 72, 240, None), ("waiting", 2, 24, 240, None), ("solved", 9, 4, 120, None),
    ("called_back", 2, 4, 96, None), ("reopened", 2, 24, 200, None), ("reopened_closed", 1, 200, None, None),
    ("cancelled", 2, 24, None, None), ("refund", 2, 24, 200, None), ("closed_after_parts", 1, 150, None, None),
)
COMPLAINTS_AT_LEAST = 3
ENGINEERS = {ProductCategory.PHONE: ("engineer", "engineer3"), ProductCategory.COMPUTER: ("engineer3", "engineer"),
             ProductCategory.APPLIANCE: ("engineer2", "engineer2", "engineer"), ProductCategory.FURNITURE: ("engineer2",)}


def _engineer_categories(users) -> None:
    """Each demo engineer handles the categories ENGINEERS gives them work in (李工 phones, computers and appliances,
    张师傅 appliances and furniture, 赵明 phones and computers): the dispatch select groups and suggests by them."""
    handled: dict[str, list[str]] = {}
    for category, logins in ENGINEERS.items():
        for login in dict.fromkeys(logins):
            handled.setdefault(login, []).append(str(category))
    for login, categories in handled.items():
        EngineerProfile.objects.update_or_create(engineer=users[login], defaults={"categories": categories})


@dataclass
class Plan:
    at: datetime
    fate: str
    sort: str = ""
    kind: str = Kind.REPAIR
    outcome: str = "repair"  # the 三包 outcome the purchase date gives (demo_catalogue.BOUGHT_DAYS_AGO)
    visited: bool = False  # an on-site visit was walked before the solution
    steps: list[tuple[str, datetime]] = field(default_factory=list)  # the steps that happen before the end

    @property
    def status(self) -> str:
        return ENDS_IN[self.steps[-1][0]] if self.steps else Status.REGISTERED


def _fate_for(rng: random.Random, hours: float) -> str:
    weights = next(w for limit, w in FATE_WEIGHTS if limit is None or hours < limit)
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _schedule(rng: random.Random, plan: Plan, until: datetime) -> None:
    plan.steps, at = [], plan.at
    for step in FATES[plan.fate]:
        at = working_minutes_after(at, rng.uniform(*STEP_MINUTES[step]))
        if at > until:
            break  # not yet: the ticket waits at the step before
        plan.steps.append((step, at))


def _fits(plan: Plan, fate: str, status: str, sort: str | None, ages: tuple[float, float], until: datetime) -> bool:
    return (plan.fate == fate and plan.status == status and (sort is None or plan.sort == sort)
            and ages[0] <= (until - plan.at).total_seconds() < ages[1])


def _kind_for(rng: random.Random, fate: str) -> str:
    if fate == "closed_remote":
        return Kind.CONSULTATION
    if fate == "refund":
        return Kind.RETURN_EXCHANGE
    return rng.choices([Kind.REPAIR, Kind.RETURN_EXCHANGE, Kind.COMPLAINT, Kind.INSTALLATION, Kind.MAINTENANCE],
                       weights=[14, 2, 0.7, 1, 0.5])[0]


def plan_tickets(rng: random.Random, count: int, *, until: datetime, lead: timedelta = timedelta(0)) -> list[Plan]:
    """`count` tickets registered over the last DAYS days until `lead` before `until`, oldest first, with their
    fates and the steps that happen by `until`."""
    instants = past_working_instants(rng, count, days=DAYS, until=until - lead)
    plans = []
    for at in instants:
        plan = Plan(at=at, fate=_fate_for(rng, (until - at).total_seconds() / 3600))
        _schedule(rng, plan, until)
        plans.append(plan)
    taken: set[int] = set()  # tickets that make up a MUST: a later one does not rewrite them
    for fate, least, young, old, sort in MUST:
        status = ENDS_IN[FATES[fate][-1]] if FATES[fate] else Status.REGISTERED
        ages = (young * 3600, (old or 10**6) * 3600)
        have = [i for i, plan in enumerate(plans)
                if i not in taken and _fits(plan, fate, status, sort, ages, until)][:least]
        taken.update(have)
        candidates = [i for i, plan in enumerate(plans)
                      if i not in taken and ages[0] <= (until - plan.at).total_seconds() < ages[1]]
        rng.shuffle(candidates)
        for i in candidates:
            if len(have) >= least:
                break
            trial = Plan(at=plans[i].at, fate=fate, sort=sort or "")
            _schedule(rng, trial, until)
            if _fits(trial, fate, status, sort, ages, until):  # the story fits before the end of the replay
                plans[i] = trial
                taken.add(i)
                have.append(i)
    for plan in plans:
        plan.kind = _kind_for(rng, plan.fate)
    # A few complaints on tickets that get an answer (the solution of a complaint is its answer).
    answered = [p for p in plans if p.fate in ("solved", "called_back", "closed") and p.kind != Kind.COMPLAINT]
    for plan in rng.sample(answered, max(0, min(len(answered), COMPLAINTS_AT_LEAST - sum(
            p.kind == Kind.COMPLAINT for p in plans)))):
        plan.kind = Kind.COMPLAINT
    return plans


# --- replaying a plan --------------------------------------------------------------------------------------

def _intake(rng: random.Random, plan: Plan, earlier: list[dict]) -> dict:
    """ticket_create's keyword arguments; about one caller in twenty calls again about the same product."""
    today = timezone.localdate(plan.at)
    repeat = [e for e in earlier if not plan.sort or e["sort"] == plan.sort]
    if plan.kind == Kind.REPAIR and repeat and rng.random() < 0.05:
        again = rng.choice(repeat)
        category, sort, customer, device = again["category"], again["sort"], again["customer"], again["device"]
        plan.outcome = again["outcome"]
    else:
        category, brand, model, sort, price = random_product(rng, sort=plan.sort or None)
        if plan.kind == Kind.INSTALLATION and sort not in INSTALLS or plan.kind == Kind.MAINTENANCE \
                and sort not in UPKEEP:
            plan.kind = Kind.REPAIR  # nobody books the installation of a phone
        outcome = {Kind.RETURN_EXCHANGE: rng.choice(["return", "exchange"]), Kind.INSTALLATION: "return",
                   Kind.COMPLAINT: "repair"}.get(plan.kind) or rng.choices(
            list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        if plan.fate == "refund":
            outcome = "return"
        plan.outcome = outcome
        customer = {"name": random_name(rng), "phone": random_phone(rng)}
        device = random_device(rng, category=category, brand=brand, model=model, price=price, today=today,
                               outcome=outcome, with_value=plan.fate == "refund")
        earlier.append({"category": category, "sort": sort, "customer": customer, "device": device,
                        "outcome": outcome})
    plan.sort = sort
    description, fault_kind = random_fault(rng, sort=sort, kind=plan.kind)
    if fault_kind != "performance":
        plan.outcome = "paid"  # dropped, wet, scratched: 三包 does not cover it whenever it was bought
    walk_in = category in (ProductCategory.PHONE, ProductCategory.COMPUTER)
    return {
        "customer": customer, "device": device, "kind": plan.kind, "fault_description": description,
        "channel": rng.choices([Channel.PHONE, Channel.WEB, Channel.WALK_IN, Channel.EMAIL],
                               weights=[10, 5, 4 if walk_in else 0, 2])[0],
        "priority": Priority.URGENT if plan.kind == Kind.COMPLAINT else rng.choices(
            [Priority.LOW, Priority.NORMAL, Priority.HIGH], weights=[1, 8, 2])[0],
        "extras": {"warranty": {"fault": fault_kind, "documents_altered": False}},
    }


def random_intake(rng: random.Random, today) -> dict:
    """A caller with a product bought some time before `today` and a fault of it (for other apps' demos: the
    partner's cases are about the parcel of such a product)."""
    plan = Plan(at=timezone.make_aware(datetime.combine(today, datetime.min.time())), fate="registered")
    return _intake(rng, plan, [])


def _solution(plan: Plan) -> tuple[str, str, str]:
    """(solution kind, plan, result) the engineer records."""
    if plan.kind == Kind.CONSULTATION:
        return SolutionKind.REMOTE_GUIDANCE, "电话指导客户操作", "客户按指导操作后确认已解决"
    if plan.fate == "refund":
        return SolutionKind.RETURN_REFUND, "办理退货退款，收回商品", "商品已收回，退款原路退回"
    if plan.kind == Kind.RETURN_EXCHANGE:
        return SolutionKind.EXCHANGE, "为客户更换同型号新机", "新机已交付客户，旧机收回"
    fix = {Kind.INSTALLATION: ("上门安装调试", "安装完成，试机正常"), Kind.MAINTENANCE: ("上门清洗保养", "保养完成，运行正常"),
           Kind.COMPLAINT: ("主管回电致歉，安排复检并" + FIXES[plan.sort][0], "客户接受处理结果")}.get(plan.kind)
    plan_text, result = fix or FIXES[plan.sort]
    return (SolutionKind.ONSITE if plan.visited else SolutionKind.SHOP_REPAIR), plan_text, result


def _on_site(plan: Plan) -> bool:
    """Appliances and furniture are repaired, installed and serviced at the customer's home."""
    return plan.sort not in REPLY and plan.kind not in (Kind.CONSULTATION, Kind.RETURN_EXCHANGE)


def _step(name: str, ticket: Ticket, plan: Plan, users, engineer) -> Ticket:
    desk = users["reception"]
    if name == "preprocess":
        return services.ticket_preprocess(ticket=ticket, actor=desk, note="已核实购买信息和三包凭证")
    if name == "dispatch":
        return services.ticket_dispatch(ticket=ticket, actor=desk, engineer=engineer)
    if name == "reply":
        difficulty, next_step = REPLY.get(plan.sort, HOME)
        return engineering.ticket_reply(ticket=ticket, actor=engineer, difficulty=difficulty, next_step=next_step)
    if name == "wait":
        return engineering.ticket_wait(ticket=ticket, actor=engineer, reason=WaitReason.PARTS,
                                       note=f"{PARTS[plan.sort]}缺货，已向厂家订购",
                                       expected_on=timezone.localdate() + timedelta(days=5))
    if name == "resume":
        return engineering.ticket_resume(ticket=ticket, actor=engineer, note=f"{PARTS[plan.sort]}已到货")
    if name in ("solve", "solve_remote", "solve_refund"):
        kind, plan_text, result = _solution(plan)
        actor = desk if name == "solve_remote" else engineer
        return engineering.ticket_solve(ticket=ticket, actor=actor, kind=kind, plan=plan_text, result=result).ticket
    if name == "callback_ok":
        return services.ticket_transition(ticket=ticket, action="callback_ok", actor=desk, note="客户确认已解决，满意")
    if name == "callback_failed":
        return services.ticket_transition(ticket=ticket, action="callback_failed", actor=desk,
                                          note="客户反映问题依旧，需重新处理")
    if name == "close":
        return services.ticket_transition(ticket=ticket, action="close", actor=desk)
    if name == "cancel":
        return ticket_cancel(ticket=ticket, actor=desk, reason=CancelReason.WITHDRAWN, note="客户自行解决，撤销报修")
    if name == "reopen":
        return ticket_reopen(ticket=ticket, actor=desk, reason="客户来电：同样的故障又出现了")
    raise LookupError(name)


def demo_tickets(run: DemoRun) -> None:
    if Ticket.objects.exists():
        raise DemoAlreadyLoaded  # loaded before: the demo does not add a second batch
    rng, users = run.rng, run.users
    _engineer_categories(users)
    # The partner's cases come in the last hour (partners/demo.py): the desk's tickets end before it.
    plans = plan_tickets(rng, run.tickets, until=run.until, lead=timedelta(hours=1))
    earlier: list[dict] = []
    for plan in plans:
        with demo_clock(plan.at) as clock:
            intake = _intake(rng, plan, earlier)
            ticket = services.ticket_create(created_by=users["reception"], **intake)
            engineer = users[rng.choice(ENGINEERS[intake["device"]["category"]])]
            for name, at in plan.steps:
                if name == "solve" and _on_site(plan) and (visit := run.helpers.get("onsite_visit")):
                    # fieldservice's walk (core.demo DemoRun.helpers): an on-site solution needs a signed visit.
                    home_job = plan.kind in (Kind.INSTALLATION, Kind.MAINTENANCE)
                    visit(ticket=ticket, clock=clock, before=at, heard=ticket.fault_description,
                          fix=_solution(plan)[1], part="" if home_job else PARTS[plan.sort],
                          within_warranty=plan.outcome != "paid")
                    plan.visited = True
                clock.set(at)
                ticket = _step(name, ticket, plan, users, engineer)
