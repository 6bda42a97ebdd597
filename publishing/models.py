"""Publishing (regulation chapter 10): the approval chain for public information (10 §1), the
sensitive-word filter (10 §2), the bureau's public accounts (公众账号) as channels, and the public
message board with its archive of held harmful content and the monthly report to the police
(10 §2, §4)."""

from .accounts.models import (
    Platform,
    PublicAccount,
    PublicAccountGroupObjectPermission,
    PublicAccountReview,
    PublicAccountReviewGroupObjectPermission,
    PublicAccountReviewUserObjectPermission,
    PublicAccountUserObjectPermission,
)
from .board.models import BoardMessage, HarmfulContentReport
from .publications.models import (
    ApprovalStep,
    Channel,
    Publication,
    PublicationAttachment,
    PublicationGroupObjectPermission,
    PublicationUserObjectPermission,
)
from .wordfilter.models import SensitiveWord, WordCategory, WordLevel, WordListVersion

__all__ = [
    "ApprovalStep",
    "BoardMessage",
    "Channel",
    "HarmfulContentReport",
    "Platform",
    "PublicAccount",
    "PublicAccountGroupObjectPermission",
    "PublicAccountReview",
    "PublicAccountReviewGroupObjectPermission",
    "PublicAccountReviewUserObjectPermission",
    "PublicAccountUserObjectPermission",
    "Publication",
    "PublicationAttachment",
    "PublicationGroupObjectPermission",
    "PublicationUserObjectPermission",
    "SensitiveWord",
    "WordCategory",
    "WordLevel",
    "WordListVersion",
]
