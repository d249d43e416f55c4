"""core.api.FieldsFromPrototype hands each input serializer shallow copies of fields built once per class, made
without copy.copy's pickle round: the copies must be what copy.copy makes, and validation must not leak between
instances."""
import copy

from core.api import _shallow_copy
from tickets.api.serializers import TicketCreateInput


def _prototypes():
    TicketCreateInput().fields  # noqa: B018 — builds the class's prototypes
    for name, field in TicketCreateInput._prototype_fields.items():
        yield name, field
        if hasattr(field, "_declared_fields"):  # a nested input (customer, device, warranty)
            type(field)().fields  # noqa: B018
            yield from getattr(type(field), "_prototype_fields", {}).items()


def test_a_fast_copy_is_what_copy_copy_makes():
    for name, field in _prototypes():
        assert "__copy__" not in dir(type(field)) and not hasattr(type(field), "__slots__"), name
        fast, slow = _shallow_copy(field), copy.copy(field)
        assert type(fast) is type(slow) and fast.__dict__ == slow.__dict__, name


def test_two_inputs_validate_apart():
    good = {"customer": {"name": "张三", "phone": "13800138000"}, "kind": "repair", "fault_description": "黑屏"}
    first, second = TicketCreateInput(data=good), TicketCreateInput(data={**good, "kind": "nonsense"})
    assert first.is_valid() and not second.is_valid()
    assert set(second.errors) == {"kind"} and first.validated_data["kind"] == "repair"
