from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ehcp_portal.audit"
    label = "audit"
    verbose_name = "Access log"
