from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The integration API for council systems: API clients (system tokens with scopes and
    areas), idempotent writes, problem details, the OpenAPI schema."""

    name = "cases.integrations"
    label = "integrations"
    verbose_name = "Integration API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the bearer token's description with drf-spectacular.
        from cases.integrations import schema  # noqa: F401
