"""Zip bundles: a BPMN with its DMN, called processes and forms in one upload, expanded safely.

A zip is untrusted: its entries are read with bounded reads (a header may lie about sizes), the
entry count, each entry's size, the total and the compression ratio are capped, and names that
climb out of the archive (`..`, absolute paths, drive letters) or nested archives are refused.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile

from engine.errors import DeployError, Problem

MAX_ENTRIES = 200
MAX_ENTRY_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed: ordinary XML compresses 5-20 times


def is_archive(name: str) -> bool:
    return name.lower().endswith(".zip")


def expand(files: dict[str, bytes]) -> dict[str, bytes]:
    """The uploads with every zip replaced by its files; DeployError naming the zip when it is unsafe."""
    expanded: dict[str, bytes] = {}
    for name, raw in files.items():
        if is_archive(name) and isinstance(raw, bytes | bytearray | memoryview):
            for inner, content in _entries(name, bytes(raw)).items():
                expanded.setdefault(inner, content)
        else:
            expanded[name] = raw
    return expanded


def _entries(name: str, raw: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [i for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refused(name, f"not a readable zip file ({exc})") from exc
    if len(infos) > MAX_ENTRIES:
        raise _refused(name, f"the zip holds {len(infos)} files; at most {MAX_ENTRIES} are read")
    entries, total = {}, 0
    for info in infos:
        inner = _safe_name(name, info.filename)
        content = _read(name, archive, info)
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise _refused(name, f"the zip expands to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB")
        entries[inner] = content
    return entries


def _ignored(filename: str) -> bool:
    """Folders and files macOS and Windows add to archives."""
    base = posixpath.basename(filename)
    return filename.startswith("__MACOSX/") or base.startswith("._") or base in (".DS_Store", "Thumbs.db")


def _safe_name(name: str, filename: str) -> str:
    path = filename.replace("\\", "/")
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        raise _refused(name, f"the zip entry {filename!r} points outside the archive")
    if is_archive(path):
        raise _refused(name, f"the zip entry {filename!r} is itself a zip: nested archives are not read")
    return posixpath.normpath(path)


def _read(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.flag_bits & 0x1:
        raise _refused(name, f"the zip entry {info.filename!r} is encrypted")
    try:
        with archive.open(info) as entry:
            content = entry.read(MAX_ENTRY_BYTES + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
        raise _refused(name, f"the zip entry {info.filename!r} cannot be read ({exc})") from exc
    if len(content) > MAX_ENTRY_BYTES:
        raise _refused(name, f"the zip entry {info.filename!r} is larger than "
                             f"{MAX_ENTRY_BYTES // (1024 * 1024)} MB")
    if len(content) > MAX_RATIO * max(info.compress_size, 1) and len(content) > 64 * 1024:
        raise _refused(name, f"the zip entry {info.filename!r} expands {len(content) // max(info.compress_size, 1)} "
                             "times: refused as a zip bomb")
    return content


def as_text(name: str, raw: bytes) -> str:
    """An uploaded file as text for the editor: XML in the encoding it declares, declared as UTF-8 from
    then on (the editor sends text back as UTF-8); other files as UTF-8."""
    head = raw[:200].decode("ascii", "replace")
    match = _DECLARED.search(head) if head.lstrip().startswith("<?xml") else None
    encoding = match.group(2) if match else "utf-8"
    try:
        text = raw.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise _refused(name, f"the file is not {encoding} text as it says") from exc
    return _DECLARED.sub(r"\1UTF-8\3", text, count=1) if match else text


_DECLARED = re.compile(r"""(<\?xml[^>]*encoding=["'])([\w.\-]+)(["'])""")


def _refused(name: str, message: str) -> DeployError:
    return DeployError([Problem(message, name)])
