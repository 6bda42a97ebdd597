"""The filter's hits as the workflow and the board store them: JSON-storable dicts with their
positions in the original text (``field`` says which), and their highlighting on the pages."""

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import matcher


def hit_dict(hit, field=None):
    data = {
        "word": hit.word,
        "category": hit.category,
        "level": hit.level,
        "start": hit.start,
        "end": hit.end,
    }
    if field:
        data["field"] = field
    return data


def scan(text, field=None):
    """The filter's hits in ``text`` as dicts (JSON-storable, positions in the original text)."""
    return [hit_dict(hit, field) for hit in matcher.check(text or "")]


def scan_publication(publication):
    return scan(publication.title, "title") + scan(publication.body, "body")


def blocking_hits(hits):
    return [hit for hit in hits if hit["level"] == "block"]


def review_hits(hits):
    return [hit for hit in hits if hit["level"] == "review"]


class FilterBlocked(ValidationError):
    """A blocking hit: the text must be changed. ``hits`` says where."""

    def __init__(self, message, hits):
        super().__init__({"body": [message]})
        self.hits = hits


def words_of(hits):
    return "、".join(dict.fromkeys(f"“{hit['word']}”" for hit in hits))


def highlight(text, hits):
    """``text`` escaped, with each hit's span wrapped in ``<mark>`` (overlaps merged), line
    breaks kept."""
    text = text or ""
    spans = sorted(
        (max(0, hit["start"]), min(len(text), hit["end"]), hit["level"], hit.get("category", ""))
        for hit in hits
        if hit["end"] > hit["start"]
    )
    merged = []
    for start, end, level, category in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (
                last[0],
                max(last[1], end),
                "block" if "block" in (last[2], level) else level,
                last[3],
            )
        else:
            merged.append((start, end, level, category))

    def piece(value):
        return escape(value).replace("\n", "<br>")

    parts, position = [], 0
    for start, end, level, category in merged:
        parts.append(piece(text[position:start]))
        parts.append(
            f'<mark class="filter-hit filter-{escape(level)}" data-level="{escape(level)}" '
            f'title="{escape(category)}">{piece(text[start:end])}</mark>'
        )
        position = end
    parts.append(piece(text[position:]))
    return mark_safe("".join(parts))  # nosec B308 B703 # every piece of user text is escaped above


# --- who may do what -----------------------------------------------------------------------------
