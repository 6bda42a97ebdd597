"""External repair and destruction (chapter 6 §7): classified equipment only to a designated vendor
with a valid designation, its data removed or storage kept back; a destroyed medium is read-only.
Both requests are filed (``_file_request``) and decided (``decide``) the same way."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assets.models import Asset
from szmz_security.core.uploads import check_upload
from szmz_security.org.access import grant

from ..ledger.models import Medium
from ..ledger.services import can_manage, lock_medium, refuse_destroyed
from ..movements.models import Checkout
from ..movements.services import end_request
from .models import DestructionRequest, RepairRequest

Status = Medium.Status
State = Checkout.State


def check_vendor(vendor, classified, field="vendor"):
    if vendor is None:
        raise ValidationError({field: "请选择服务单位。"})
    if classified and not vendor.designated:
        raise ValidationError(
            {field: f"涉密设备只能交由涉密定点单位处理，“{vendor}”不是定点单位（第六章第7条）。"}
        )
    if classified and not vendor.designation_valid():
        expiry = vendor.designation_expires_on
        raise ValidationError(
            {
                field: f"“{vendor}”的定点资质{'已于 ' + str(expiry) + ' 过期' if expiry else '缺少有效期'}，不能承接涉密设备。"
            }
        )


def can_request(user, medium, model):
    """Who may ask for a repair or a destruction: holders of the add permission, and a medium's
    custodian for that medium."""
    return user.has_perm(f"media_control.add_{model._meta.model_name}") or (
        medium is not None and medium.custodian_id == user.pk
    )


def resolve_item(user, number):
    """The medium or asset with this number that the user may see, or a field error."""
    number = (number or "").strip()
    medium = Medium.objects.visible_to(user, "view").filter(number=number).first()
    if medium is not None:
        return medium, None
    asset = Asset.objects.visible_to(user, "view").filter(number=number).first()
    if asset is not None:
        return None, asset
    raise ValidationError({"item_number": f"未找到编号为“{number}”的介质或资产（或您无权查看）。"})


@transaction.atomic
def _file_request(model, *, by, reason, medium, asset, not_in_stock, **fields):
    """Filing a repair or destruction request: one item (a medium or an asset) the user sees and
    may ask about, a medium in stock, a reason, for classified equipment a designated vendor."""
    if bool(medium) == bool(asset):
        raise ValidationError({"item": "请指定一件介质或一项资产（二者择一）。"})
    item = medium if medium is not None else asset
    if not type(item).objects.visible_to(by, "view").filter(pk=item.pk).exists():
        raise PermissionDenied("您无权查看该设备。")
    if not can_request(by, medium, model):
        raise PermissionDenied(f"您没有申请{model.what}的权限。")
    if medium is not None:
        medium = item = lock_medium(medium)
        if medium.status != Status.IN_STOCK:
            raise ValidationError({"item": f"该介质当前为“{medium.get_status_display()}”，{not_in_stock}。"})
        states = (model.State.REQUESTED, model.State.APPROVED)
        if model is DestructionRequest and medium.destructions.filter(state__in=states).exists():
            raise ValidationError({"item": "该介质已有进行中的销毁申请。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": f"请填写{model._meta.get_field('reason').verbose_name}。"})
    classified = medium.is_classified if medium is not None else bool(getattr(asset, "is_classified", False))
    if "vendor" in fields:
        check_vendor(fields["vendor"], classified)
    request = model.objects.create(
        medium=medium,
        asset=asset,
        department=item.department,
        classified=classified,
        restricted=classified,
        reason=reason.strip(),
        requested_by=by,
        **fields,
    )
    grant("view", by, request)
    return request


def request_repair(*, by, reason, vendor, medium=None, asset=None, data_handling=""):
    return _file_request(
        RepairRequest,
        by=by,
        reason=reason,
        medium=medium,
        asset=asset,
        not_in_stock="不能送修",
        vendor=vendor,
        data_handling=data_handling or "",
    )


def request_destruction(*, by, reason, medium=None, asset=None):
    return _file_request(
        DestructionRequest,
        by=by,
        reason=reason,
        medium=medium,
        asset=asset,
        not_in_stock="须在库才能申请销毁",
    )


def _lock(request):
    request = (
        type(request)
        .objects.select_for_update(of=("self",))
        .select_related("medium", "asset", "vendor")
        .get(pk=request.pk)
    )
    if request.medium_id:
        refuse_destroyed(request.medium)
    return request


def can_decide(user, request):
    """Approving or rejecting a repair or destruction: an officer or the secrecy office (the
    approve permission), never the requester."""
    return user.has_perm(request.approve_permission) and request.requested_by_id != user.pk


@transaction.atomic
def decide(request, *, by, approve, text=""):
    """The one decision of a repair or destruction request: approve it (while requested) or reject
    it (while requested or approved, with a reason); a repair's vendor is checked again."""
    request = _lock(request)
    states = type(request).State
    if request.state not in ((states.REQUESTED,) if approve else (states.REQUESTED, states.APPROVED)):
        refusal = "无需审批" if approve else "不能驳回"
        raise ValidationError(f"该申请当前为“{request.get_state_display()}”，{refusal}。")
    if request.requested_by_id == by.pk:
        raise PermissionDenied(f"不能审批自己提出的{request.what}申请。")
    if not by.has_perm(request.approve_permission):
        raise PermissionDenied(f"{request.what}须经安全员或保密办审批。")
    text = (text or "").strip()
    if approve:
        if isinstance(request, RepairRequest):
            check_vendor(request.vendor, request.classified)
        request.state, request._change_reason = states.APPROVED, request.approved_reason
    else:
        if not text:
            raise ValidationError({"reason": "请填写驳回理由。"})
        request.state, request._change_reason = states.REJECTED, f"驳回：{text}"
    request.approved_by, request.approved_at, request.decision_comment = by, timezone.now(), text
    request.save()
    return request


