from django.contrib.auth import views as auth_views

from .redirects import safe_next_url


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        # The portal's one redirect rule (Django's own check is the same; one place to read).
        return safe_next_url(self.request, "", field=self.redirect_field_name)
