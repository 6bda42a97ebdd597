from django.urls import path

from . import views

app_name = "media_control"

urlpatterns = [
    # The ledger.
    path("", views.MediumListView.as_view(), name="medium_list"),
    path("mine/", views.MyMediaListView.as_view(), name="my_media"),
    path("labels.pdf", views.label_sheet, name="label_sheet"),
    path("add/", views.MediumEditView.as_view(), name="medium_add"),
    path("<int:pk>/", views.MediumView.as_view(), name="medium"),
    path("<int:pk>/edit/", views.MediumEditView.as_view(), name="medium_edit"),
    path("<int:pk>/delete/", views.MediumDeleteView.as_view(), name="medium_delete"),
    path("<int:pk>/history/", views.MediumHistoryView.as_view(), name="medium_history"),
    path("<int:pk>/report-lost/", views.ReportLostView.as_view(), name="medium_report_lost"),
    # Check-out and return.
    path("<int:pk>/checkouts/add/", views.CheckoutRequestView.as_view(), name="checkout_add"),
    path("checkouts/pending/", views.CheckoutPendingListView.as_view(), name="checkout_pending"),
    path(
        "<int:pk>/checkouts/<int:checkout_pk>/approve/",
        views.CheckoutApproveView.as_view(),
        name="checkout_approve",
    ),
    path(
        "<int:pk>/checkouts/<int:checkout_pk>/reject/",
        views.CheckoutRejectView.as_view(),
        name="checkout_reject",
    ),
    path(
        "<int:pk>/checkouts/<int:checkout_pk>/hand-out/",
        views.CheckoutHandOutView.as_view(),
        name="checkout_hand_out",
    ),
    path(
        "<int:pk>/checkouts/<int:checkout_pk>/return/",
        views.CheckoutReturnView.as_view(),
        name="checkout_return",
    ),
    # The annual inventory.
    path("inventories/", views.InventoryListView.as_view(), name="inventory_list"),
    path("inventories/open/", views.inventory_open, name="inventory_open"),
    path("inventories/<int:pk>/", views.InventoryView.as_view(), name="inventory"),
    path("inventories/<int:pk>/history/", views.InventoryHistoryView.as_view(), name="inventory_history"),
    path("inventories/<int:pk>/sign/", views.InventorySignView.as_view(), name="inventory_sign"),
    path(
        "inventories/<int:pk>/lines/<int:line_pk>/", views.InventoryLineView.as_view(), name="inventory_line"
    ),
    path("inventories/<int:pk>/inventory.pdf", views.inventory_pdf_view, name="inventory_pdf"),
    # Vendors.
    path("vendors/", views.VendorListView.as_view(), name="vendor_list"),
    path("vendors/add/", views.VendorEditView.as_view(), name="vendor_add"),
    path("vendors/<int:pk>/", views.VendorView.as_view(), name="vendor"),
    path("vendors/<int:pk>/edit/", views.VendorEditView.as_view(), name="vendor_edit"),
    path("vendors/<int:pk>/history/", views.VendorHistoryView.as_view(), name="vendor_history"),
    # External repair (6 §7).
    path("repairs/", views.RepairRequestListView.as_view(), name="repairrequest_list"),
    path("repairs/add/", views.RepairRequestAddView.as_view(), name="repairrequest_add"),
    path("repairs/<int:pk>/", views.RepairRequestView.as_view(), name="repairrequest"),
    path("repairs/<int:pk>/history/", views.RepairRequestHistoryView.as_view(), name="repairrequest_history"),
    path("repairs/<int:pk>/approve/", views.RepairApproveView.as_view(), name="repairrequest_approve"),
    path("repairs/<int:pk>/reject/", views.RepairRejectView.as_view(), name="repairrequest_reject"),
    path("repairs/<int:pk>/send/", views.RepairSendView.as_view(), name="repairrequest_send"),
    path("repairs/<int:pk>/return/", views.RepairReturnView.as_view(), name="repairrequest_return"),
    # Destruction.
    path("destructions/", views.DestructionRequestListView.as_view(), name="destructionrequest_list"),
    path("destructions/add/", views.DestructionRequestAddView.as_view(), name="destructionrequest_add"),
    path("destructions/<int:pk>/", views.DestructionRequestView.as_view(), name="destructionrequest"),
    path(
        "destructions/<int:pk>/history/",
        views.DestructionRequestHistoryView.as_view(),
        name="destructionrequest_history",
    ),
    path(
        "destructions/<int:pk>/approve/",
        views.DestructionApproveView.as_view(),
        name="destructionrequest_approve",
    ),
    path(
        "destructions/<int:pk>/reject/",
        views.DestructionRejectView.as_view(),
        name="destructionrequest_reject",
    ),
    path(
        "destructions/<int:pk>/complete/",
        views.DestructionCompleteView.as_view(),
        name="destructionrequest_complete",
    ),
    path(
        "destructions/<int:pk>/certificate/",
        views.destruction_certificate,
        name="destructionrequest_certificate",
    ),
]
