"""Plain functions of the pages, no database: JSON Schema forms, relative due times, the catalog."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from werkzeug.datastructures import MultiDict

from engine.config import BPMN_DIR
from web import i18n, schema_form

WEB = Path(__file__).resolve().parents[2] / "web"
CATALOG = WEB / "translations" / "id" / "LC_MESSAGES"
FORMS = {path.stem: json.loads(path.read_text()) for path in (BPMN_DIR / "forms").glob("*.json")}


@pytest.fixture
def request_in(request):
    """A request context of a bare app with the pages' i18n, in the language ``lang``."""
    def enter(lang: str = "id"):
        app = Flask(__name__)
        app.config.update(SECRET_KEY="x", WEB_TIMEZONE="Asia/Jakarta")
        i18n.init_app(app)
        context = app.test_request_context("/")
        context.push()
        request.addfinalizer(context.pop)
        from flask import session
        session["lang"] = lang
    return enter


# --- JSON Schema forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "field", "widget"), [
    ("skrining", "skor_alkohol", "integer"), ("skrining", "zat_utama", "select"),
    ("skrining", "catatan_skrining", "textarea"), ("rencana_intervensi", "komponen_atensi", "checkboxes"),
    ("rencana_intervensi", "catatan_supervisor", "readonly"), ("persetujuan_rencana", "rencana_disetujui", "yesno"),
    ("monitoring_bulanan", "perlu_penyesuaian_rencana", "checkbox"),
    ("kunjungan_rumah", "tanggal_kunjungan_rumah", "date"),
    ("laporan_terminasi", "dirujuk_ke", "text"),
])
def test_each_kind_of_property_gets_its_widget(form, field, widget):
    fields = {f.name: f for f in schema_form.fields_of(FORMS[form], {})}
    assert fields[field].widget == widget


def test_every_atensi_form_renders_with_titles_and_required_marks():
    for name, schema in FORMS.items():
        fields = schema_form.fields_of(schema, {})
        assert [f.name for f in fields] == list(schema["properties"]), name
        assert all(f.title == schema["properties"][f.name].get("title", f.title) for f in fields)
        assert {f.name for f in fields if f.required} == set(schema.get("required", [])), name


def test_the_seven_atensi_components_are_offered_by_their_official_names():
    fields = {f.name: f for f in schema_form.fields_of(FORMS["rencana_intervensi"], {"komponen_atensi": ["terapi"]})}
    components = fields["komponen_atensi"]
    assert len(components.options) == 7
    assert ("pelatihan_vokasional", "Pelatihan vokasional dan pembinaan kewirausahaan") in components.options
    assert components.selected == {"terapi"}


def test_posted_values_are_typed_and_blanks_left_out():
    form = MultiDict([("skor_ganja", "12"), ("zat_utama", ""), ("catatan_skrining", "  ada  ")])
    assert schema_form.parse(FORMS["skrining"], form) == {"skor_ganja": 12, "catatan_skrining": "ada"}
    plan = MultiDict([("komponen_atensi", "terapi"), ("komponen_atensi", "bantuan_sosial"),
                      ("catatan_supervisor", "forged")])
    assert schema_form.parse(FORMS["rencana_intervensi"], plan)["komponen_atensi"] == ["terapi", "bantuan_sosial"]
    assert "catatan_supervisor" not in schema_form.parse(FORMS["rencana_intervensi"], plan)  # read-only
    assert schema_form.parse(FORMS["persetujuan_rencana"], MultiDict([("rencana_disetujui", "false")])) == {
        "rencana_disetujui": False}
    assert schema_form.parse(FORMS["monitoring_bulanan"], MultiDict())["perlu_penyesuaian_rencana"] is False
    assert schema_form.parse(FORMS["skrining"], MultiDict([("skor_ganja", "dua")]))["skor_ganja"] == "dua"
    # a number too large to store stays text too, so that the form says it is not a number (not a 500)
    huge = "9" * 30
    assert schema_form.parse(FORMS["skrining"], MultiDict([("skor_ganja", huge)]))["skor_ganja"] == huge
    assert schema_form.errors_of(FORMS["skrining"], {"skor_ganja": huge})["skor_ganja"]


