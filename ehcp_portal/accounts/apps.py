from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ehcp_portal.accounts"
    label = "accounts"
    verbose_name = "Users and roles"
