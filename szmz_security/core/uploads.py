"""The one check of an uploaded file's content against its field's allow-list (README "Browser
and input"). A name says nothing: an ``.exe`` renamed ``.pdf`` or a web page saved as ``.txt`` is
refused with a Chinese message the caller puts on its field (form error, API 400).

Binary types must carry their format's signature (the ``filetype`` library, or the few magic
numbers it does not know); text types must decode as text and must not look like a web page, an
SVG or a script, whatever the browser might make of them. Downloads are attachments with
``nosniff`` besides (every FileResponse of an upload uses ``as_attachment=True``).
"""

import contextlib
import re
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

# Suffix → the formats ``filetype`` may report for it.
SIGNATURES = {
    ".pdf": {"pdf"},
    ".png": {"png"},
    ".jpg": {"jpg"},
    ".jpeg": {"jpg"},
    ".gif": {"gif"},
    ".zip": {"zip"},
    ".7z": {"7z"},
    # Office Open XML is a zip; older writers are not told apart from any other zip by filetype.
    ".docx": {"docx", "zip"},
    ".xlsx": {"xlsx", "zip"},
}
# Formats filetype does not know: their magic numbers.
MAGIC = {
    # OLE2 compound documents: Word 97–2003, Excel 97–2003, Outlook .msg.
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".msg": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".pcap": (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"),
    ".pcapng": (b"\x0a\x0d\x0d\x0a",),
}
TEXT = {".txt", ".log", ".csv", ".tsv", ".json", ".xml", ".eml"}
# Encodings a text file from the bureau's PCs comes in (Excel saves CSV as GBK).
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# What a browser would take for a web page: the start of the file, as in the WHATWG MIME sniffing
# rules (a tag among the first bytes), plus SVG and XHTML roots and style sheets for XML. A log that
# quotes an attack payload further down stays acceptable evidence; it is served as a download.
LOOKS_LIKE_PAGE = re.compile(
    rb"^\s*<\s*(!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|svg|"
    rb"!--|object|embed|math)[\s/>]",
    re.IGNORECASE,
)
ACTIVE_XML = re.compile(
    rb"<\s*(svg|html|script)[\s/>:]|<\?xml-stylesheet|www\.w3\.org/(2000/svg|1999/xhtml)", re.IGNORECASE
)
# A mail's body may be HTML; a mail file must still start with headers.
MAIL_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:", re.MULTILINE)
HEAD_BYTES = 8192


def describe(suffixes):
    return "、".join(sorted(suffixes))


def check_upload(uploaded, allowed_suffixes):
    """Raise ValidationError (message in Chinese, naming the file) unless the file's name is on the
    allow-list and its content is what the name says. Leaves the file positioned at its start."""
    name = getattr(uploaded, "name", "") or ""
    suffix = Path(name).suffix.lower()
    if suffix not in allowed_suffixes:
        raise ValidationError(
            f"不支持的文件类型“{suffix or '无扩展名'}”。允许：{describe(allowed_suffixes)}。",
            code="file_type",
        )
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    if not head:
        uploaded.seek(0)
        raise ValidationError("文件为空。", code="empty")
    if suffix in TEXT:
        uploaded.seek(0)
        content = uploaded.read()
        fault = text_fault(suffix, content)
    else:
        fault = binary_fault(suffix, head)
    uploaded.seek(0)
    if fault:
        raise ValidationError(
            f"文件内容与扩展名“{suffix}”不符：{fault}。请上传真实的{suffix}文件。", code="content"
        )


def binary_fault(suffix, head):
    if suffix in MAGIC:
        return None if head.startswith(MAGIC[suffix]) else "文件头不是该格式"
    kind = filetype.guess(head)
    if kind is None:
        return "无法识别为该格式"
    if kind.extension not in SIGNATURES.get(suffix, ()):
        return f"实际为 {kind.extension} 格式"
    return None


def text_fault(suffix, content):
    if b"\x00" in content:
        return "含二进制数据，不是文本文件"
    kind = filetype.guess(content[:HEAD_BYTES])
    if kind is not None:
        return f"实际为 {kind.extension} 格式"
    for encoding in TEXT_ENCODINGS:
        try:
            content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return "不是 UTF-8 或 GB18030 编码的文本"
    if suffix == ".eml":
        return None if MAIL_HEADER.match(content.lstrip()) else "不是邮件格式（缺少邮件头）"
    start = content.removeprefix(b"\xef\xbb\xbf")[:4096]
    if LOOKS_LIKE_PAGE.match(start) or (suffix == ".xml" and ACTIVE_XML.search(start)):
        return "内容是网页、SVG 或脚本"
    return None


@contextlib.contextmanager
def files_removed_on_error():
    """Collects the storage names of files saved inside a transaction; when it fails they are
    deleted again, so a refused submit leaves nothing on disk."""
    stored = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        raise
