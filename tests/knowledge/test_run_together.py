"""Run-together list items and sentences: found in copied web text, not in normal writing."""

from __future__ import annotations

import pytest

from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.run_together import excerpt, joints, run_together_warning


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("Keluar akunClear cache di browserUninstall", ["akun|Clear", "browser|Uninstall"]),
        ("tidak bisa digunakan lagi.Lalu anda bisa", ["lagi.|Lalu"]),
        ("silakan lakukan:Keluar akun", ["lakukan:|Keluar"]),
        ("dari instansi berwenang (RPTKA).Bagi Orang Asing", ["(RPTKA).|Bagi"]),
        ("surat permohonan Visa; danPaspor yang sah", ["dan|Paspor"]),
        ("Bawa KTP.Untuk anak, bawa akta", ["KTP.|Untuk"]),
    ],
)
def test_joints_in_copied_web_text_are_found(text, joined) -> None:
    found = joints(text)
    assert len(found) == len(joined)
    for at, pair in zip(found, joined, strict=True):
        before, after = pair.split("|")
        assert text[:at].endswith(before) and text[at:].startswith(after)


@pytest.mark.parametrize(
    "text",
    [
        "Daftar lewat aplikasi M-Paspor di iPhone atau Android, lalu siapkan e-KTP.",
        "Pemegang ITAS dan ITAP, KITAS, eKTP dan WNI/WNA. Hubungi kami lewat WhatsApp.",
        "Lihat https://www.imigrasi.go.id/faq/PasporBaru atau www.imigrasi.go.id/Layanan.",
        "Kirim e-mail ke humas@imigrasi.go.id atau Pengaduan.Imigrasi@kemenkumham.go.id.",
        "Kantor di Jl.Sudirman No.5, buka 08.00-16.00 WIB. Catatan: bawa berkas asli.",
        "Unduh file.PDF dan tonton di YouTube. Paspor 10 tahun: Rp650.000.",
        "Pilih *lupa kata sandi*.\nIkuti tautannya.\n\nLalu masuk kembali.",
    ],
)
def test_normal_text_raises_no_false_alarm(text) -> None:
    assert joints(text) == []
    assert run_together_warning("answer", text) is None


def test_the_demo_faq_is_written_cleanly() -> None:
    texts = [text for _k, _c, question, answer, ex in DEMO_FAQ for text in (question, answer, *ex)]
    assert [text for text in texts if joints(text)] == []


def test_the_warning_quotes_short_distinct_excerpts() -> None:
    text = "Langkahnya:Keluar akunClear cache pada browser. " + "Isi formulir. " * 8 + "Bayar.Lalu"
    warning = run_together_warning("answer", text)
    assert warning == (
        "answer seems to run list items or sentences together in 3 places, e.g. "
        '"Langkahnya:Keluar akunClear…", "…Isi formulir. Bayar.Lalu"; add line breaks or spaces'
    )


def test_an_excerpt_is_cut_between_words() -> None:
    text = "Sebelum menutup akun, pastikan anda memahami bahwa akun anda tidak bisa lagi.Lalu anda"
    assert excerpt(text, text.index("Lalu")) == "…tidak bisa lagi.Lalu anda"
