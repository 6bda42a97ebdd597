"""Issue #14's leaner design, step 1 of 3: the message's recipients and fan-out flag, the
per-recipient receipt and the mark-all-read time (the old per-recipient columns stay until the
rows are converted, 0004)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0002_department_state_due_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="recipients",
            field=models.JSONField(default=list, verbose_name="接收人"),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_fanout_due",
            field=models.BooleanField(default=False, verbose_name="待分发邮件"),
        ),
        migrations.CreateModel(
            name="NotificationReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="阅读时间")),
                (
                    "email_status",
                    models.CharField(
                        choices=[
                            ("none", "不发送"),
                            ("pending", "待发送"),
                            ("sending", "发送中"),
                            ("sent", "已发送"),
                            ("failed", "发送失败"),
                        ],
                        default="none",
                        max_length=10,
                        verbose_name="邮件状态",
                    ),
                ),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="邮件发送时间")),
                ("email_error", models.CharField(blank=True, max_length=300, verbose_name="邮件错误")),
                ("email_attempts", models.PositiveSmallIntegerField(default=0, verbose_name="邮件尝试次数")),
                ("email_next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="下次尝试时间")),
                (
                    "notification",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="receipts",
                        to="obligations.notification",
                        verbose_name="通知",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_receipts",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="接收人",
                    ),
                ),
            ],
            options={
                "verbose_name": "通知回执",
                "verbose_name_plural": "通知回执",
                "indexes": [
                    models.Index(
                        fields=["email_status", "email_next_attempt_at"], name="notification_receipt_email_due"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("notification", "recipient"), name="notification_receipt_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="NotificationReadMark",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="notification_read_mark",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
                ("read_through", models.DateTimeField(verbose_name="全部已读时间")),
            ],
            options={"verbose_name": "通知全部已读", "verbose_name_plural": "通知全部已读"},
        ),
    ]
