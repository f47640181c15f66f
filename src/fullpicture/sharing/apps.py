from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "fullpicture.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from fullpicture.people.households import register_item_source
        from fullpicture.sharing import receivers  # noqa: F401  (connects the receivers)
        from fullpicture.sharing.context_kinds import register

        register()  # the work contexts sharing owns (docs/decisions/0056)
        from fullpicture.sharing.household_evidence import items_naming_persons

        register_item_source(items_naming_persons)
