from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "szmz_security.jobs"
    label = "jobs"
    verbose_name = "后台任务"
