app_name = "media_control"

urlpatterns = []
