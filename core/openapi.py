"""OpenAPI: every operation documents its errors (problem+json) and the headers the API reads and sends.

`ServiceDeskAutoSchema` (REST_FRAMEWORK DEFAULT_SCHEMA_CLASS) adds, per operation, the problem
responses it can give (400/401/403/404/409/412/422/428/429) and the `Idempotency-Key` (POST) and
`If-Match` (PATCH) request headers, so an endpoint's own `extend_schema` only states what is special."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem details, as core.api.problem_handler writes them."""

    type = serializers.CharField(help_text="A stable code, e.g. `urn:servicedesk:invalid`.")
    title = serializers.CharField(help_text="Human-readable summary in the request's language.")
    status = serializers.IntegerField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field (dotted path for nested fields; `non_field_errors` for the whole request).",
    )


def _example(status: int, code: str, title: str, errors: dict | None = None) -> OpenApiExample:
    return OpenApiExample(
        code, value={"type": f"urn:servicedesk:{code}", "title": title, "status": status, "errors": errors or {}},
        status_codes=[str(status)], response_only=True,
    )


PROBLEMS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(ProblemSerializer, "Invalid input; field errors under `errors`.", [
        _example(400, "invalid", "Some fields are invalid.", {"customer.phone": ["Enter a valid phone number."]})]),
    401: OpenApiResponse(ProblemSerializer, "No credential, or an invalid or revoked API key.", [
        _example(401, "authentication_failed", "Invalid or revoked API key.")]),
    403: OpenApiResponse(ProblemSerializer, "The role or the API key's scopes do not allow this.", [
        _example(403, "permission_denied", "Your role or the API key's scopes do not allow this.")]),
    404: OpenApiResponse(ProblemSerializer, "Not found — or not yours: another partner's ticket is a 404 too.", [
        _example(404, "not_found", "No Ticket matches the given query.")]),
    409: OpenApiResponse(ProblemSerializer, "A business rule refused, or a request with the same Idempotency-Key "
                         "is still running (retry after `Retry-After` seconds).", [
        _example(409, "transition_not_allowed", "“Dispatch” is not allowed while the ticket is “Closed”.",
                 {"status": ["“Dispatch” is not allowed while the ticket is “Closed”."]}),
        _example(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being processed.",
                 {"Idempotency-Key": ["Still in progress."]})]),
    412: OpenApiResponse(ProblemSerializer, "`If-Match` names an old version: someone changed the ticket. "
                         "Nothing was changed; fetch it again and retry with the new ETag.", [
        _example(412, "precondition_failed", "The ticket has changed since you read it.",
                 {"If-Match": ["The ticket has changed since you read it."]})]),
    422: OpenApiResponse(ProblemSerializer, "The Idempotency-Key was already used for a different request.", [
        _example(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request.",
                 {"Idempotency-Key": ["Use a new key for a new request."]})]),
    428: OpenApiResponse(ProblemSerializer, "`If-Match` is required on updates.", [
        _example(428, "precondition_required", "Send If-Match with the ETag you last read.",
                 {"If-Match": ["Send If-Match with the ETag you last read."]})]),
    429: OpenApiResponse(ProblemSerializer, "The API key's rate limit is used up; retry after `Retry-After` seconds.", [
        _example(429, "throttled", "Request was throttled. Expected available in 42 seconds.")]),
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    pattern=r"^[\x21-\x7e]{1,255}$",
    description="Optional on every POST. A retry with the same key and the same body gets the first answer "
    "(status, body, headers, plus `Idempotent-Replayed: true`) and does nothing twice; the same key with "
    "another body → 422. Keys are kept for 24 hours, per account. Only 2xx answers are kept: after an "
    "error the key may be used again.",
    examples=[OpenApiExample("uuid", value="5f0c6a4e-8d4b-4a55-9f39-1f1c2b9d7e10")],
)
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description='The ETag from your last read of the ticket, e.g. `"3"`. Stale → 412, missing → 428.',
    examples=[OpenApiExample("version", value='"3"')],
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 201], required=True,
    description="The ticket's version as an entity tag; send it back as If-Match to update.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429], required=True,
    description="Seconds to wait before retrying.",
)
REPLAYED = OpenApiParameter(
    "Idempotent-Replayed", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 201], enum=["true"],
    description="Present when this answer is the stored answer to an earlier request with the same Idempotency-Key.",
)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ServiceDeskAutoSchema(AutoSchema):
    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        names = {getattr(param, "name", None) for param in params}
        extra = []
        if self.method == "POST":
            extra += [IDEMPOTENCY_KEY, REPLAYED]
        if self.method == "PATCH":
            extra.append(IF_MATCH)
        if self._is_api():
            extra.append(RETRY_AFTER)
        return params + [param for param in extra if param.name not in names]

    def _if_match_required(self) -> bool:
        """PATCH requires If-Match unless the view documents its own, optional one (e.g. last write wins)."""
        for param in reversed(self.get_override_parameters()):  # the last one wins, as in the parameter list
            if getattr(param, "name", None) == "If-Match" and getattr(param, "location", None) == "header":
                return bool(param.required)
        return False

    def _is_api(self) -> bool:
        return self.path.startswith("/api/v")

    def _problem_codes(self) -> list[int]:
        if not self._is_api():
            return []
        codes = [401, 403, 429]
        has_path_params = "{" in self.path
        if has_path_params or self.method == "GET":
            codes.append(404)  # an unknown or foreign object; a bad cursor on a list
        has_query = any(param["in"] == "query" for param in self._get_parameters())
        if self.method in WRITES or has_query:
            codes.append(400)  # field errors in the body or the query
        if self.method in WRITES:
            codes.append(409)
        if self.method == "POST":
            codes.append(422)
        if self.method == "PATCH" and self._if_match_required():
            codes += [412, 428]
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        # Hooked here, not in get_response_serializers: @extend_schema(responses=…) overrides that one.
        responses = super()._get_response_bodies(direction)
        for code in self._problem_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    PROBLEMS[code], str(code), [PROBLEM_MEDIA_TYPE], direction
                )
        return dict(sorted(responses.items()))
