"""Compliance evidence the asset register provides (registered from ``AssetsConfig.ready``):

- ``asset_register`` with ``rule`` — one of the register's compliance rules
  (``services.compliance_conditions``): ``classified_zone`` (6 §2, 6 §6, 保密法: classified
  equipment only on the classified network or stand-alone), ``wireless`` (6 §3, 6 §6: wireless
  modules removed from classified computers), ``antivirus`` (6 §11: virus signatures updated
  within ASSET_ANTIVIRUS_MAX_AGE_DAYS). Met when no asset in service breaks it, 已逾期 naming
  those that do. One aggregate query for every rule named.

The register holds each asset's current state: it is read as of the evaluation day (the
anti-virus age is counted to it), not replayed from its history.
"""

from django.db.models import Count, Q
from django.urls import reverse

from szmz_security.compliance.evidence import Ref, Result, Status, register
from szmz_security.core.choices import CLASSIFIED_LEVELS

from . import services
from .models import Asset

# Which assets a rule concerns (to say “n 台均符合”), besides the rule itself.
CONCERNS = {
    "classified_zone": lambda: ~Q(status=Asset.Status.SCRAPPED) & Q(secrecy__in=CLASSIFIED_LEVELS),
    "wireless": lambda: (
        ~Q(status=Asset.Status.SCRAPPED) & Q(secrecy__in=CLASSIFIED_LEVELS, type__in=Asset.COMPUTER_TYPES)
    ),
    "antivirus": lambda: Q(status=Asset.Status.IN_USE, type__in=Asset.COMPUTER_TYPES),
}


@register("asset_register")
def evaluate_asset_register(items, ctx):
    rules = {item.spec.get("rule") for item in items} & set(CONCERNS)
    conditions = services.compliance_conditions(ctx.today)
    labels = {rule.code: rule.label for rule in services.compliance_rules()}
    aggregates = {}
    for rule in rules:
        aggregates[f"{rule}_n"] = Count("pk", filter=CONCERNS[rule]())
        aggregates[f"{rule}_bad"] = Count("pk", filter=conditions[rule])
    counts = Asset.objects.aggregate(**aggregates) if aggregates else {}
    breaking = {}
    if ctx.with_refs:
        for rule in rules:
            breaking[rule] = [
                Ref(
                    title=str(a),
                    url=reverse("assets:asset", args=[a.pk]),
                    state=labels[rule],
                    badge="danger",
                    source="资产登记",
                )
                for a in Asset.objects.filter(conditions[rule]).order_by("number")[: ctx.ref_limit]
            ]
    results = {}
    for item in items:
        rule = item.spec.get("rule")
        if rule not in CONCERNS:
            results[item.key] = Result(Status.NO_EVIDENCE, f"未知的资产登记规则 {rule!r}。")
            continue
        total, bad = counts[f"{rule}_n"], counts[f"{rule}_bad"]
        refs = breaking.get(rule, [])
        if bad:
            results[item.key] = Result(
                Status.OVERDUE,
                f"资产登记中 {bad} 项不符合：{labels[rule]}（截至 {ctx.today:%Y-%m-%d}）。",
                refs,
            )
        elif not total:
            results[item.key] = Result(
                Status.NO_EVIDENCE, "资产登记中无本项规则涉及的资产。", refs, empty=True
            )
        else:
            results[item.key] = Result(
                Status.MET, f"资产登记中涉及的 {total} 项资产均符合要求（截至 {ctx.today:%Y-%m-%d}）。", refs
            )
    return results
