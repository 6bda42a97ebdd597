"""Secrecy records (保密管理): each sub-package's models, composed here so the app label, its
tables and its migrations stay in one place."""

from .archives.models import (  # noqa: F401
    ArchiveGradeChange,
    ArchiveSeries,
    ArchiveSeriesGroupObjectPermission,
    ArchiveSeriesUserObjectPermission,
)
from .documents.models import (  # noqa: F401
    ClassifiedDocument,
    ClassifiedDocumentGroupObjectPermission,
    ClassifiedDocumentUserObjectPermission,
    DocumentCirculation,
    DocumentCustodian,
    DocumentCustodianGroupObjectPermission,
    DocumentCustodianUserObjectPermission,
    SecrecyPeriodReview,
    SecrecyPeriodReviewGroupObjectPermission,
    SecrecyPeriodReviewUserObjectPermission,
)
from .personnel.models import (  # noqa: F401
    ClassifiedPerson,
    ClassifiedPersonGroupObjectPermission,
    ClassifiedPersonUserObjectPermission,
    SecrecyEducation,
    SecrecyEducationGroupObjectPermission,
    SecrecyEducationUserObjectPermission,
)
