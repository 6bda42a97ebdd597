# --- register and machine room ---

# --- end register ---

# --- network and reconciliation ---

# --- end network ---
