"""The access matrix: who may open every URL of the portal and its API (issue #13).

One line per route name; ``tests/security/test_access_matrix.py`` takes every pattern from the
resolver and checks it against an anonymous visitor, one user per role of
``szmz_security/org/roles.py`` (members of the department owning the records) and a member of
another department. A route missing here fails the suite: add its line.

  PUBLIC                    anyone, signed in or not
  SIGNED_IN                 any signed-in user (a list: its rows follow the access rule,
                            which tests/access.py checks per model); anonymous -> sign-in
  signed_in("key")          the same, for a URL naming the world's record "key"
  perm("app.codename", …)   holders of any of these permissions (as the roles module gives
                            them); others 403
  view("key")               the department-scoped record "key" by the one access rule: its
                            department and global viewers; another department 404
  change("key") / delete()  … and the change / delete right (global permission, or 处室负责人
                            of the record's department); a viewer without it 403
  handle("key", "perm")     a viewer of the record who also holds a global permission (or,
                            with role=, that role, where the code asks for the role itself)
  step("key")               a workflow step: any viewer reaches it, the service decides
  own("key")                only the user the record belongs to (a notification: one of its
                            recipients); others 404
  ADMIN_SITE                the Django admin (NAMESPACES below): staff only
  SIGN_OUT                  signing out: everyone ends on the sign-in page

"key" names a record made in tests/security/world.py, from which the URL kwargs are filled.
A POST-only route is probed with an empty POST (inside a rolled-back savepoint).
"""

from szmz_security.org.access import can, can_read_content
from szmz_security.org.roles import LEADERSHIP
from szmz_security.org.sharing import may_share
from tests.security.matrix import (
    ADMIN_SITE,
    ALLOWED,
    FORBIDDEN,
    NOT_FOUND,
    PUBLIC,
    SIGN_OUT,
    SIGNED_IN,
    Expectation,
    department,
    own,
    perm,
    signed_in,
)


def view(key):
    return department(key)


def change(key):
    return department(key, "change")


def delete(key):
    return department(key, "delete")


def handle(key, permission, role=None):
    return department(key, permission=permission, role=role)


def step(key):
    """A workflow step on a record: any viewer reaches it (an empty form answers 400), and the
    workflow service refuses the wrong person with valid input (tested in the app's own tests)."""
    return department(key)


MANAGE = "org.manage_department_records"


class Sharing(Expectation):
    """共享与授权 of a record: who may share it (保密办, the department's head, the 安全管理员 — even
    without reading it) or reads its content; any other viewer 403; whoever cannot see it 404."""

    record = "sharing"

    def expect(self, user, world):
        obj = world.record(self.record)
        if may_share(user, obj) or can_read_content(user, obj):
            return ALLOWED
        return FORBIDDEN if can(user, "view", obj) else NOT_FOUND

    def __repr__(self):
        return "SHARING"


SHARING = Sharing()


class EnrolmentQR(Expectation):
    """The QR code of the authenticator being enrolled: a confirmed key is never shown again."""

    def expect(self, user, world):
        from szmz_security.accounts.services import has_second_factor

        return NOT_FOUND if has_second_factor(user) else ALLOWED

    def __repr__(self):
        return "ENROLMENT_QR"


# Whole namespaces of third-party apps whose every view sits behind one wrapper.
NAMESPACES = {"admin": ADMIN_SITE}

# Routes probed with a POST of this body (given the world) instead of a GET: those that answer a
# GET with 404 rather than 405, and those an empty POST would refuse for everyone alike.
POSTS = {
    "media_control:inventory_open": lambda world: {"department": world.home.pk},
    "audits:project_transition": lambda world: {"to_state": "approved"},
    "audits:logsource_verify": lambda world: {},
}