def approve(request, *, by, comment=""):
    return decide(request, by=by, approve=True, text=comment)


approve_repair = approve_destruction = approve


def can_handle_repair(user, repair):
    return user.has_perm(repair.approve_permission) or (repair.medium_id and can_manage(user, repair.medium))


@transaction.atomic
def send_repair(repair, *, by, data_handling=None):
    """Hand-over to the vendor: a classified item only with its data removed or its storage kept
    back, and only to a designated vendor whose designation is still valid today."""
    repair = _lock(repair)
    if repair.state != RepairRequest.State.APPROVED:
        raise ValidationError(f"该申请当前为“{repair.get_state_display()}”，批准后才能送修。")
    if not can_handle_repair(by, repair):
        raise PermissionDenied("须由保管人或安全员、保密办办理送修。")
    if data_handling is not None:
        if data_handling and data_handling not in RepairRequest.DataHandling.values:
            raise ValidationError({"data_handling": "请选择数据处理方式。"})
        repair.data_handling = data_handling
    if repair.classified and not repair.data_handling:
        raise ValidationError({"data_handling": "涉密设备送修前须清除数据或留存存储部件，并在此登记。"})
    check_vendor(repair.vendor, repair.classified)
    now = timezone.now()
    if repair.medium_id:
        medium = lock_medium(repair.medium)
        if medium.status != Status.IN_STOCK:
            raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能送修。")
        medium.status = Status.REPAIR
        medium._change_reason = f"外送维修（{repair.vendor}）"
        medium.save()
    elif repair.asset_id:
        _set_asset_status(repair.asset, "repair", f"外送维修（{repair.vendor}）")
    repair.state = RepairRequest.State.SENT
    repair.sent_at = now
    repair._change_reason = f"送修：{repair.get_data_handling_display() or '未涉密'}"
    repair.save()
    return repair


@transaction.atomic
def return_repair(repair, *, by, note=""):
    repair = _lock(repair)
    if repair.state != RepairRequest.State.SENT:
        raise ValidationError(f"该申请当前为“{repair.get_state_display()}”，不能登记返回。")
    if not can_handle_repair(by, repair):
        raise PermissionDenied("须由保管人或安全员、保密办登记返回。")
    repair.state = RepairRequest.State.RETURNED
    repair.returned_at, repair.return_note = timezone.now(), (note or "").strip()
    repair._change_reason = "维修返回"
    repair.save()
    if repair.medium_id:
        medium = lock_medium(repair.medium)
        medium.status = Status.IN_STOCK
        medium._change_reason = "维修返回"
        medium.save()
    elif repair.asset_id:
        _set_asset_status(repair.asset, "in_use", "维修返回")
    return repair


