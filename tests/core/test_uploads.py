"""Uploads are checked by content against their field's allow-list (szmz_security/core/uploads.py):
the rule itself here, and through a screen and the API in each app (incidents, assets)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from szmz_security.core.uploads import check_upload

EVIDENCE = {".pdf", ".png", ".jpg", ".txt", ".log", ".csv", ".json", ".xml", ".eml", ".docx", ".doc", ".pcap"}
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", PDF),
        ("现场.png", PNG),
        ("杀毒日志.log", "2026-03-01 发现木马 Trojan.Win32\n".encode("gb18030")),
        ("arp.csv", b"\xef\xbb\xbfip,mac\n10.0.0.1,aa:bb:cc:dd:ee:01\n"),
        ("data.json", b'{"ip": "10.0.0.1"}'),
        ("config.xml", b'<?xml version="1.0"?><config><rule/></config>'),
        # A web log that quotes an attack is evidence, not a web page (it does not start as one).
        ("access.log", b'10.0.0.9 - - "GET /?q=<script>alert(1)</script> HTTP/1.1" 200\n'),
        ("mail.eml", b"From: a@example.cn\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<html></html>"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
        ("capture.pcap", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + b"\x00" * 16),
    ],
)
def test_files_that_are_what_their_name_says_pass(name, content):
    upload = SimpleUploadedFile(name, content)
    check_upload(upload, EVIDENCE)
    assert upload.read() == content  # left at the start for whoever stores it


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("invoice.pdf", EXE, "实际为 exe 格式"),
        ("photo.png", PDF, "实际为 pdf 格式"),
        ("note.txt", b"<!DOCTYPE html><html><body>hi</body></html>", "网页"),
        ("note.txt", b"  \n<script>alert(1)</script>", "网页"),
        ("pic.txt", b'\xef\xbb\xbf<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "网页"),
        ("image.xml", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "网页"),
        ("log.txt", EXE, "二进制"),
        ("log.log", b"abc\x00\x01def", "二进制"),
        ("data.csv", b"\xff\xfe\xfa\xfb" * 8, "编码"),
        ("report.docx", EXE, "exe"),
        ("old.doc", PDF, "文件头"),
        ("mail.eml", b"<html><body>hi</body></html>", "邮件"),
        ("empty.pdf", b"", "文件为空"),
        ("tool.exe", EXE, "不支持的文件类型“.exe”"),
    ],
)
def test_disguised_files_are_refused_with_a_chinese_reason(name, content, reason):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content), EVIDENCE)
    assert reason in refused.value.messages[0]
