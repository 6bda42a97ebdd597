"""The hash chain of the audit log (等保 2.0 level 3: audit records protected from tampering).

Each log class (登录 / 访问 / 导出与打印 / 系统) is its own chain, ordered by primary key: an event
stores ``prev_hash`` (the hash of the previous event of its class) and ``hash`` = sha256 over the
previous hash and the event's canonical content. One chain per class because retention differs
per class: a purge then removes a prefix of one chain, and the checkpoint event it writes first
(``through_id`` / ``through_hash``: the last purged event) lets the verifier accept exactly that gap.

Writing takes a per-class lock for "read the last hash, insert": PostgreSQL's transaction-level
advisory lock; SQLite's IMMEDIATE transactions (settings) already serialise writers.
"""

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connections
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

GENESIS = "0" * 64
# The first key of the advisory lock: this table's, whatever else takes advisory locks.
LOCK_NAMESPACE = zlib.crc32(b"szmz.auditlog.chain") & 0x7FFFFFFF

# The fields a hash covers: everything an inspector reads, not the primary key (unknown before
# the insert; the order is bound by prev_hash instead).
HASHED_FIELDS = (
    "at",
    "kind",
    "log_class",
    "outcome",
    "user_id",
    "username",
    "ip_address",
    "user_agent",
    "object_type_id",
    "object_id",
    "object_repr",
    "detail",
)


def _ip(value):
    # The database keeps IPv6 in its compressed form; hash what will be read back.
    return clean_ipv6_address(value) if value and ":" in value else (value or None)


def canonical(values):
    """Stable JSON of the hashed fields (a dict, or an object with those attributes)."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    content = {name: get(name) for name in HASHED_FIELDS}
    content["at"] = content["at"].astimezone(UTC).isoformat(timespec="microseconds")
    content["ip_address"] = _ip(content["ip_address"])
    # As the JSON column will return it (tuples become lists, keys strings).
    content["detail"] = json.loads(json.dumps(content["detail"] or {}))
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(values, prev_hash):
    return hashlib.sha256(f"{prev_hash}\n{canonical(values)}".encode()).hexdigest()


def lock(log_class, using="default"):
    """Serialise appends to one class's chain until the surrounding transaction ends."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [LOCK_NAMESPACE, zlib.crc32(log_class.encode()) & 0x7FFFFFFF],
            )


def last_hash(model, log_class, using="default"):
    last = model._default_manager.using(using).filter(log_class=log_class).order_by("-pk")
    return last.values_list("hash", flat=True).first() or GENESIS


def link(event, prev_hash):
    """Set the event's place in its chain (called under ``lock``)."""
    event.prev_hash = prev_hash
    event.hash = event_hash(event, prev_hash)
    return event.hash


# --- verification ---------------------------------------------------------------------------------


@dataclass
class Break:
    id: int
    at: object
    log_class: str
    expected: str
    stored: str
    reason: str

    def message(self):
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S")
        return f"审计事件 #{self.id}（{when}）{self.reason}：应为 {self.expected}，存储为 {self.stored}。"


@dataclass
class Verification:
    checked: int = 0
    breaks: list = field(default_factory=list)
    # The last event of each intact chain: {log_class: {"id", "hash", "at"}}, the anchor that the
    # next verification checks (a chain cut short at its end has no later link to betray it).
    heads: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.breaks

    @property
    def first_broken(self):
        return min(self.breaks, key=lambda item: item.id) if self.breaks else None

    def message(self):
        if self.ok:
            return f"审计日志哈希链完整：已校验 {self.checked} 条事件。"
        return f"审计日志哈希链断裂（已校验 {self.checked} 条）：{self.first_broken.message()}"


def checkpoints(model, log_class, using="default"):
    """(through_id, through_hash) of every surviving purge checkpoint of the class."""
    rows = model._default_manager.using(using).filter(log_class=log_class, kind="checkpoint")
    return [
        (detail.get("through_id"), detail.get("through_hash"))
        for detail in rows.values_list("detail", flat=True)
    ]


def verify(model, log_classes, anchors=None, chunk_size=2000, using="default"):
    """Walk every chain in primary-key order, streaming (constant memory), and stop each chain
    at its first break. A gap is accepted only where a purge checkpoint names it. ``anchors``
    (the heads of the last intact verification) must still be there unchanged, unless purged."""
    result = Verification()
    columns = ("pk", "prev_hash", "hash", *HASHED_FIELDS)
    for log_class in log_classes:
        gaps = checkpoints(model, log_class, using)
        anchor = (anchors or {}).get(log_class)
        previous, anchor_seen = {"pk": 0, "hash": GENESIS}, False
        rows = model._default_manager.using(using).filter(log_class=log_class).order_by("pk")
        for row in rows.values(*columns).iterator(chunk_size=chunk_size):
            result.checked += 1
            if anchor and row["pk"] == anchor["id"]:
                anchor_seen = True
                row["anchor_hash"] = anchor["hash"]
            broken = _check(row, previous["pk"], previous["hash"], gaps)
            if broken:
                result.breaks.append(broken)
                break
            previous = row
        else:
            purged = anchor and any((through_id or 0) >= anchor["id"] for through_id, _ in gaps)
            if anchor and not anchor_seen and not purged:
                reason = "在上次校验时存在，现已不存在（日志末尾被删除或重写）"
                when = datetime.fromisoformat(anchor["at"])
                result.breaks.append(Break(anchor["id"], when, log_class, anchor["hash"], "（无）", reason))
            elif previous["pk"]:
                result.heads[log_class] = {
                    "id": previous["pk"],
                    "hash": previous["hash"],
                    "at": previous["at"].isoformat(),
                }
    return result


def _check(row, previous_id, previous_hash, gaps):
    def broken(expected, stored, reason):
        return Break(row["pk"], row["at"], row["log_class"], expected, stored, reason)

    if row["prev_hash"] != previous_hash:
        purged = any(
            through_hash == row["prev_hash"] and previous_id <= (through_id or 0) < row["pk"]
            for through_id, through_hash in gaps
        )
        if not purged:
            return broken(previous_hash, row["prev_hash"], "的前序哈希与上一事件不符（上一事件被删除或改动）")
    expected = event_hash(row, row["prev_hash"])
    if expected != row["hash"]:
        return broken(expected, row["hash"], "的内容与哈希不符（事件被改动）")
    if row.get("anchor_hash", row["hash"]) != row["hash"]:
        return broken(row["anchor_hash"], row["hash"], "与上次校验时的哈希不符（日志被重写）")
    return None
