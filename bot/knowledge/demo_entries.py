"""The shipped demo FAQ (sample wording and figures; staff replace them with their own).

Each entry: key, category, main question, answer, extra example questions. Schedules, fees,
requirements, hours and addresses come from the schedule database and are not repeated here.
"""

from __future__ import annotations

MPASPOR = "https://play.google.com/store/apps/details?id=id.go.imigrasi.paspor_online"
LAPOR = "https://www.lapor.go.id"

DEMO_FAQ: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (
        "bayar-batas-waktu",
        "pembayaran",
        "Berapa lama batas waktu membayar kode billing paspor?",
        "Kode billing wajib dibayar dalam *2 jam* sejak terbit, Kak. Lewat dari itu, antrean di "
        "M-Paspor otomatis batal dan Kakak perlu mendaftar ulang.",
        ("kode billing berlaku berapa jam", "telat bayar billing antrean batal?"),
    ),
    (
        "bayar-cara",
        "pembayaran",
        "Pembayaran paspor bisa lewat mana saja?",
        "Biaya paspor dibayar *hanya lewat kode billing* resmi dari M-Paspor, melalui bank, kantor "
        "pos, atau e-commerce/dompet digital yang bekerja sama. *Tidak ada pembayaran tunai* di "
        "kantor imigrasi ya, Kak.",
        ("bisa bayar paspor lewat indomaret atau tokopedia", "bayar paspor pakai m-banking bisa"),
    ),
    (
        "datang-lebih-awal",
        "kedatangan",
        "Jam berapa saya harus datang ke kantor sesuai jadwal antrean?",
        "Datanglah paling lambat *30 menit* sebelum jam jadwal yang Kakak pilih di M-Paspor, "
        "dengan "
        "membawa semua dokumen *asli*.",
        ("harus datang berapa menit sebelum jadwal", "boleh datang telat dari jadwal antrean"),
    ),
    (
        "tahap-di-kantor",
        "kedatangan",
        "Apa saja yang dilakukan saat datang ke kantor imigrasi?",
        "Di kantor, Kakak akan menjalani pemeriksaan berkas, *foto*, *perekaman sidik jari*, dan "
        "*wawancara* singkat. Siapkan dokumen asli dan pakai pakaian rapi berkerah ya.",
        ("proses di kantor imigrasi ngapain aja", "wawancara paspor ditanya apa"),
    ),
    (
        "lama-jadi",
        "penyelesaian",
        "Berapa hari paspor selesai setelah wawancara?",
        "Paspor selesai *4 hari kerja* setelah wawancara, Kak. Dengan *layanan percepatan*, paspor "
        "bisa selesai di hari yang sama.",
        ("paspor jadi berapa hari kerja", "kapan paspor bisa diambil setelah foto"),
    ),
    (
        "ambil-diwakilkan",
        "pengambilan",
        "Apakah pengambilan paspor boleh diwakilkan?",
        "Boleh, Kak. Yang mewakili membawa *bukti pembayaran*, *surat kuasa* bertanda tangan "
        "pemohon, dan *fotokopi e-KTP pemohon*, serta identitas dirinya sendiri.",
        ("ambil paspor pakai surat kuasa", "paspor saya bisa diambilkan keluarga"),
    ),
    (
        "ambil-bawa-apa",
        "pengambilan",
        "Apa yang harus dibawa saat mengambil paspor?",
        "Bawa *bukti pembayaran* (billing yang sudah lunas) dan identitas Kakak. Kalau diwakilkan, "
        "tambahkan surat kuasa dan fotokopi e-KTP pemohon.",
        ("syarat ambil paspor yang sudah jadi",),
    ),
    (
        "reschedule",
        "antrean",
        "Bagaimana cara mengubah jadwal antrean di M-Paspor?",
        "Jadwal bisa diubah (*reschedule*) sendiri di aplikasi M-Paspor paling lambat *H-1* "
        "sebelum jadwal. Buka menu permohonan Kakak, lalu pilih ubah jadwal.",
        ("ganti tanggal antrean m-paspor", "reschedule jadwal wawancara paspor"),
    ),
    (
        "prioritas",
        "antrean",
        "Siapa saja yang bisa dilayani lewat jalur prioritas tanpa antrean M-Paspor?",
        "Lansia *60 tahun ke atas*, penyandang disabilitas, ibu hamil, dan anak di bawah *5 tahun* "
        "bisa dilayani di *jalur prioritas* tanpa antrean M-Paspor, dengan kuota harian terbatas. "
        "Datang pagi di jam layanan ya, Kak.",
        ("lansia bisa langsung datang tanpa daftar online", "ibu hamil ada layanan prioritas"),
    ),
    (
        "mpaspor-daftar",
        "antrean",
        "Bagaimana cara mendaftar antrean paspor di M-Paspor?",
        f"Unduh aplikasi *M-Paspor* ({MPASPOR}), buat akun, pilih jenis permohonan, kantor, "
        "tanggal "
        "dan jam, lalu isi data dan unggah dokumen. Setelah itu kode billing terbit dan wajib "
        "dibayar dalam 2 jam.",
        ("cara daftar online paspor", "download aplikasi m paspor dimana"),
    ),
    (
        "kuota-cepat-habis",
        "antrean",
        "Kenapa kuota M-Paspor selalu cepat habis?",
        "Kuota memang terbatas dan cepat habis, Kak. Pantau jadwal pembukaan kuota yang kami "
        "umumkan di media sosial resmi kantor, siapkan akun dan data sebelum jamnya, dan *jangan "
        "percaya calo* yang menjanjikan kuota.",
        ("kuota paspor selalu penuh gimana dapatnya", "tips dapat kuota m-paspor"),
    ),
    (
        "percepatan",
        "layanan",
        "Apa itu layanan percepatan paspor?",
        "Layanan percepatan membuat paspor *selesai di hari yang sama* dengan wawancara. Biayanya "
        'tambahan di luar biaya paspor; ketik "biaya percepatan" untuk angkanya. Pilih layanan '
        "ini saat mendaftar di M-Paspor.",
        ("paspor bisa jadi sehari", "paspor kilat satu hari jadi"),
    ),
    (
        "epaspor-beda",
        "layanan",
        "Apa bedanya e-paspor dan paspor biasa?",
        "*E-paspor* punya chip berisi data pemegang sehingga lebih aman dan di beberapa negara "
        "mempermudah pemeriksaan (misalnya autogate). *Paspor biasa* tanpa chip. Keduanya 48 "
        "halaman dan tersedia masa berlaku 5 atau 10 tahun.",
        ("e-paspor lebih bagus dari paspor biasa?", "paspor elektronik keunggulannya apa"),
    ),
    (
        "masa-berlaku-anak",
        "layanan",
        "Apakah anak bisa mendapat paspor masa berlaku 10 tahun?",
        "Belum bisa, Kak. Paspor 10 tahun hanya untuk pemohon berusia *17 tahun ke atas*. Anak di "
        "bawah 17 tahun mendapat paspor masa berlaku *5 tahun*.",
        ("paspor anak berlaku berapa tahun", "umur 15 tahun bisa paspor 10 tahun"),
    ),
    (
        "bencana-alam",
        "denda",
        "Apakah tetap kena denda kalau paspor hilang atau rusak karena bencana alam?",
        "Tidak, Kak. Denda paspor hilang/rusak *tidak dikenakan* bila penyebabnya *bencana alam* "
        "(banjir, kebakaran, gempa, dan sejenisnya), dengan *surat keterangan dari instansi "
        "berwenang*. Biaya paspor barunya tetap dibayar.",
        ("paspor rusak kena banjir didenda?", "paspor hilang waktu kebakaran rumah dendanya"),
    ),
    (
        "hilang-bap",
        "paspor hilang",
        "Apa itu pemeriksaan BAP untuk paspor hilang?",
        "Untuk paspor hilang, petugas akan melakukan *pemeriksaan (BAP)* tentang kronologi "
        "kehilangan sebelum paspor pengganti diterbitkan. Bawa surat keterangan hilang dari "
        "kepolisian dan dokumen asli ya, Kak.",
        ("paspor hilang nanti diperiksa dulu?", "apa itu bap paspor hilang"),
    ),
    (
        "mpp-hilang-rusak",
        "kantor",
        "Apakah paspor hilang atau rusak bisa diurus di MPP?",
        "Belum bisa, Kak. Unit Layanan Paspor di *MPP Pontianak* khusus permohonan paspor baru, "
        "penggantian, dan anak. Paspor hilang/rusak diurus di *Kantor Imigrasi Pontianak* atau "
        "*Kantor Imigrasi Singkawang*.",
        ("urus paspor rusak di mal pelayanan publik bisa?",),
    ),
    (
        "data-berbeda",
        "persyaratan",
        "Bagaimana kalau data di KTP, KK dan akta kelahiran berbeda?",
        "Bila ada data yang berbeda antardokumen (nama, tanggal lahir, nama orang tua), petugas "
        "dapat meminta *dokumen tambahan*. Tanyakan langsung ke petugas kami, jangan ke calo ya, "
        "Kak.",
        ("nama di ktp dan akta beda", "tanggal lahir di ijazah beda dengan ktp"),
    ),
    (
        "pungli-lapor",
        "pengaduan",
        "Ke mana melaporkan pungli atau calo di kantor imigrasi?",
        "Semua biaya resmi hanya lewat kode billing. Kalau ada yang meminta uang tambahan atau "
        f'menawarkan jasa calo, *jangan dilayani* dan laporkan lewat chat ini (ketik "pengaduan") '
        f"atau SP4N-LAPOR! ({LAPOR}). Identitas pelapor kami jaga.",
        ("mau lapor oknum minta uang", "ada calo di depan kantor lapor kemana"),
    ),
    (
        "pengaduan-waktu",
        "pengaduan",
        "Berapa lama pengaduan saya ditanggapi?",
        "Tanggapan pertama paling lambat *3 hari kerja*. Pengaduan dan permintaan informasi "
        "diselesaikan paling lama *5 hari kerja*, dan hingga *14 hari kerja* bila perlu "
        "pemeriksaan lapangan.",
        ("pengaduan diproses berapa hari", "kapan komplain saya dibalas"),
    ),
    (
        "pengaduan-status",
        "pengaduan",
        "Bagaimana cara mengecek status pengaduan saya?",
        "Setiap pengaduan mendapat *nomor referensi*. Kirimkan nomor tersebut lewat chat ini dan "
        "petugas kami akan menyampaikan statusnya.",
        ("cek nomor tiket pengaduan", "status laporan saya sampai mana"),
    ),
    (
        "luar-ktp-kk",
        "instansi lain",
        "Di mana mengurus KTP, KK atau akta kelahiran?",
        "KTP, Kartu Keluarga (KK), dan akta kelahiran diurus di *Dinas Kependudukan dan "
        "Pencatatan Sipil (Dukcapil)* kota/kabupaten Kakak, bukan di kantor imigrasi.",
        ("bikin akta kelahiran di imigrasi bisa?",),
    ),
    (
        "luar-sim",
        "instansi lain",
        "Apakah kantor imigrasi melayani pembuatan SIM?",
        "Tidak, Kak. SIM dilayani oleh *Polri* melalui *Satpas* di Polres/Polresta setempat.",
        ("perpanjang sim di imigrasi",),
    ),
    (
        "luar-visa",
        "instansi lain",
        "Apakah kantor imigrasi bisa membuatkan visa ke luar negeri?",
        "Visa untuk WNI yang bepergian ke luar negeri diterbitkan oleh *kedutaan besar atau "
        "konsulat negara tujuan*. Kami melayani pembuatan paspornya.",
        ("urus visa jepang di kanim",),
    ),
    (
        "libur-cuti-bersama",
        "jam layanan",
        "Apakah kantor imigrasi buka saat cuti bersama?",
        'Kantor *tutup* pada hari libur nasional dan *cuti bersama*, Kak. Ketik "jam buka" '
        "dengan tanggalnya untuk cek hari tertentu.",
        ("libur lebaran kantor imigrasi buka?",),
    ),
    (
        "zona-waktu",
        "jam layanan",
        "Jadwal di kantor imigrasi memakai zona waktu apa?",
        "Semua jam layanan dan jadwal kuota kami dalam *WIB* (UTC+7).",
        ("jam kuota itu wib atau wita",),
    ),
    (
        "dokumen-asli",
        "persyaratan",
        "Apakah dokumen persyaratan harus asli?",
        "Ya, Kak. Bawa semua dokumen *asli* saat datang ke kantor; fotokopi saja tidak cukup.",
        ("cukup bawa fotokopi ktp dan kk?",),
    ),
    (
        "anak-didampingi",
        "persyaratan",
        "Apakah anak harus datang sendiri saat membuat paspor?",
        "Anak wajib *datang langsung* untuk foto dan sidik jari, *didampingi orang tua*. Bawa "
        "dokumen asli anak dan kedua orang tua.",
        ("bikin paspor bayi harus dibawa ke kantor?", "anak dibawa pas wawancara paspor?"),
    ),
]
