from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "ehcp_portal.governance"
    label = "governance"
    verbose_name = "Information governance"
