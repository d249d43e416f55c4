"""The schema documents the partner API: security schemes, headers, problem responses, examples."""
import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_security_schemes_for_keys_and_tokens(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["partnerKeyBearer"]["scheme"] == "bearer"
    assert schemes["partnerApiKey"] == {**schemes["partnerApiKey"], "in": "header", "name": "X-Api-Key"}
    assert "tokenAuth" in schemes
    create = schema["paths"]["/api/v1/tickets/"]["post"]
    assert {"partnerKeyBearer": []} in create["security"] and {"partnerApiKey": []} in create["security"]


def _header_names(operation):
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def test_every_post_documents_idempotency_key_and_422(schema):
    posts = [(path, ops["post"]) for path, ops in schema["paths"].items() if "post" in ops and path.startswith("/api/v1")]
    assert len(posts) > 5
    for path, operation in posts:
        assert "Idempotency-Key" in _header_names(operation), path
        assert "422" in operation["responses"], path


def test_patch_documents_if_match_412_428_and_etag(schema):
    patch = schema["paths"]["/api/v1/tickets/{number}/"]["patch"]
    assert "If-Match" in _header_names(patch)
    assert {"200", "400", "401", "403", "404", "409", "412", "428", "429"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in schema["paths"]["/api/v1/tickets/{number}/"]["get"]["responses"]["200"]["headers"]


def test_errors_are_problem_json_with_examples_and_429_has_retry_after(schema):
    responses = schema["paths"]["/api/v1/tickets/"]["post"]["responses"]
    problem = responses["422"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert problem["examples"]
    assert "Retry-After" in responses["429"]["headers"]
    assert set(schema["components"]["schemas"]["Problem"]["properties"]) == {"type", "title", "status", "errors"}


def test_list_documents_sync_filters(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/tickets/"]["get"]["parameters"]}
    assert {"status", "updated_since", "ordering", "cursor"} <= names


def test_confirmation_is_documented_with_examples(schema):
    operation = schema["paths"]["/api/v1/tickets/{number}/confirmation/"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["examples"]
