"""Japanese is the default language: every message in code and templates is translated."""

import subprocess
import sys

from babel.messages.pofile import read_po

from catalog import PROJECT_ROOT


def test_every_message_has_a_japanese_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract",
         "-F", "babel.cfg", "-k", "_", "-k", "gettext", "-k", "lazy_gettext",
         "-k", "ngettext:1,2", "-o", str(template),
         *[folder for folder in ("catalog", "access_control", "ingest", "harvesters", "templates")
           if (PROJECT_ROOT / folder).is_dir()]],
        cwd=PROJECT_ROOT, check=True,
    )
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (PROJECT_ROOT / "catalog/translations/ja/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    missing = sorted(str(message) for message in wanted - translated)
    assert missing == [], "add these to catalog/translations/ja/LC_MESSAGES/messages.po"