def _set_asset_status(asset, status, reason):
    """Asset status follows the repair / destruction when the asset register knows the status."""
    field = {f.name for f in asset._meta.get_fields()}
    if "status" not in field:
        return
    values = {value for value, _ in asset._meta.get_field("status").choices or ()}
    if status not in values:
        return
    asset.status = status
    asset._change_reason = reason
    asset.save(update_fields=["status"])


def validate_certificate(uploaded):
    if uploaded is None:
        raise ValidationError({"certificate": "请上传销毁证明（PDF 或图片）。"})
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in settings.MEDIA_CERTIFICATE_TYPES:
        allowed = "、".join(sorted(settings.MEDIA_CERTIFICATE_TYPES))
        raise ValidationError({"certificate": f"不支持的文件类型“{suffix or '无扩展名'}”。允许：{allowed}。"})
    limit = settings.MEDIA_CERTIFICATE_MAX_MB * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationError(
            {
                "certificate": f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），上限 {settings.MEDIA_CERTIFICATE_MAX_MB} MB。"
            }
        )
    if uploaded.size == 0:
        raise ValidationError({"certificate": "文件为空。"})
    try:
        check_upload(uploaded, settings.MEDIA_CERTIFICATE_TYPES)
    except ValidationError as error:
        raise ValidationError({"certificate": error.messages}) from None


def can_complete_destruction(user, destruction):
    return user.has_perm(destruction.approve_permission)


@transaction.atomic
def complete_destruction(destruction, *, by, vendor, witness, destroyed_at, certificate):
    """Record the destruction: designated vendor (for classified items), witness, time and the
    certificate. The medium becomes 已销毁 and read-only from then on."""
    destruction = _lock(destruction)
    if destruction.state != DestructionRequest.State.APPROVED:
        raise ValidationError(f"该申请当前为“{destruction.get_state_display()}”，批准后才能登记销毁。")
    if not can_complete_destruction(by, destruction):
        raise PermissionDenied("须由安全员或保密办登记销毁。")
    check_vendor(vendor, destruction.classified)
    errors = {}
    if not (witness or "").strip():
        errors["witness"] = "请填写监销人。"
    if destroyed_at is None:
        errors["destroyed_at"] = "请填写销毁时间。"
    elif destroyed_at > timezone.now():
        errors["destroyed_at"] = "销毁时间不能晚于当前时间。"
    if errors:
        raise ValidationError(errors)
    validate_certificate(certificate)
    destruction.vendor = vendor
    destruction.witness = witness.strip()
    destruction.destroyed_at = destroyed_at
    destruction.certificate = certificate
    destruction.certificate_name = Path(certificate.name).name[:200]
    destruction.completed_by = by
    destruction.state = DestructionRequest.State.COMPLETED
    destruction._change_reason = "登记销毁"
    destruction.save()
    if destruction.medium_id:
        medium = lock_medium(destruction.medium)
        if medium.status not in (Status.IN_STOCK, Status.REPAIR):
            raise ValidationError(f"该介质当前为“{medium.get_status_display()}”，不能登记销毁。")
        for checkout in medium.checkouts.filter(state__in=(*Checkout.PENDING_STATES, State.APPROVED)):
            end_request(checkout, by=by, reason="介质已销毁", change_reason="介质已销毁，申请终止")
        medium.status = Status.DESTROYED
        medium._change_reason = (
            f"已销毁（销毁申请 #{destruction.pk}，{vendor}，监销人 {destruction.witness}）"
        )
        medium.save()
    elif destruction.asset_id:
        _set_asset_status(destruction.asset, "scrapped", f"已销毁（销毁申请 #{destruction.pk}）")
    return destruction


def certificate_content_type(destruction):
    return mimetypes.guess_type(destruction.certificate_name)[0] or "application/octet-stream"
