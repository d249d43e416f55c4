"""OpenAPI security schemes for partner API keys (registered on import, see apps.py)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.ApiKeyAuthentication"
    name = ["partnerKeyBearer", "partnerApiKey"]

    def get_security_requirement(self, auto_schema):
        return [{"partnerKeyBearer": []}, {"partnerApiKey": []}]  # either header, not both

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "bearerFormat": "sd_<prefix>_<secret>",
             "description": "A partner API key: `Authorization: Bearer sd_…`. Issued in the admin, shown once."},
            {"type": "apiKey", "in": "header", "name": "X-Api-Key",
             "description": "The same partner API key in the `X-Api-Key` header."},
        ]
