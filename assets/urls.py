"""URLs of the asset register, the machine rooms and the IP plan (NetBox-style names)."""

from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    # --- the register, import/export, labels, compliance ------------------------------------------
    path("", views.AssetListView.as_view(), name="asset_list"),
    path("add/", views.AssetEditView.as_view(), name="asset_add"),
    path("<int:pk>/", views.AssetView.as_view(), name="asset"),
    path("<int:pk>/edit/", views.AssetEditView.as_view(), name="asset_edit"),
    path("<int:pk>/delete/", views.AssetDeleteView.as_view(), name="asset_delete"),
    path("<int:pk>/history/", views.AssetHistoryView.as_view(), name="asset_history"),
    path("export/", views.asset_export, name="asset_export"),
    path("labels/", views.asset_labels, name="asset_labels"),
    path("import/", views.AssetImportView.as_view(), name="asset_import_add"),
    path("import/template.xlsx", views.asset_import_template, name="asset_import_template"),
    path("imports/<int:pk>/", views.asset_import, name="asset_import"),
    path("imports/<int:pk>/progress/", views.asset_import_progress, name="asset_import_progress"),
    path("compliance/", views.ComplianceListView.as_view(), name="compliance_list"),
    # --- machine rooms ----------------------------------------------------------------------------
    path("machine-rooms/", views.MachineRoomListView.as_view(), name="machineroom_list"),
    path("machine-rooms/add/", views.MachineRoomEditView.as_view(), name="machineroom_add"),
    path("machine-rooms/<int:pk>/", views.MachineRoomView.as_view(), name="machineroom"),
    path("machine-rooms/<int:pk>/edit/", views.MachineRoomEditView.as_view(), name="machineroom_edit"),
    path(
        "machine-rooms/<int:pk>/history/",
        views.MachineRoomHistoryView.as_view(),
        name="machineroom_history",
    ),
    path("machine-rooms/<int:pk>/access/add/", views.RoomAccessAddView.as_view(), name="roomaccess_add"),
    path(
        "machine-rooms/<int:pk>/access/<int:access_pk>/leave/",
        views.RoomDepartureView.as_view(),
        name="roomaccess_leave",
    ),
    path("machine-rooms/<int:pk>/changes/add/", views.RoomChangeAddView.as_view(), name="roomchange_add"),
    path("machine-rooms/<int:pk>/backups/add/", views.BackupRecordAddView.as_view(), name="backuprecord_add"),
    path("machine-rooms/<int:pk>/fire-checks/add/", views.FireCheckAddView.as_view(), name="firecheck_add"),
    # --- subnets, IP assignments, MACs ------------------------------------------------------------
    path("subnets/", views.SubnetListView.as_view(), name="subnet_list"),
    path("subnets/add/", views.SubnetEditView.as_view(), name="subnet_add"),
    path("subnets/<int:pk>/", views.SubnetView.as_view(), name="subnet"),
    path("subnets/<int:pk>/edit/", views.SubnetEditView.as_view(), name="subnet_edit"),
    path("subnets/<int:pk>/delete/", views.SubnetDeleteView.as_view(), name="subnet_delete"),
    path("subnets/<int:pk>/history/", views.SubnetHistoryView.as_view(), name="subnet_history"),
    path("ip-assignments/", views.IPAssignmentListView.as_view(), name="ipassignment_list"),
    path("ip-assignments/add/", views.IPAssignmentEditView.as_view(), name="ipassignment_add"),
    path("ip-assignments/<int:pk>/", views.IPAssignmentView.as_view(), name="ipassignment"),
    path("ip-assignments/<int:pk>/edit/", views.IPAssignmentEditView.as_view(), name="ipassignment_edit"),
    path(
        "ip-assignments/<int:pk>/delete/", views.IPAssignmentDeleteView.as_view(), name="ipassignment_delete"
    ),
    path(
        "ip-assignments/<int:pk>/history/",
        views.IPAssignmentHistoryView.as_view(),
        name="ipassignment_history",
    ),
    path("mac-addresses/", views.MacAddressListView.as_view(), name="macaddress_list"),
    path("mac-addresses/add/", views.MacAddressAddView.as_view(), name="macaddress_add"),
    path("mac-addresses/<int:pk>/delete/", views.MacAddressDeleteView.as_view(), name="macaddress_delete"),
    # --- the IP/MAC reconciliation ----------------------------------------------------------------
    path("reconciliations/", views.ReconciliationListView.as_view(), name="reconciliation_list"),
    path("reconciliations/add/", views.ReconciliationAddView.as_view(), name="reconciliation_add"),
    path("reconciliations/<int:pk>/", views.ReconciliationView.as_view(), name="reconciliation"),
    path(
        "reconciliations/<int:pk>/history/",
        views.ReconciliationHistoryView.as_view(),
        name="reconciliation_history",
    ),
    path("reconciliations/<int:pk>/progress/", views.reconciliation_progress, name="reconciliation_progress"),
    path("reconciliations/<int:pk>/sign-off/", views.reconciliation_sign_off, name="reconciliation_sign_off"),
    path(
        "reconciliations/<int:pk>/items/<int:item_pk>/",
        views.ReconciliationItemResolveView.as_view(),
        name="reconciliationitem_resolve",
    ),
]
