from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "szmz_security.accounts"
    label = "accounts"
    verbose_name = "登录与会话"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_activity

        user_logged_in.connect(stamp_activity, dispatch_uid="accounts.stamp_activity")
