from django.apps import AppConfig


class MediaControlConfig(AppConfig):
    name = "media_control"
    verbose_name = "移动介质"