EXPECTATIONS = {
    # --- core -----------------------------------------------------------------------------------
    "dashboard": SIGNED_IN,
    "login": PUBLIC,
    "logout": SIGN_OUT,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "healthz": PUBLIC,
    # --- sign-in and sessions (szmz_security/accounts) ------------------------------------------
    "accounts:security": SIGNED_IN,
    "accounts:otp_verify": SIGNED_IN,
    "accounts:otp_enrol": SIGNED_IN,
    "accounts:otp_qr": EnrolmentQR(),
    "accounts:backup_codes": SIGNED_IN,
    "accounts:api_token": SIGNED_IN,
    "accounts:otp_admin": perm("accounts.reset_second_factor"),
    "accounts:otp_reset": perm("accounts.reset_second_factor", record="account"),
    # --- separation of duties and sharing (szmz_security/org) -----------------------------------
    "org:department_list": SIGNED_IN,
    "org:role_list": perm("org.assign_roles"),
    "org:role_edit": perm("org.assign_roles", record="account"),
    "org:sharing": SHARING,
    # --- obligations ----------------------------------------------------------------------------
    "obligations:obligation_list": SIGNED_IN,
    "obligations:obligation": view("obligation"),
    "obligations:obligation_history": view("obligation"),
    "obligations:obligation_meet": change("obligation"),
    "obligations:obligation_waive": change("obligation"),
    "obligations:notification_list": SIGNED_IN,
    "obligations:notification_read_all": SIGNED_IN,
    "obligations:notification_read": own("notification"),  # a message not sent to me: 404
    # --- audit log ------------------------------------------------------------------------------
    "auditlog:auditevent_list": perm("auditlog.view_auditevent"),
    # --- compliance -----------------------------------------------------------------------------
    "compliance:overview": perm("compliance.view_clause"),
    "compliance:clause": perm("compliance.view_clause", record="clause"),
    "compliance:clause_attest": perm("compliance.attest_clause", record="clause"),
    "compliance:clause_applicability": perm("compliance.mark_not_applicable", record="clause"),
    "compliance:clause_history": perm("compliance.view_clause", record="clause"),
    "compliance:inspectionreport_list": perm("compliance.view_inspectionreport"),
    "compliance:inspectionreport": perm("compliance.view_inspectionreport", record="inspectionreport"),
    "compliance:inspectionreport_progress": perm(
        "compliance.view_inspectionreport", record="inspectionreport"
    ),
    "compliance:inspectionreport_download": perm(
        "compliance.view_inspectionreport", record="inspectionreport"
    ),
    "compliance:inspectionreport_history": perm(
        "compliance.view_inspectionreport", record="inspectionreport"
    ),
    "compliance:chapter": perm("compliance.view_clause", record="chapter"),
    # --- incidents ------------------------------------------------------------------------------
    "incidents:incident_list": SIGNED_IN,
    "incidents:my_incidents": SIGNED_IN,
    "incidents:incident_add": perm("incidents.add_incident"),
    "incidents:incident": view("incident"),
    "incidents:incident_edit": change("incident"),
    "incidents:incident_delete": delete("incident"),
    "incidents:incident_history": view("incident"),
    "incidents:incident_grade": handle("incident", "incidents.handle_incident"),
    "incidents:incident_transition": handle("incident", "incidents.handle_incident"),
    "incidents:incident_report_content": handle("incident", "incidents.handle_incident"),
    "incidents:corrective_action_add": handle("incident", "incidents.handle_incident"),
    "incidents:note_add": change("incident"),
    "incidents:attachment_add": change("incident"),
    "incidents:report_record": handle("incident_obligation", "incidents.handle_incident"),
    "incidents:report_pdf": view("incident"),
    "incidents:report_document": view("incident_report"),
    "incidents:attachment": view("incident_attachment"),
    # --- assets ---------------------------------------------------------------------------------
    "assets:asset_list": SIGNED_IN,
    "assets:asset_add": perm("assets.add_asset"),
    "assets:asset": view("asset"),
    "assets:asset_edit": change("asset"),
    "assets:asset_delete": delete("asset"),
    "assets:asset_history": view("asset"),
    "assets:asset_export": SIGNED_IN,
    "assets:asset_labels": SIGNED_IN,
    "assets:asset_import_add": perm("assets.add_asset", MANAGE),
    "assets:asset_import_template": SIGNED_IN,
    "assets:asset_import": own("assetimport", "created_by"),
    "assets:asset_import_progress": own("assetimport", "created_by"),
    "assets:compliance_list": SIGNED_IN,
    "assets:machineroom_list": SIGNED_IN,
    "assets:machineroom_add": perm("assets.add_machineroom"),
    "assets:machineroom": view("machineroom"),
    "assets:machineroom_edit": change("machineroom"),
    "assets:machineroom_history": view("machineroom"),
    "assets:roomaccess_add": change("machineroom"),
    "assets:roomaccess_leave": change("roomaccess"),
    "assets:roomchange_add": change("machineroom"),
    "assets:backuprecord_add": change("machineroom"),
    "assets:firecheck_add": change("machineroom"),
    "assets:subnet_list": SIGNED_IN,
    "assets:subnet_add": perm("assets.add_subnet"),
    "assets:subnet": view("subnet"),
    "assets:subnet_edit": change("subnet"),
    "assets:subnet_delete": delete("subnet"),
    "assets:subnet_history": view("subnet"),
    "assets:ipassignment_list": SIGNED_IN,
    "assets:ipassignment_add": perm("assets.add_ipassignment"),
    "assets:ipassignment": view("ipassignment"),
    "assets:ipassignment_edit": change("ipassignment"),
    "assets:ipassignment_delete": delete("ipassignment"),
    "assets:ipassignment_history": view("ipassignment"),
    "assets:macaddress_list": SIGNED_IN,
    "assets:macaddress_add": perm("assets.add_macaddress"),
    "assets:macaddress_delete": delete("macaddress"),
    "assets:reconciliation_list": SIGNED_IN,
    "assets:reconciliation_add": perm("assets.add_reconciliation"),
    "assets:reconciliation": view("reconciliation"),
    "assets:reconciliation_history": view("reconciliation"),
    "assets:reconciliation_progress": view("reconciliation"),
    "assets:reconciliation_sign_off": handle("reconciliation", "assets.sign_off_reconciliation"),
    "assets:reconciliationitem_resolve": step("reconciliationitem"),
    # --- removable media ------------------------------------------------------------------------
    "media_control:medium_list": SIGNED_IN,
    "media_control:my_media": SIGNED_IN,
    "media_control:label_sheet": SIGNED_IN,
    "media_control:medium_add": perm("media_control.add_medium"),
    "media_control:medium": view("medium"),
    "media_control:medium_edit": change("medium"),
    "media_control:medium_delete": delete("medium"),
    "media_control:medium_history": view("medium"),
    "media_control:medium_report_lost": change("medium"),
    "media_control:checkout_add": handle("medium", "media_control.add_checkout"),
    "media_control:checkout_pending": SIGNED_IN,
    "media_control:checkout_approve": handle("checkout", MANAGE),  # the head first
    "media_control:checkout_reject": step("checkout"),
    "media_control:checkout_hand_out": step("checkout"),
    "media_control:checkout_return": step("checkout"),
    "media_control:inventory_list": SIGNED_IN,
    "media_control:inventory_open": perm("media_control.add_inventory", MANAGE),
    "media_control:inventory": view("inventory"),
    "media_control:inventory_history": view("inventory"),
    "media_control:inventory_sign": change("inventory"),
    "media_control:inventory_line": step("inventoryline"),
    "media_control:inventory_pdf": view("inventory"),
    "media_control:vendor_list": SIGNED_IN,
    "media_control:vendor_add": perm("media_control.add_vendor"),
    "media_control:vendor": signed_in("vendor"),
    "media_control:vendor_edit": perm("media_control.change_vendor", record="vendor"),
    "media_control:vendor_history": signed_in("vendor"),
    "media_control:repairrequest_list": SIGNED_IN,
    "media_control:repairrequest_add": SIGNED_IN,  # the service checks the item named
    "media_control:repairrequest": view("repairrequest"),
    "media_control:repairrequest_history": view("repairrequest"),
    "media_control:repairrequest_approve": handle("repairrequest", "media_control.approve_repairrequest"),
    "media_control:repairrequest_reject": step("repairrequest"),
    "media_control:repairrequest_send": step("repairrequest"),
    "media_control:repairrequest_return": step("repairrequest"),
    "media_control:destructionrequest_list": SIGNED_IN,
    "media_control:destructionrequest_add": SIGNED_IN,  # the service checks the item named
    "media_control:destructionrequest": view("destructionrequest"),
    "media_control:destructionrequest_history": view("destructionrequest"),
    "media_control:destructionrequest_approve": handle(
        "destructionrequest", "media_control.approve_destructionrequest"
    ),
    "media_control:destructionrequest_reject": step("destructionrequest"),
    "media_control:destructionrequest_complete": step("destructionrequest"),
    "media_control:destructionrequest_certificate": view("destruction_done"),
    # --- audits ---------------------------------------------------------------------------------
    "audits:quarterlyreview_list": SIGNED_IN,
    "audits:quarterlyreview_current": view("quarterlyreview"),  # the latest visible one, else 404
    "audits:quarterlyreview": view("quarterlyreview"),
    "audits:quarterlyreview_history": view("quarterlyreview"),
    "audits:reviewitem_assess": change("reviewitem"),
    "audits:finding_add": change("quarterlyreview"),
    "audits:quarterlyreview_circulate": change("quarterlyreview"),
    "audits:quarterlyreview_circulation": view("quarterlyreview"),
    "audits:quarterlyreview_sign_off": change("quarterlyreview"),
    "audits:quarterlyreview_pdf": view("quarterlyreview"),
    "audits:externalassessment_list": SIGNED_IN,
    "audits:externalassessment_add": perm("audits.add_externalassessment"),
    "audits:externalassessment": view("externalassessment"),
    "audits:externalassessment_edit": change("externalassessment"),
    "audits:externalassessment_history": view("externalassessment"),
    "audits:improvement_add": change("externalassessment"),
    "audits:externalassessment_report": view("externalassessment"),
    "audits:project_list": SIGNED_IN,
    "audits:project_add": perm("audits.add_project"),
    "audits:project": view("project"),
    "audits:project_edit": change("project"),
    "audits:project_history": view("project"),
    "audits:project_estimate": change("project"),
    "audits:project_golive": change("project"),
    "audits:project_transition": change("project"),
    "audits:golive_report": view("goliveassessment"),
    "audits:risk_list": SIGNED_IN,
    "audits:risk_heatmap": SIGNED_IN,
    "audits:risk_add": perm("audits.add_risk"),
    "audits:risk": view("risk"),
    "audits:risk_edit": change("risk"),
    "audits:risk_history": view("risk"),
    "audits:risk_accept": handle("risk", "audits.accept_risk", role=LEADERSHIP),
    "audits:risk_review": change("risk"),
    "audits:risk_close": change("risk"),
    "audits:officerappointment_list": SIGNED_IN,
    "audits:officerappointment_add": perm("audits.add_officerappointment"),
    "audits:officerappointment": view("officerappointment"),
    "audits:officerappointment_edit": change("officerappointment"),
    "audits:officerappointment_history": view("officerappointment"),
    "audits:oncall_today": view("oncallshift"),  # 404 to whoever sees no shift
    "audits:oncallshift_list": SIGNED_IN,
    "audits:oncallshift_add": perm("audits.add_oncallshift"),
    "audits:oncallshift": view("oncallshift"),
    "audits:oncallshift_edit": change("oncallshift"),
    "audits:oncallshift_history": view("oncallshift"),
    "audits:securityscan_list": SIGNED_IN,
    "audits:securityscan_add": perm("audits.add_securityscan"),
    "audits:securityscan": view("securityscan"),
    "audits:securityscan_edit": change("securityscan"),
    "audits:securityscan_history": view("securityscan"),
    "audits:scanfinding_add": change("securityscan"),
    "audits:scanfinding_fix": change("scanfinding"),
    "audits:patchrecord_list": SIGNED_IN,
    "audits:patchrecord_add": perm("audits.add_patchrecord"),
    "audits:patchrecord": view("patchrecord"),
    "audits:patchrecord_edit": change("patchrecord"),
    "audits:patchrecord_history": view("patchrecord"),
    "audits:logsource_list": SIGNED_IN,
    "audits:logsource_add": perm("audits.add_logsource"),
    "audits:logsource": view("logsource"),
    "audits:logsource_edit": change("logsource"),
    "audits:logsource_history": view("logsource"),
    "audits:logsource_verify": change("logsource"),
    "audits:trainingsession_list": SIGNED_IN,
    "audits:trainingsession_add": perm("audits.add_trainingsession"),
    "audits:trainingsession": view("trainingsession"),
    "audits:trainingsession_edit": change("trainingsession"),
    "audits:trainingsession_history": view("trainingsession"),
    "audits:attendance_add": change("trainingsession"),
    "audits:training_history": view("trainee"),  # one's own, or a shared department's
    "audits:accountreview_list": SIGNED_IN,
    "audits:accountreview": view("accountreview"),
    "audits:accountreview_history": view("accountreview"),
    "audits:accountreview_close": change("accountreview"),
    "audits:privilegedaccount_list": SIGNED_IN,
    "audits:privilegedaccount_add": perm("audits.add_privilegedaccount"),
    "audits:privilegedaccount": view("privilegedaccount"),
    "audits:privilegedaccount_edit": change("privilegedaccount"),
    "audits:privilegedaccount_history": view("privilegedaccount"),
    "audits:passwordchange_add": change("privilegedaccount"),
    # --- publishing -----------------------------------------------------------------------------
    "publishing:publication_list": SIGNED_IN,
    "publishing:publication_pending": SIGNED_IN,
    "publishing:publication_add": perm("publishing.add_publication"),
    "publishing:publication": view("publication"),
    "publishing:publication_edit": change("publication"),
    "publishing:publication_history": view("publication"),
    "publishing:publication_decide": view("publication"),
    "publishing:publication_new_version": view("publication"),  # the service says who may
    "publishing:publication_attachment": view("publicationattachment"),
    "publishing:board": PUBLIC,
    "publishing:board_archive": perm("publishing.view_boardmessage"),
    "publishing:board_review": perm("publishing.review_publication", record="boardmessage"),
    "publishing:report_list": perm("publishing.view_harmfulcontentreport"),
    "publishing:report_file": perm("publishing.view_harmfulcontentreport", record="harmfulreport"),
    # --- API ------------------------------------------------------------------------------------
    "api:api-root": SIGNED_IN,
    "api:me": SIGNED_IN,
    "api:filter_check": SIGNED_IN,
    "admin:login": PUBLIC,
    "admin:logout": SIGN_OUT,
    "api:schema": SIGNED_IN,
    "api:docs": SIGNED_IN,
    "api:department-list": SIGNED_IN,
    "api:department-detail": signed_in("department"),
    "api:obligation-list": SIGNED_IN,
    "api:obligation-detail": view("obligation"),
    "api:notification-list": SIGNED_IN,
    "api:notification-detail": own("notification"),
    "api:auditevent-list": SIGNED_IN,
    "api:auditevent-detail": perm("auditlog.view_auditevent", record="auditevent", denied="404"),
    "api:incident-list": SIGNED_IN,
    "api:incident-detail": view("incident"),
    "api:incident-grade": handle("incident", "incidents.handle_incident"),
    "api:incident-transition": handle("incident", "incidents.handle_incident"),
    "api:asset-list": SIGNED_IN,
    "api:asset-detail": view("asset"),
    "api:machineroom-list": SIGNED_IN,
    "api:machineroom-detail": view("machineroom"),
    "api:subnet-list": SIGNED_IN,
    "api:subnet-detail": view("subnet"),
    "api:ipassignment-list": SIGNED_IN,
    "api:ipassignment-detail": view("ipassignment"),
    "api:reconciliation-list": SIGNED_IN,
    "api:reconciliation-detail": view("reconciliation"),
    "api:reconciliation-items": view("reconciliation"),
    "api:reconciliation-resolve": change("reconciliationitem"),
    "api:reconciliation-sign-off": handle("reconciliation", "assets.sign_off_reconciliation"),
    "api:medium-list": SIGNED_IN,
    "api:medium-detail": view("medium"),
    "api:medium-checkouts": view("medium"),
    # secrecy: personnel and archives
    "secrecy:classifiedperson_list": SIGNED_IN,
    "secrecy:classifiedperson_add": perm("secrecy.add_classifiedperson"),
    "secrecy:classifiedperson": view("classifiedperson"),
    "secrecy:classifiedperson_edit": change("classifiedperson"),
    "secrecy:classifiedperson_history": view("classifiedperson"),
    "secrecy:classifiedperson_leave": change("classifiedperson"),
    "secrecy:classifiedperson_release": change("classifiedperson"),
    "secrecy:secrecyeducation_list": SIGNED_IN,
    "secrecy:secrecyeducation_add": perm("secrecy.add_secrecyeducation"),
    "secrecy:secrecyeducation": view("secrecyeducation"),
    "secrecy:secrecyeducation_edit": change("secrecyeducation"),
    "secrecy:secrecyeducation_history": view("secrecyeducation"),
    "secrecy:archiveseries_list": SIGNED_IN,
    "secrecy:archiveseries_add": perm("secrecy.add_archiveseries"),
    "secrecy:archiveseries": view("archiveseries"),
    "secrecy:archiveseries_edit": change("archiveseries"),
    "secrecy:archiveseries_history": view("archiveseries"),
    "secrecy:archiveseries_regrade": change("archiveseries"),
    "api:classifiedperson-list": SIGNED_IN,
    "api:classifiedperson-detail": view("classifiedperson"),
    "api:classifiedperson-leave": change("classifiedperson"),
    "api:classifiedperson-release": change("classifiedperson"),
    "api:secrecyeducation-list": SIGNED_IN,
    "api:secrecyeducation-detail": view("secrecyeducation"),
    "api:archiveseries-list": SIGNED_IN,
    "api:archiveseries-detail": view("archiveseries"),
    "api:archiveseries-regrade": change("archiveseries"),
    # --- issue #15: continuity, outsourcing, privacy, self-inspection, public accounts, documents
    "audits:emergencyplan_list": SIGNED_IN,
    "audits:emergencyplan_add": perm("audits.add_emergencyplan"),
    "audits:emergencyplan": view("emergencyplan"),
    "audits:emergencyplan_edit": change("emergencyplan"),
    "audits:emergencyplan_history": view("emergencyplan"),
    "audits:emergencyplan_attachment": view("emergencyplan"),
    "audits:emergencyplan_approve": handle("emergencyplan", "audits.approve_emergencyplan"),
    "audits:emergencydrill_list": SIGNED_IN,
    "audits:emergencydrill_add": perm("audits.add_emergencydrill"),
    "audits:emergencydrill": view("emergencydrill"),
    "audits:emergencydrill_edit": change("emergencydrill"),
    "audits:emergencydrill_history": view("emergencydrill"),
    "audits:emergencydrill_held": change("emergencydrill"),
    "audits:emergencydrill_cancel": change("emergencydrill"),
    "audits:servicecontract_list": SIGNED_IN,
    "audits:servicecontract_add": perm("audits.add_servicecontract"),
    "audits:servicecontract": view("servicecontract"),
    "audits:servicecontract_edit": change("servicecontract"),
    "audits:servicecontract_history": view("servicecontract"),
    "audits:servicecontract_activate": change("servicecontract"),
    "audits:servicecontract_end": change("servicecontract"),
    "audits:vendorstaffaccess_list": SIGNED_IN,
    "audits:vendorstaffaccess_add": perm("audits.add_vendorstaffaccess"),
    "audits:vendorstaffaccess": view("vendorstaffaccess"),
    "audits:vendorstaffaccess_edit": change("vendorstaffaccess"),
    "audits:vendorstaffaccess_history": view("vendorstaffaccess"),
    "audits:outsourcingreview_list": SIGNED_IN,
    "audits:outsourcingreview_add": perm("audits.add_outsourcingreview"),
    "audits:outsourcingreview": view("outsourcingreview"),
    "audits:outsourcingreview_edit": change("outsourcingreview"),
    "audits:outsourcingreview_history": view("outsourcingreview"),
    "audits:personaldatainventory_list": SIGNED_IN,
    "audits:personaldatainventory_add": perm("audits.add_personaldatainventory"),
    "audits:personaldatainventory": view("personaldatainventory"),
    "audits:personaldatainventory_edit": change("personaldatainventory"),
    "audits:personaldatainventory_history": view("personaldatainventory"),
    "audits:personaldatainventory_review": change("personaldatainventory"),
    "audits:personaldatadestruction_list": SIGNED_IN,
    "audits:personaldatadestruction_add": perm("audits.add_personaldatadestruction"),
    "audits:personaldatadestruction": view("personaldatadestruction"),
    "audits:personaldatadestruction_history": view("personaldatadestruction"),
    "audits:quarterlyreview_self_inspection": SIGNED_IN,
    "audits:quarterlyreview_pdf_progress": view("quarterlyreview"),
    "audits:reviewitem_accept": change("reviewitem"),
    "publishing:publicaccount_list": SIGNED_IN,
    "publishing:publicaccount_add": perm("publishing.add_publicaccount"),
    "publishing:publicaccount": view("publicaccount"),
    "publishing:publicaccount_edit": change("publicaccount"),
    "publishing:publicaccount_history": view("publicaccount"),
    "publishing:publicaccountreview_list": SIGNED_IN,
    "publishing:publicaccountreview": view("publicaccountreview"),
    "publishing:publicaccountreview_history": view("publicaccountreview"),
    "publishing:publicaccountreview_complete": change("publicaccountreview"),
    "secrecy:classifieddocument_list": SIGNED_IN,
    "secrecy:classifieddocument_add": perm("secrecy.add_classifieddocument"),
    "secrecy:classifieddocument": view("classifieddocument"),
    "secrecy:classifieddocument_edit": change("classifieddocument"),
    "secrecy:classifieddocument_history": view("classifieddocument"),
    "secrecy:classifieddocument_lend": change("classifieddocument"),
    "secrecy:classifieddocument_return": change("documentcirculation"),
    "secrecy:classifieddocument_return_to_issuer": change("classifieddocument"),
    "secrecy:classifieddocument_destroy": change("classifieddocument"),
    "secrecy:documentcustodian_list": SIGNED_IN,
    "secrecy:documentcustodian_add": perm("secrecy.add_documentcustodian"),
    "secrecy:documentcustodian": view("documentcustodian"),
    "secrecy:documentcustodian_edit": change("documentcustodian"),
    "secrecy:documentcustodian_delete": delete("documentcustodian"),
    "secrecy:documentcustodian_history": view("documentcustodian"),
    "secrecy:secrecyperiodreview_list": SIGNED_IN,
    "secrecy:secrecyperiodreview_add": perm("secrecy.add_secrecyperiodreview"),
    "secrecy:secrecyperiodreview": view("secrecyperiodreview"),
    "secrecy:secrecyperiodreview_edit": change("secrecyperiodreview"),
    "secrecy:secrecyperiodreview_history": view("secrecyperiodreview"),
    "api:emergencyplan-list": SIGNED_IN,
    "api:emergencyplan-detail": view("emergencyplan"),
    "api:emergencyplan-approve": handle("emergencyplan", "audits.approve_emergencyplan"),
    "api:emergencydrill-list": SIGNED_IN,
    "api:emergencydrill-detail": view("emergencydrill"),
    "api:emergencydrill-record-held": change("emergencydrill"),
    "api:servicecontract-list": SIGNED_IN,
    "api:servicecontract-detail": view("servicecontract"),
    "api:servicecontract-activate": change("servicecontract"),
    "api:servicecontract-end": change("servicecontract"),
    "api:vendorstaffaccess-list": SIGNED_IN,
    "api:vendorstaffaccess-detail": view("vendorstaffaccess"),
    "api:outsourcingreview-list": SIGNED_IN,
    "api:outsourcingreview-detail": view("outsourcingreview"),
    "api:personaldatainventory-list": SIGNED_IN,
    "api:personaldatainventory-detail": view("personaldatainventory"),
    "api:personaldatainventory-review": change("personaldatainventory"),
    "api:personaldatadestruction-list": SIGNED_IN,
    "api:personaldatadestruction-detail": view("personaldatadestruction"),
    "api:publicaccount-list": SIGNED_IN,
    "api:publicaccount-detail": view("publicaccount"),
    "api:publicaccountreview-list": SIGNED_IN,
    "api:publicaccountreview-detail": view("publicaccountreview"),
    "api:publicaccountreview-complete": change("publicaccountreview"),
    "api:classifieddocument-list": SIGNED_IN,
    "api:classifieddocument-detail": view("classifieddocument"),
    "api:classifieddocument-destroy-document": change("classifieddocument"),
    "api:classifieddocument-lend": change("classifieddocument"),
    "api:classifieddocument-return-circulation": change("documentcirculation"),
    "api:classifieddocument-return-to-issuer": change("classifieddocument"),
    "api:documentcustodian-list": SIGNED_IN,
    "api:documentcustodian-detail": view("documentcustodian"),
    "api:secrecyperiodreview-list": SIGNED_IN,
    "api:secrecyperiodreview-detail": view("secrecyperiodreview"),
}
