"""Write synthetic data at the bureau's scale (szmz_security/core/generate.py)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from szmz_security.core.generate import (
    DEPARTMENTS_PER_SCALE,
    INCIDENTS_PER_SCALE,
    OBLIGATIONS_PER_SCALE,
    USERS_PER_SCALE,
    GeneratedDataExists,
    generate,
)


class Command(BaseCommand):
    help = (
        "生成规模化测试数据：规模 1 约为 40 个部门、1000 名人员（含角色与档案）、5 万条待办义务、"
        "5 万起安全事件（含其报告义务）；"
        "--scale N 为 N 倍（可为小数，如 0.1）。数据一次性写入：数据库中已有生成数据（用户名以 gen. 开头）"
        "时拒绝运行，请换用新的数据库。生产环境（DEMO_DATA_ALLOWED=False）一律拒绝。 "
        f"Generate data at the bureau's scale: at scale 1 ~{DEPARTMENTS_PER_SCALE} departments (the "
        f"bureau's real names first), ~{USERS_PER_SCALE} staff with roles and profiles, "
        f"{OBLIGATIONS_PER_SCALE:,} open obligations around now, {INCIDENTS_PER_SCALE:,} incidents with "
        "the reports they owe; --scale N writes N times as much "
        "(fractions allowed). Not additive: refused when generated data (usernames 'gen.…') already "
        "exists, so use a fresh database. Always refused in production (DEMO_DATA_ALLOWED=False). "
        "Generated accounts share the demo password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="规模倍数 / scale factor (default 1.0)")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子 / random seed (default 2026)")
        parser.add_argument(
            "--reminders",
            choices=["swept", "pending"],
            default="swept",
            help=(
                "swept（默认）：过去的提醒阶段视为已发送，与分钟级扫描运行后的状态一致；"
                "pending：与新建义务相同，首个提醒阶段待发送（下一次扫描会发送大量通知）。 "
                "swept (default): past reminder stages count as sent, as the minute sweep leaves them; "
                "pending: as create_obligation leaves a new row, every first stage due on the next sweep."
            ),
        )

    def handle(self, *args, scale, seed, reminders, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "生产环境不允许生成测试数据（DEMO_DATA_ALLOWED=False）。 "
                "Generated data is refused in production settings (DEMO_DATA_ALLOWED=False)."
            )
        if scale <= 0:
            raise CommandError("--scale 必须大于 0。 --scale must be greater than 0.")
        started = time.perf_counter()
        log = lambda line: self.stdout.write(f"  {line}")  # noqa: E731
        try:
            summary = generate(scale, seed=seed, reminders=reminders, log=log)
        except GeneratedDataExists as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 / generated (scale {scale:g}): {summary.departments} 部门 departments, "
                f"{summary.users} 人员 users, {summary.obligations} 义务 obligations, "
                f"{summary.incidents} 安全事件 incidents ({summary.incident_obligations} 报告义务 reports owed), "
                f"{summary.history_rows} 历史记录 history rows — {elapsed:.2f} s"
            )
        )
