"""Secrecy records (保密管理): each sub-package's models, composed here so the app label, its
tables and its migrations stay in one place."""

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

__all__ = []
