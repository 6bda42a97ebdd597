"""Admin pieces shared by every app."""


class ReadOnlyAdminMixin:
    """Records written only by the portal itself (audit events, jobs, password history, loaded
    frameworks, word-list versions): the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
