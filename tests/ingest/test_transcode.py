"""Transcoding to UTF-8 in parts: the joined parts are the whole text, byte for byte, and
a bad byte is reported on its own line whichever part it falls in."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from ingest import transcode

LINES = [f"{i},福岡県{i % 60}市,ｶﾀｶﾅ・注,{i * 3}\n" for i in range(20_000)]
TEXT = "団体コード,名称,備考,値\n" + "".join(LINES)
PLATFORM_TEXT = TEXT.replace("・注", "①㈱")  # CP932's own characters (not in EUC-JP)


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "utf-8-sig"])
@pytest.mark.parametrize("parts", [1, 2, 5])
def test_parts_join_into_the_whole_text(tmp_path, encoding, parts):
    source, target = tmp_path / "source.csv", tmp_path / "utf8.csv"
    text = TEXT if encoding == "euc_jp" else PLATFORM_TEXT
    source.write_text(text, encoding=encoding)
    transcode.to_utf8(str(source), encoding, str(target), parts=parts)
    assert target.read_bytes() == text.encode("utf-8")  # and no BOM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.csv", "utf8.csv"]


def test_a_file_without_a_final_newline(tmp_path):
    source, target = tmp_path / "source.csv", tmp_path / "utf8.csv"
    source.write_text(TEXT.rstrip("\n"), encoding="cp932")
    transcode.to_utf8(str(source), "cp932", str(target), parts=3)
    assert target.read_text(encoding="utf-8") == TEXT.rstrip("\n")


@pytest.mark.parametrize("bad_lines", [[2], [15_000], [9_000, 17_000]])
def test_the_first_bad_byte_is_reported_by_its_line(tmp_path, bad_lines):
    data = TEXT.encode("cp932").split(b"\n")
    for line in bad_lines:
        data[line - 1] = data[line - 1].replace(b",", b",\x85\x40", 1)  # no CP932 character
    source = tmp_path / "source.csv"
    source.write_bytes(b"\n".join(data))
    with pytest.raises(transcode.BadBytes) as bad:
        transcode.to_utf8(str(source), "cp932", str(tmp_path / "utf8.csv"), parts=4)
    assert bad.value.line == bad_lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.csv", "utf8.csv"]


@pytest.mark.parametrize("encoding", ["utf-16", "iso2022_jp"])
def test_encodings_that_do_not_split_stream_through_one_decoder(tmp_path, encoding):
    source, target = tmp_path / "source.csv", tmp_path / "utf8.csv"
    text = TEXT.replace("ｶﾀｶﾅ", "カタカナ")  # ISO-2022-JP has no half-width katakana
    source.write_text(text, encoding=encoding)
    transcode.to_utf8(str(source), encoding, str(target), parts=4)
    assert target.read_bytes() == text.encode("utf-8")


def _every_cp932_character() -> str:
    """Every character CP932 has, one per line, with the bytes only Python maps (0x80,
    0xA0, 0xFD-FF: glibc's iconv refuses them, so their parts go back to Python)."""
    characters = [text for _data, text in transcode.cp932_characters() if text not in "\r\n"]
    return "".join(f"{i},{c}\n" for i, c in enumerate(characters)) * 20


@pytest.mark.parametrize("iconv_on_path", [True, False])
def test_every_cp932_character_decodes_as_python_does(tmp_path, monkeypatch, iconv_on_path):
    """Through glibc's iconv where Linux has it, through Python without one."""
    if iconv_on_path:
        if sys.platform != "linux":
            pytest.skip("glibc's iconv is what Linux has")
        assert transcode._iconv_command() is not None  # so this tests the iconv path
    else:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        assert transcode._iconv_command() is None
    text = _every_cp932_character()
    source, target = tmp_path / "source.csv", tmp_path / "utf8.csv"
    source.write_bytes(text.encode("cp932"))
    transcode.to_utf8(str(source), "cp932", str(target), parts=3)
    assert target.read_bytes() == text.encode("utf-8")


def test_an_iconv_that_decodes_differently_is_not_used(tmp_path, monkeypatch):
    """An iconv that, say, maps 〜 (0x8160) to U+301C instead of U+FF5E would change the
    data: only one that agrees with Python on every character is used."""
    fake = tmp_path / "bin" / "iconv"
    fake.parent.mkdir()
    real = shutil.which("iconv") or "false"
    fake.write_text(f"#!/bin/sh\n{real} \"$@\" | sed 's/\uff5e/\u301c/g'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert transcode._iconv_command() is None
    source, target = tmp_path / "source.csv", tmp_path / "utf8.csv"
    source.write_bytes("値\n〜\n".encode("cp932") * 1000)
    transcode.to_utf8(str(source), "cp932", str(target), parts=2)
    assert target.read_text(encoding="utf-8") == "値\n～\n" * 1000


@pytest.mark.skipif(not os.path.exists("/proc/self/cmdline"), reason="needs Linux's /proc")
def test_a_part_the_kernel_cannot_send_is_fed_through_python():
    """sendfile refuses some files (here /proc/self/cmdline; on macOS every pipe): the
    feeder then reads and writes the same byte range itself."""
    descriptor = os.open("/proc/self/cmdline", os.O_RDONLY)
    reader, writer = os.pipe()
    try:
        whole = os.pread(descriptor, 1 << 16, 0)
        assert len(whole) > 10
        transcode._feed(descriptor, 3, len(whole) - 2, os.fdopen(writer, "wb"))
        with os.fdopen(reader, "rb") as received:
            assert received.read() == whole[3:-2]
    finally:
        os.close(descriptor)
