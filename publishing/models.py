"""Publishing (regulation chapter 10): the approval chain for public information (10 §1), the
sensitive-word filter (10 §2) and the public message board with its archive of held harmful
content and the monthly report to the police (10 §2, §4)."""

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
    "Publication",
    "PublicationAttachment",
    "PublicationGroupObjectPermission",
    "PublicationUserObjectPermission",
    "SensitiveWord",
    "WordCategory",
    "WordLevel",
    "WordListVersion",
]
