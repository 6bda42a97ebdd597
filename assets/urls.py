app_name = "assets"

urlpatterns = [
    # --- register, import/export, labels, compliance, machine room ---
    # --- end register ---
    # --- network: subnets, IP assignments, MACs, reconciliation ---
    # --- end network ---
]
