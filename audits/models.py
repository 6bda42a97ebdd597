"""The models of the sub-domains (and their object-permission models, declared beside them),
imported here so that Django's registry and ``from audits.models import X`` find them; the app
label and the tables are unchanged."""

from .assessments.models import ExternalAssessment, report_path  # noqa: F401
from .continuity.models import EmergencyDrill, EmergencyPlan  # noqa: F401
from .governance.models import (  # noqa: F401
    AccountReview,
    Attendance,
    LogSource,
    OfficerAppointment,
    OnCallShift,
    PasswordChange,
    PatchRecord,
    PrivilegedAccount,
    ScanFinding,
    SecurityScan,
    TrainingSession,
)
from .outsourcing.models import OutsourcingReview, ServiceContract, VendorStaffAccess  # noqa: F401
from .privacy.models import (  # noqa: F401
    PersonalDataDestruction,
    PersonalDataDestructionGroupObjectPermission,
    PersonalDataDestructionUserObjectPermission,
    PersonalDataInventory,
    PersonalDataInventoryGroupObjectPermission,
    PersonalDataInventoryUserObjectPermission,
)
from .projects.models import GoLiveAssessment, Project, RiskEstimate  # noqa: F401
from .reviews.models import Circulation, Finding, QuarterlyReview, ReviewItem  # noqa: F401
from .risks.models import Risk  # noqa: F401
