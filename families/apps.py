from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"
    verbose_name = "Families"

    def ready(self) -> None:
        from ehcp_portal.audit.selectors import child_lookup_register
        from families import access, selectors

        access.register()
        # The access log names children by id; the data protection officer finds them by name.
        child_lookup_register(find=selectors.child_ids_named, names=selectors.child_names_by_id)