def test_validation_errors_are_per_field_in_the_readers_language(request_in):
    request_in("id")
    errors = schema_form.errors_of(FORMS["skrining"], {"skor_ganja": 40})
    assert errors == {"skor_ganja": ["Isi 39 atau kurang."], "zat_utama": ["Wajib diisi."]}
    assert schema_form.errors_of(FORMS["skrining"], {"skor_ganja": "dua", "zat_utama": "x"}) == {
        "skor_ganja": ["Isi dengan bilangan bulat."], "zat_utama": ["Pilih salah satu pilihan."]}
    # the main substance's score is required: a blank one is 0 (not used)
    assert schema_form.errors_of(FORMS["skrining"], {"zat_utama": "alkohol"}) == {"skor_alkohol": ["Isi 1 atau lebih."]}
    assert schema_form.errors_of(FORMS["rencana_intervensi"], {"komponen_atensi": [], "tujuan": "a",
                                                               "rencana_kegiatan": "b"}) == {
        "komponen_atensi": ["Pilih minimal 1."]}
    assert schema_form.errors_of(FORMS["kunjungan_rumah"], {"tanggal_kunjungan_rumah": "besok",
                                                            "hasil_kunjungan_rumah": "x"}) == {
        "tanggal_kunjungan_rumah": ["Isi tanggal yang benar (tahun-bulan-tanggal)."]}


def test_engine_messages_fill_in_for_fields_we_did_not_explain():
    merged = schema_form.merge_errors({"a": ["ours"]}, {"a": ["engine"], "b.0": ["engine b"], "zz": ["?"]}, {"a", "b"})
    assert merged == {"a": ["ours"], "b": ["engine b"], "data": ["?"]}


# --- relative due times --------------------------------------------------------------------------


NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta


@pytest.mark.parametrize(("due", "indonesian", "english"), [
    (NOW - timedelta(days=3, hours=5), "terlambat 3 hari", "overdue by 3 days"),
    (NOW - timedelta(days=1), "terlambat 1 hari", "overdue by 1 day"),
    (NOW - timedelta(hours=5), "terlambat 5 jam", "overdue by 5 hours"),
    (NOW - timedelta(seconds=20), "terlambat 1 menit", "overdue by 1 minute"),
    (NOW + timedelta(hours=10), "jatuh tempo hari ini", "due today"),  # 19:00 WIB the same day
    (NOW + timedelta(hours=16), "jatuh tempo besok", "due tomorrow"),  # 01:00 WIB the next day
    (NOW + timedelta(days=5), "jatuh tempo dalam 5 hari", "due in 5 days"),
])
def test_due_times_read_relative_in_jakarta(request_in, due, indonesian, english):
    request_in("id")
    assert i18n.due_text(due, NOW) == indonesian
    request_in("en")
    assert i18n.due_text(due, NOW) == english


def test_times_are_shown_in_jakarta(request_in):
    request_in("id")
    assert i18n.local_datetime(NOW) == "5 Jan 2026 09.00"


def test_stored_values_read_as_labels(request_in):
    request_in("id")
    assert i18n.label(i18n.STAGES, "rencana_intervensi") == "Rencana intervensi"
    assert i18n.label(i18n.STAGES, "tahap_baru_editor") == "Tahap baru editor"  # a stage a redesign added
    request_in("en")
    assert i18n.label(i18n.RISKS, "tinggi") == "High"


# --- the catalog ---------------------------------------------------------------------------------


def _source_messages() -> set:
    method_map, options_map = [], {}
    for line in (WEB / "translations" / "babel.cfg").read_text().splitlines():
        if line.startswith("["):
            method, pattern = line.strip("[]").split(":", 1)
            method_map.append((pattern.strip().removeprefix("web/"), method.strip()))
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    return {message[2] for message in extract_from_dir(str(WEB), method_map, options_map, keywords=keywords)}


def test_every_label_of_the_pages_is_translated_to_indonesian():
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
                  and not m.fuzzy}
    missing = sorted(str(m) for m in _source_messages() - translated)
    assert not missing, f"untranslated: {missing} (see web/translations/README.md)"


def test_each_message_is_in_the_catalog_once():
    # read_po keeps one of two entries silently and msgfmt refuses the file: count them in the text.
    entries = [_joined(entry) for entry in (CATALOG / "messages.po").read_text().split("\n\n")]
    counts = Counter(entry for entry in entries if entry[1])
    assert not [msgid for (_, msgid), count in counts.items() if count > 1]


def _joined(entry: str) -> tuple:
    """(msgctxt, msgid) of one .po entry, its quoted lines joined."""
    def value(keyword):
        found = re.search(rf'^{keyword} ((?:".*"\n?)+)', entry, re.M)
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1))) if found else None
    return value("msgctxt"), value("msgid")


def test_the_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    assert _entries(source) == _entries(compiled)


def _entries(catalog) -> dict:
    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value
    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def test_the_page_templates_are_all_listed_for_extraction():
    listed = (WEB / "translations" / "babel.cfg").read_text()
    for template in (WEB / "templates").glob("*.html"):
        if not template.name.startswith("editor"):
            assert f"web/templates/{template.name}" in listed
