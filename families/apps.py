from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = "Families"

    def ready(self) -> None:
        from families import access

        access.register()
