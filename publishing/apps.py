from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "信息发布"

    def ready(self):
        # The sensitive-word filter's signals: every change to the list bumps its version.
        from . import evidence, wordfilter  # noqa: F401 - evidence registers its compliance kinds

    def dashboard_cards(self, user):
        from .models import Publication
        from .publications import services

        return [
            {
                "name": "信息发布",
                "icon": "megaphone",
                "count": Publication.objects.visible_to(user).count(),
                "unit": "条",
                "url_name": "publishing:publication_list",
            },
            {
                "name": "待我审批的信息",
                "icon": "inbox",
                "count": services.pending_for(user, Publication.objects.visible_to(user)).count(),
                "unit": "条",
                "url_name": "publishing:publication_pending",
            },
        ]
