"""The records the access matrix fills URL kwargs from: one of each kind, all in one department
(``home``), made by the suite's factories where there is one and by the ORM for the rest.

``World.kwargs(key)`` gives a route's URL kwargs, ``World.record(key)`` the department-scoped
record whose access decides (for a check-out, its medium). A new kind of record is one entry in
``build``: ``world.add(key, record, pk=..., other_kwarg=...)``.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from assets.models import AssetImport, Reconciliation, ReconciliationItem, RoomAccess
from audits.models import Attendance, GoLiveAssessment, ReviewItem, ScanFinding
from incidents.models import Attachment, RegulatorReport
from media_control.models import Checkout, DestructionRequest, Inventory, InventoryLine, RepairRequest
from publishing.models import BoardMessage, HarmfulContentReport, Publication, PublicationAttachment
from szmz_security.auditlog.models import AuditEvent
from szmz_security.auditlog.services import record
from szmz_security.compliance.models import Chapter, Clause, Framework, InspectionReport
from szmz_security.core.choices import NetworkZone
from szmz_security.obligations.models import Notification
from tests.assets.factories import AssetFactory, IPAssignmentFactory, MacAddressFactory, MachineRoomFactory
from tests.audits.factories import (
    EmergencyDrillFactory,
    EmergencyPlanFactory,
    ExternalAssessmentFactory,
    OutsourcingReviewFactory,
    PersonalDataDestructionFactory,
    PersonalDataInventoryFactory,
    ProjectFactory,
    QuarterlyReviewFactory,
    RiskFactory,
    ServiceContractFactory,
    VendorStaffAccessFactory,
)
from tests.audits.governance_factories import (
    AccountReviewFactory,
    LogSourceFactory,
    OfficerAppointmentFactory,
    OnCallShiftFactory,
    PatchRecordFactory,
    PrivilegedAccountFactory,
    SecurityScanFactory,
    TrainingSessionFactory,
)
from tests.factories import IncidentFactory, ObligationFactory
from tests.media_control.factories import MediumFactory, VendorFactory
from tests.publishing.factories import PublicAccountFactory, PublicAccountReviewFactory
from tests.secrecy.factories import (
    ArchiveSeriesFactory,
    ClassifiedDocumentFactory,
    ClassifiedPersonFactory,
    DocumentCirculationFactory,
    DocumentCustodianFactory,
    SecrecyEducationFactory,
    SecrecyPeriodReviewFactory,
)


def first(model, field):
    return model._meta.get_field(field).choices[0][0]


class World:
    def __init__(self, home, author):
        self.home, self.author = home, author
        self._records, self._kwargs = {}, {}

    def add(self, key, record, **kwargs):
        self._records[key] = record
        self._kwargs[key] = kwargs or {"pk": record.pk}
        return record

    def record(self, key):
        return self._records[key]

    def kwargs(self, key):
        return self._kwargs[key]

    def __contains__(self, key):
        return key in self._records


def build(home, author):
    """``home``: the department owning everything; ``author``: a member who files and signs."""
    world = World(home, author)
    now, today = timezone.now(), timezone.localdate()
    pdf = ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf")

    # A portal whose beat runs: /healthz/ answers 200 (its 503s are tests/core/test_faults.py's).
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from szmz_security.core.health import BEAT_ENTRY

    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.update_or_create(
        name=BEAT_ENTRY,
        defaults={"task": "obligations.sweep", "interval": every_minute, "last_run_at": now},
    )

    # --- incidents --------------------------------------------------------------------------
    incident = world.add("incident", IncidentFactory(department=home, reported_by=author))
    world.add("sharing", incident, model="incidents.incident", pk=incident.pk)
    world.add("account", author, pk=author.pk)
    obligation = world.add("obligation", ObligationFactory(department=home, subject=incident))
    report = RegulatorReport.objects.create(
        incident=incident,
        obligation=obligation,
        sent_at=now,
        sent_by=author,
        channel=first(RegulatorReport, "channel"),
        receiving_body="市网信办",
        document=pdf,
    )
    world.add("incident_obligation", incident, pk=incident.pk, obligation_pk=obligation.pk)
    world.add("incident_report", incident, pk=incident.pk, report_pk=report.pk)
    attachment = Attachment.objects.create(
        incident=incident,
        file=ContentFile(b"evidence", name="evidence.txt"),
        original_name="evidence.txt",
        size=8,
        uploaded_by=author,
    )
    world.add("incident_attachment", incident, pk=incident.pk, attachment_pk=attachment.pk)
    notification = Notification.objects.create(
        obligation=obligation, recipients=[author.pk], key="matrix", title="提醒"
    )
    world.add("notification", notification)

    # --- assets -----------------------------------------------------------------------------
    world.add("asset", AssetFactory(department=home))
    ip = world.add("ipassignment", IPAssignmentFactory(subnet__department=home))
    world.add("subnet", ip.subnet)
    world.add("macaddress", MacAddressFactory(asset__department=home))
    room = world.add("machineroom", MachineRoomFactory(department=home, responsible=author))
    access = RoomAccess.objects.create(
        room=room,
        visitor="访客",
        organisation="维保公司",
        purpose="巡检",
        approved_by=author,
        approved_at=now,
        entered_at=now,
        recorded_by=author,
    )
    world.add("roomaccess", room, pk=room.pk, access_pk=access.pk)
    run = world.add(
        "reconciliation",
        Reconciliation.objects.create(
            department=home, month=today.replace(day=1), zone=NetworkZone.GOV_INTRANET, uploaded_by=author
        ),
    )
    item = ReconciliationItem.objects.create(
        reconciliation=run, kind=first(ReconciliationItem, "kind"), detail="x"
    )
    world.add("reconciliationitem", run, pk=run.pk, item_pk=item.pk)
    world.add(
        "assetimport",
        AssetImport.objects.create(
            file=ContentFile(b"x", name="assets.csv"),
            original_name="assets.csv",
            format="csv",
            created_by=author,
        ),
    )

    # --- removable media ---------------------------------------------------------------------
    medium = world.add("medium", MediumFactory(department=home))
    checkout = Checkout.objects.create(
        medium=medium,
        requester=author,
        purpose="拷贝",
        zone=medium.zone,
        expected_return_at=now + timedelta(days=1),
    )
    world.add("checkout", medium, pk=medium.pk, checkout_pk=checkout.pk)
    inventory = world.add("inventory", Inventory.objects.create(department=home, year=today.year))
    line = InventoryLine.objects.create(inventory=inventory, medium=medium)
    world.add("inventoryline", inventory, pk=inventory.pk, line_pk=line.pk)
    vendor = world.add("vendor", VendorFactory())
    world.add(
        "repairrequest",
        RepairRequest.objects.create(department=home, reason="损坏", vendor=vendor, requested_by=author),
    )
    world.add(
        "destructionrequest",
        DestructionRequest.objects.create(department=home, reason="报废", requested_by=author),
    )
    world.add(
        "destruction_done",
        DestructionRequest.objects.create(
            department=home,
            reason="报废",
            requested_by=author,
            state=DestructionRequest.State.COMPLETED,
            certificate=ContentFile(b"%PDF-1.4\n%%EOF\n", name="certificate.pdf"),
        ),
    )

    # --- audits ------------------------------------------------------------------------------
    framework = Framework.objects.create(
        code="matrix-fw",
        name="测试框架",
        short_name="测试",
        version="1",
        source="测试",
        data_file="x",
        digest="x",
    )
    chapter = Chapter.objects.create(framework=framework, code="1", label="第一章", title="测试章")
    clause = Clause.objects.create(
        framework=framework,
        chapter=chapter,
        code="1.1",
        title="条款",
        text="内容",
        evidence=[{"kind": "attestation"}],
    )
    world.add("clause", clause)
    world.add("chapter", chapter, framework=framework.code, chapter=chapter.code)
    world.add(
        "inspectionreport",
        InspectionReport.objects.create(
            period_start=today - timedelta(days=30),
            period_end=today,
            requested_by=author,
            state=InspectionReport.State.DONE,
            file=pdf,
        ),
    )
    review = world.add("quarterlyreview", QuarterlyReviewFactory(department=home))
    review_item = ReviewItem.objects.create(review=review, clause=clause)
    world.add("reviewitem", review, pk=review.pk, item_pk=review_item.pk)
    world.add(
        "externalassessment", ExternalAssessmentFactory(department=home, recorded_by=author, report=pdf)
    )
    project = world.add("project", ProjectFactory(department=home, owner=author))
    golive = GoLiveAssessment.objects.create(
        project=project,
        assessor="测评中心",
        assessed_on=today,
        conclusion="通过",
        recorded_by=author,
        report=pdf,
    )
    world.add("goliveassessment", project, pk=project.pk, assessment_pk=golive.pk)
    world.add("risk", RiskFactory(department=home, owner=author))
    world.add("officerappointment", OfficerAppointmentFactory(department=home, person=author))
    world.add("oncallshift", OnCallShiftFactory(department=home, person=author))
    scan = world.add("securityscan", SecurityScanFactory(department=home, performed_by=author))
    finding = ScanFinding.objects.create(scan=scan, description="弱口令", owner=author, fix_due=today)
    world.add("scanfinding", scan, pk=scan.pk, finding_pk=finding.pk)
    world.add("patchrecord", PatchRecordFactory(department=home, applied_by=author))
    world.add("logsource", LogSourceFactory(department=home))
    session = world.add("trainingsession", TrainingSessionFactory(department=home))
    Attendance.objects.create(session=session, user=author)
    world.add("trainee", session, user_pk=author.pk)
    world.add("accountreview", AccountReviewFactory(department=home))
    world.add(
        "privilegedaccount", PrivilegedAccountFactory(department=home, holder=author, approved_by=author)
    )

    # --- secrecy: personnel and archives -----------------------------------------------------
    world.add("classifiedperson", ClassifiedPersonFactory(department=home, reviewer=author))
    world.add("secrecyeducation", SecrecyEducationFactory(department=home, attendees=[author]))
    world.add("archiveseries", ArchiveSeriesFactory(department=home, graded_by=author))

    # --- issue #15: the collection's records -------------------------------------------------
    plan = world.add(
        "emergencyplan",
        EmergencyPlanFactory(
            department=home,
            attachment=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
            attachment_name="应急预案.pdf",
        ),
    )
    world.add("emergencydrill", EmergencyDrillFactory(department=home, plan=plan))
    contract = world.add("servicecontract", ServiceContractFactory(department=home))
    world.add("vendorstaffaccess", VendorStaffAccessFactory(department=home, contract=contract))
    world.add(
        "outsourcingreview", OutsourcingReviewFactory(department=home, contract=contract, reviewer=author)
    )
    inventory = world.add("personaldatainventory", PersonalDataInventoryFactory(department=home))
    world.add(
        "personaldatadestruction",
        PersonalDataDestructionFactory(department=home, inventory=inventory, performed_by=author),
    )
    account = world.add("publicaccount", PublicAccountFactory(department=home, content_officer=author))
    world.add("publicaccountreview", PublicAccountReviewFactory(department=home, account=account))
    document = world.add("classifieddocument", ClassifiedDocumentFactory(department=home, custodian=author))
    circulation = DocumentCirculationFactory(document=document, recipient=author, recorded_by=author)
    world.add("documentcirculation", document, pk=document.pk, circulation_pk=circulation.pk)
    world.add("documentcustodian", DocumentCustodianFactory(department=home, person=author))
    world.add("secrecyperiodreview", SecrecyPeriodReviewFactory(department=home))

    # --- publishing --------------------------------------------------------------------------
    publication = world.add(
        "publication", Publication.objects.create(department=home, title="通知", body="正文", author=author)
    )
    pub_attachment = PublicationAttachment.objects.create(
        publication=publication,
        file=ContentFile(b"x", name="a.txt"),
        original_name="a.txt",
        size=1,
        uploaded_by=author,
    )
    world.add("publicationattachment", publication, pk=publication.pk, attachment_pk=pub_attachment.pk)
    world.add(
        "boardmessage",
        BoardMessage.objects.create(name="市民", text="留言", status=first(BoardMessage, "status")),
    )
    harmful = HarmfulContentReport.objects.create(month=today.replace(day=1), pdf=pdf)
    world.add("harmfulreport", harmful, pk=harmful.pk, kind="pdf")
    world.add("department", home)
    world.add("auditevent", record(AuditEvent.Kind.EXPORT, user=author, obj=incident, document="matrix"))
    return world
