"""Password policy (6 §8; 等保 L3 identity authentication): length and character classes, and no
reuse of the last passwords. Listed in AUTH_PASSWORD_VALIDATORS, so every form that sets a
password (change, reset, admin, createsuperuser) applies them."""

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from .models import PasswordHistory
from .services import record_password_change

CHARACTER_CLASSES = (
    ("小写字母", set(string.ascii_lowercase)),
    ("大写字母", set(string.ascii_uppercase)),
    ("数字", set(string.digits)),
)


def character_classes(password):
    """How many of the four classes (lower case, upper case, digits, other symbols) occur."""
    chars = set(password)
    found = sum(1 for _name, members in CHARACTER_CLASSES if chars & members)
    letters_and_digits = set().union(*(members for _name, members in CHARACTER_CLASSES))
    return found + (1 if chars - letters_and_digits else 0)


class ComplexityValidator:
    def __init__(self, min_length=12, min_classes=3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    "密码太短：至少需要 %(min_length)d 个字符，当前 %(length)d 个。",
                    code="password_too_short",
                    params={"min_length": self.min_length, "length": len(password)},
                )
            )
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    "密码须包含大写字母、小写字母、数字、符号四类中的至少 %(min_classes)d 类。",
                    code="password_too_simple",
                    params={"min_classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class HistoryValidator:
    """Refuses the user's current password and the ones before it, and records every change."""

    def __init__(self, remember=5):
        self.remember = remember

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return

        hashes = list(
            PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.remember]
        )
        if user.password and user.password not in hashes:
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                "不能使用最近 %(remember)d 次用过的密码，请换一个新密码。",
                code="password_reused",
                params={"remember": self.remember},
            )

    def password_changed(self, password, user):
        # Called by AbstractBaseUser.save() after every set_password(): one row per change.

        record_password_change(user)

    def get_help_text(self):
        return f"不能与最近 {self.remember} 次用过的密码相同。"
