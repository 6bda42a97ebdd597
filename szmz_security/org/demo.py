"""The bureau's departments and demo people, shared by seed_demo and the data generator."""

DEPARTMENTS = [
    # code, name, kind, parent code
    ("BGS", "办公室", "office", None),
    ("RSC", "人事处", "office", None),
    ("GHCW", "规划财务处", "office", None),
    ("SHJZ", "社会救助处", "office", None),
    ("YLFW", "养老服务处", "office", None),
    ("ETFL", "儿童福利处", "office", None),
    ("SHSW", "社会事务处", "office", None),
    ("SHZZ", "社会组织管理局", "office", None),
    ("XXZX", "信息中心", "unit", None),
    ("FLZX", "深圳市社会福利中心", "unit", None),
    ("ETFLY", "深圳市儿童福利院", "unit", None),
    ("BYG", "深圳市殡仪馆", "unit", None),
]

DEMO_PASSWORD = "Szmz-Demo-2026"

# Every demo user whose role requires a second factor gets a confirmed authenticator with this
# fixed key, so that a person can add it to an authenticator app once (README "Demo logins";
# `manage.py demo_totp <user>` prints the current code). Base32: KNNE 2WRN MRSW 23ZN KRHV IUBN GIYD ENRB.
DEMO_TOTP_KEY = "535a4d5a2d64656d6f2d544f54502d3230323621"

# username, 姓名, 职务, role codes, department codes
DEMO_USERS = [
    # 三员分立 (#21): one account per administrator; the security and audit administrators belong
    # to no department, so they see no department's records by membership.
    ("sysadmin", "周明", "系统管理员", ["system_administrator"], []),
    ("secadmin", "郑安", "安全管理员", ["security_administrator"], []),
    ("auditor", "何审", "审计管理员", ["audit_administrator"], []),
    ("officer", "陈安", "专职安全员", ["security_officer", "staff"], ["XXZX"]),
    ("officer2", "林珊", "兼职安全员", ["security_officer", "staff"], ["XXZX"]),
    ("leader", "王立", "副局长", ["leadership"], ["BGS"]),
    ("secrecy", "赵静", "保密办主任", ["secrecy_office", "staff"], ["BGS"]),
    ("info", "孙悦", "信息员", ["information_officer", "staff"], ["BGS"]),
    ("inspector", "吴检", "检查员", ["inspector"], []),
]
for _code, _name, _kind, _parent in DEPARTMENTS:
    DEMO_USERS.append(
        (f"head.{_code.lower()}", f"{_name}负责人", "处室负责人", ["department_head", "staff"], [_code])
    )
    DEMO_USERS.append((f"staff.{_code.lower()}", f"{_name}职员", "科员", ["staff"], [_code]))
