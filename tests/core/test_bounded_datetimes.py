"""Year 9999 in a visit window or a promised answer time is a field error, never an overflow (a 500)."""
import pytest

from callbacks.api.serializers import CallbackRecordInput
from callbacks.forms import ComplaintPromiseForm
from fieldservice.forms import RescheduleForm


@pytest.mark.parametrize("value", ["9999-12-31T23:59", "1900-01-01T10:00"])
def test_forms_refuse_a_time_outside_the_range(value):
    form = RescheduleForm(data={"reschedule-window_start": value, "reschedule-window_end": value}, prefix="reschedule")
    assert not form.is_valid() and "window_start" in form.errors
    promise = ComplaintPromiseForm(data={"promised_answer_at": value})
    assert not promise.is_valid() and "promised_answer_at" in promise.errors


def test_the_api_refuses_a_time_outside_the_range():
    data = CallbackRecordInput(data={"outcome": "fixed", "promised_answer_at": "9999-12-31T23:59:59-01:00"})
    assert not data.is_valid()
    assert "promised_answer_at" in data.errors
