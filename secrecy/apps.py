from django.apps import AppConfig


class SecrecyConfig(AppConfig):
    """保密管理: the records the bureau's secrecy rules call for (市民政局保密工作制度,
    民政档案保密管理制度, 保守国家秘密法), kept by the secrecy office with each department."""

    name = "secrecy"
    verbose_name = "保密管理"

    def dashboard_cards(self, user):
        return []
