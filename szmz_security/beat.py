"""The periodic tasks (Celery beat), one entry per task; ``settings.CELERY_BEAT_SCHEDULE``. Each task
is idempotent, so a run missed or doubled changes nothing: the deadlines live in indexed columns
and the minute sweep (DESIGN.md §3), never in the schedule."""

BEAT_SCHEDULE = {
    "obligations-sweep": {"task": "obligations.sweep", "schedule": 60.0},
    "notifications-deliver-email": {"task": "obligations.deliver_email", "schedule": 60.0},
    "auditlog-purge": {"task": "auditlog.purge_expired", "schedule": 24 * 3600.0},
    # PostgreSQL: the audit log's day partitions a week ahead (a no-op on SQLite).
    "auditlog-ensure-partitions": {"task": "auditlog.ensure_partitions", "schedule": 3600.0},
    # Idempotent: ensures last month's harmful-content report obligation (10 §4) exists.
    "publishing-report-obligation": {"task": "publishing.ensure_report_obligation", "schedule": 24 * 3600.0},
    "publishing-account-reviews": {"task": "publishing.ensure_account_reviews", "schedule": 24 * 3600.0},
    # Idempotent, hourly so that a missed run catches up: this month's IP/MAC reconciliation
    # (7 §1) per zone in use, today's backup record (5 §5), this month's fire check (5 §7).
    "assets-reconciliation-obligations": {
        "task": "assets.ensure_reconciliation_obligations",
        "schedule": 3600.0,
    },
    "assets-machine-room-obligations": {"task": "assets.ensure_machine_room_obligations", "schedule": 3600.0},
    # Re-sends long jobs whose worker died or whose message was lost; fails them after the limit.
    "jobs-requeue-stale": {"task": "jobs.requeue_stale", "schedule": 60.0},
    # Idempotent: this year's media inventory (清点) obligation per department holding media.
    "media-inventory-obligations": {
        "task": "media_control.ensure_inventory_obligations",
        "schedule": 24 * 3600.0,
    },
    # Idempotent, hourly: this quarter's internal risk review with its checklist and obligation
    # (4 §3), and this year's external assessment obligation (4 §4).
    "audits-quarterly-review": {"task": "audits.ensure_quarterly_review", "schedule": 3600.0},
    # Idempotent, hourly: this year's emergency-drill obligation of every department owning an
    # approved emergency plan (应急预案/应急演练).
    "audits-drill-obligations": {"task": "audits.ensure_drill_obligations", "schedule": 3600.0},
    "audits-outsourcing-reviews": {"task": "audits.ensure_outsourcing_reviews", "schedule": 3600.0},
    "audits-self-inspection": {"task": "audits.ensure_self_inspection_obligation", "schedule": 3600.0},
    "audits-personal-data": {"task": "audits.ensure_personal_data_obligations", "schedule": 24 * 3600.0},
    # Idempotent, hourly: this year's 保密教育 obligation (met once every 在岗 classified person
    # attended) and a re-grading obligation for every archive series missing one.
    "secrecy-personnel-archives": {
        "task": "secrecy.ensure_personnel_archive_obligations",
        "schedule": 3600.0,
    },
    # Idempotent: this year's secrecy-period review (保密期限审查) per department holding documents.
    "secrecy-period-review-obligations": {
        "task": "secrecy.ensure_period_review_obligations",
        "schedule": 24 * 3600.0,
    },
}
