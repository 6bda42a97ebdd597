"""The least-privilege table (#21): what each role may read and change, as README.md shows it.

The table is rendered from the role groups' *effective* permissions (after migrate and the
post_migrate sync), not from the patterns in roles.py, so a pattern that starts matching a new
permission changes the table too. ``manage.py roles_table --write`` rewrites the README section
between the markers; tests/org/test_duties.py fails while README.md differs from the rendering,
so every widening of a role is a visible line in a reviewed diff.
"""

from collections import defaultdict
from pathlib import Path

from django.conf import settings

from .roles import ROLES

START = "<!-- roles-table:start (rendered by `manage.py roles_table --write`; do not edit by hand) -->"
END = "<!-- roles-table:end -->"
README = Path(settings.BASE_DIR) / "README.md"


def effective_permissions(group_model, permission_model):
    """{role code: {"app.codename", …}} as the database holds them."""
    names = {role.name: role.code for role in ROLES}
    held = defaultdict(set)
    rows = group_model.objects.filter(name__in=names).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    for name, app_label, codename in rows:
        if codename:
            held[names[name]].add(f"{app_label}.{codename}")
    return {role.code: held[role.code] for role in ROLES}


ACTIONS = ("view", "add", "change", "delete")


def _compress(perms, every):
    """Per app: ``app.*`` where the role holds every permission of the app, else per action
    ``add_*`` where it holds all of that action, else the codenames (so each row stays readable
    and any widening still changes it)."""
    by_app = defaultdict(set)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        by_app[app_label].add(codename)
    parts = []
    for app_label in sorted(by_app):
        held, available = by_app[app_label], every[app_label]
        if held == available:
            parts.append(f"`{app_label}.*`")
            continue
        names = []
        for action in ACTIONS:
            of_action = {c for c in available if c.startswith(f"{action}_")}
            if of_action and of_action <= held:
                names.append(f"{action}_*")
                held = held - of_action
        names.extend(sorted(held))
        parts.append(f"`{app_label}`: " + ", ".join(names))
    return "; ".join(parts) or "—"


def render_table(group_model, permission_model):
    every = defaultdict(set)
    for app_label, codename in permission_model.objects.values_list("content_type__app_label", "codename"):
        every[app_label].add(codename)
    effective = effective_permissions(group_model, permission_model)
    lines = [
        "| 角色 | 代码 | 第二因素 | 可读 | 可改 |",
        "|---|---|---|---|---|",
    ]
    for role in ROLES:
        perms = effective[role.code]
        reads = {p for p in perms if p.split(".", 1)[1].startswith("view_")}
        lines.append(
            f"| {role.name} | `{role.code}` | {'必需' if role.requires_second_factor else '—'} | "
            f"{_compress(reads, every)} | {_compress(perms - reads, every)} |"
        )
    return "\n".join(lines)


def readme_table(text):
    """The table between the markers of README.md's text, or None."""
    if START not in text or END not in text:
        return None
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def write_readme(table, path=README):
    text = path.read_text(encoding="utf-8")
    if readme_table(text) is None:
        raise ValueError(f"{path} has no {START} … {END} section")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
