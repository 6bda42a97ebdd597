from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    verbose_name = "资产与网络"

    def ready(self):
        from .register import evidence  # noqa: F401 - registers the register's compliance evidence kinds

    def dashboard_cards(self, user):
        """The assets the user may see and, for whoever may change the register, how many of them
        break a rule (one query each)."""
        from .models import Asset
        from .register.services import with_compliance

        visible = Asset.objects.visible_to(user)
        cards = [
            {
                "name": "资产",
                "icon": "pc-display",
                "count": visible.count(),
                "unit": "项",
                "url_name": "assets:asset_list",
            }
        ]
        if user.has_perm("assets.change_asset"):
            cards.append(
                {
                    "name": "资产合规问题",
                    "icon": "clipboard-x",
                    "count": with_compliance(visible).count(),
                    "unit": "项",
                    "url_name": "assets:compliance_list",
                }
            )
        return cards
