/* Labels of the editor page in Bahasa Indonesia (default) and English.
 * Elements carry data-i18n="key"; EditorI18n.apply() fills their text in the chosen language.
 * The choice comes from ?lang=, else from localStorage, else Indonesian. */
(function () {
  'use strict';

  var TEXT = {
    'title': ['Editor proses', 'Process editor'],
    'logout': ['Keluar', 'Log out'],
    'login.title': ['Masuk untuk mengubah proses', 'Log in to change the process'],
    'login.username': ['Nama pengguna', 'Username'],
    'login.password': ['Kata sandi', 'Password'],
    'login.submit': ['Masuk', 'Log in'],
    'login.failed': ['Nama pengguna atau kata sandi salah.', 'Wrong username or password.'],
    'login.web': ['Masuk lewat halaman utama ATENSI', 'Sign in on the ATENSI pages'],
    'login.role': ['Editor ini untuk supervisor dan admin.', 'This editor is for supervisors and admins.'],
    'index.title': ['Proses yang terpasang', 'Deployed processes'],
    'index.new': ['Diagram baru dari templat', 'New diagram from the template'],
    'index.none': ['Belum ada proses yang terpasang.', 'No process is deployed yet.'],
    'index.versions': ['{n} versi, terbaru v{v}', '{n} versions, newest v{v}'],
    'validate': ['Validasi', 'Validate'],
    'deploy': ['Pasang…', 'Deploy…'],
    'import': ['Impor berkas…', 'Import file…'],
    'download': ['Unduh XML', 'Download XML'],
    'cancel': ['Batal', 'Cancel'],
    'readonly.text': ['Versi lama: hanya baca.', 'Older version: read-only.'],
    'readonly.short': ['hanya baca', 'read-only'],
    'readonly.role': ['Hanya supervisor dan admin yang dapat mengubah dan memasang proses. Anda melihat diagram ini (hanya baca).',
                      'Only supervisors and admins may change and deploy a process. You are viewing this diagram (read-only).'],
    'nav.inbox': ['Tugas Saya', 'My tasks'],
    'nav.dashboard': ['Dasbor', 'Dashboard'],
    'readonly.latest': ['Buka versi terbaru', 'Open the newest version'],
    'tab.problems': ['Masalah', 'Problems'],
    'tab.history': ['Riwayat versi', 'Version history'],
    'tab.diff': ['Perbedaan', 'Differences'],
    'tab.forms': ['Formulir', 'Forms'],
    'tab.tables': ['Tabel keputusan', 'Decision tables'],
    'tab.scenarios': ['Skenario', 'Scenarios'],
    'tab.migration': ['Migrasi kasus', 'Case migration'],
    'problems.none': ['Belum divalidasi.', 'Not validated yet.'],
    'problems.ok': ['Tidak ada masalah: diagram siap dipasang.', 'No problems: the diagram is ready to deploy.'],
    'problems.count': ['{n} masalah, {w} peringatan.', '{n} problems, {w} warnings.'],
    'problems.warning': ['peringatan', 'warning'],
    'problems.unplaced': ['(bukan elemen diagram)', '(not a diagram element)'],
    'lanes.title': ['Petakan lajur ke peran', 'Map lanes to roles'],
    'lanes.help': ['Lajur ini tidak bernama peran ATENSI. Pilih peran untuk setiap lajur; pilihan disimpan di diagram.',
                   'These lanes are not named after an ATENSI role. Choose a role for each; the choice is kept in the diagram.'],
    'lanes.choose': ['— pilih peran —', '— choose a role —'],
    'lanes.apply': ['Terapkan peran', 'Apply roles'],
    'lanes.applied': ['{n} lajur dipetakan ke peran.', '{n} lanes mapped to roles.'],
    'role.pekerja_sosial': ['Pekerja Sosial', 'Social worker'],
    'role.konselor_adiksi': ['Konselor Adiksi', 'Addiction counsellor'],
    'role.supervisor': ['Supervisor', 'Supervisor'],
    'role.admin': ['Admin', 'Admin'],
    'history.version': ['Versi', 'Version'],
    'history.by': ['Oleh', 'By'],
    'history.at': ['Waktu', 'When'],
    'history.note': ['Catatan', 'Note'],
    'history.running': ['Kasus berjalan', 'Running cases'],
    'history.open': ['Buka', 'Open'],
    'history.current': ['(dibuka)', '(open)'],
    'diff.from': ['Dari versi', 'From version'],
    'diff.to': ['ke versi', 'to version'],
    'diff.compare': ['Bandingkan', 'Compare'],
    'diff.draft': ['Perubahan draf', 'Draft changes'],
    'diff.added': ['ditambah', 'added'],
    'diff.changed': ['diubah', 'changed'],
    'diff.removed': ['dihapus', 'removed'],
    'diff.none': ['Tidak ada perbedaan.', 'No differences.'],
    'diff.empty': ['(kosong)', '(empty)'],
    'diff.single': ['Baru ada satu versi: pakai "Perubahan draf" untuk melihat perubahan yang belum dipasang.',
                    'There is one version only: use "Draft changes" to see what is not deployed yet.'],
    'diff.same': ['Pilih dua versi yang berbeda.', 'Choose two different versions.'],
    'field.type': ['Jenis', 'Kind'], 'field.name': ['Nama', 'Name'], 'field.source': ['Dari', 'From'],
    'field.target': ['Ke', 'To'], 'field.lane': ['Lajur', 'Lane'], 'field.role': ['Peran', 'Role'],
    'field.due': ['Tenggat', 'Due in'], 'field.timer': ['Pewaktu', 'Timer'], 'field.condition': ['Kondisi', 'Condition'],
    'field.form': ['Formulir', 'Form'], 'field.decision': ['Keputusan DMN', 'DMN decision'],
    'field.stage': ['Tahap', 'Stage'], 'field.assignee': ['Petugas', 'Assignee'],
    'field.form_schema': ['Isi formulir', 'Form contents'],
    'type.userTask': ['tugas pengguna', 'user task'], 'type.manualTask': ['tugas manual', 'manual task'],
    'type.scriptTask': ['tugas skrip', 'script task'], 'type.businessRuleTask': ['tugas aturan bisnis', 'business rule task'],
    'type.task': ['tugas', 'task'], 'type.subProcess': ['subproses', 'sub-process'],
    'type.callActivity': ['panggilan proses', 'call activity'],
    'type.startEvent': ['awal', 'start event'], 'type.endEvent': ['akhir', 'end event'],
    'type.boundaryEvent': ['peristiwa batas', 'boundary event'],
    'type.intermediateCatchEvent': ['peristiwa tunggu', 'intermediate catch event'],
    'type.intermediateThrowEvent': ['peristiwa kirim', 'intermediate throw event'],
    'type.exclusiveGateway': ['gateway pilihan', 'exclusive gateway'],
    'type.parallelGateway': ['gateway paralel', 'parallel gateway'],
    'type.inclusiveGateway': ['gateway inklusif', 'inclusive gateway'],
    'type.eventBasedGateway': ['gateway peristiwa', 'event-based gateway'],
    'type.sequenceFlow': ['alur', 'sequence flow'],
    'diff.files': ['Berkas diubah: {names}', 'Files changed: {names}'],
    'diff.shown': ['Disorot pada diagram versi {v}.', 'Highlighted on the diagram of version {v}.'],
    'forms.file': ['Berkas formulir', 'Form file'],
    'forms.new': ['Formulir baru…', 'New form…'],
    'forms.apply': ['Simpan ke draf', 'Save to draft'],
    'forms.preview': ['Pratinjau', 'Preview'],
    'forms.saved': ['Formulir {name} disimpan ke draf; ikut dipasang bersama versi berikutnya.',
                    'Form {name} saved to the draft; it goes with the next deploy.'],
    'forms.badjson': ['JSON tidak valid: {msg}', 'Invalid JSON: {msg}'],
    'forms.newname': ['Nama berkas formulir baru (mis. verifikasi.json):', 'New form file name (e.g. verifikasi.json):'],
    'forms.none': ['(tidak ada)', '(none)'],
    'tables.help': ['Ubah hasil tabel keputusan di sini, mis. lama program "4 bulan" atau siklus "setiap 1 bulan, 4 kali"; perubahan ikut dipasang sebagai versi baru berikutnya.',
                    'Change a decision table\'s results here, e.g. a programme length "4 months" or a cycle "every 1 month, 4 times"; changes go with the next deploy as a new version.'],
    'tables.none': ['Versi ini tidak punya tabel keputusan.', 'This version has no decision table.'],
    'tables.note': ['Keterangan', 'Note'],
    'tables.bad': ['"{value}" tidak terbaca; tulis mis. "3 bulan" atau "setiap 1 bulan, 3 kali".',
                   '"{value}" cannot be read; write e.g. "3 months" or "every 1 month, 3 times".'],
    'tables.saved': ['Tabel keputusan {name} disimpan ke draf; ikut dipasang bersama versi berikutnya.',
                     'Decision table {name} saved to the draft; it goes with the next deploy.'],
    'scenarios.run': ['Jalankan skenario', 'Run scenarios'],
    'scenarios.help': ['Skenario dijalankan dengan waktu simulasi sebelum setiap pemasangan.',
                       'Scenarios run with simulated time before every deploy.'],
    'scenarios.running': ['Menjalankan skenario…', 'Running scenarios…'],
    'scenarios.passed': ['{p} dari {n} skenario lulus ({ms} ms).', '{p} of {n} scenarios passed ({ms} ms).'],
    'scenarios.none': ['Proses ini tidak membawa skenario.', 'This process carries no scenarios.'],
    'scenarios.step': ['langkah {step}: {msg}', 'step {step}: {msg}'],
    'scenarios.days': ['{d} hari simulasi, {ms} ms', '{d} simulated days, {ms} ms'],
    'deploy.title': ['Pasang versi baru', 'Deploy a new version'],
    'deploy.note': ['Catatan: apa yang berubah dan mengapa', 'Note: what changed and why'],
    'deploy.confirm': ['Jalankan skenario lalu pasang', 'Run scenarios, then deploy'],
    'deploy.override': ['Tetap pasang walaupun skenario gagal (dicatat di riwayat)',
                        'Deploy even though scenarios fail (recorded in the history)'],
    'deploy.failed': ['Skenario gagal: tidak ada yang dipasang.', 'Scenarios failed: nothing was deployed.'],
    'deploy.invalid': ['Diagram tidak valid: tidak ada yang dipasang. Lihat tab Masalah.',
                       'The diagram is not valid: nothing was deployed. See the Problems tab.'],
    'deploy.done': ['Versi {v} dipasang. Kasus baru memakai versi ini.', 'Version {v} deployed. New cases use it.'],
    'deploy.same': ['Isi sama dengan versi {v}: tidak ada versi baru.', 'Same content as version {v}: no new version.'],
    'new.title': ['Diagram baru', 'New diagram'],
    'new.key': ['Kunci proses (huruf kecil, angka, _)', 'Process key (lower case, digits, _)'],
    'new.name': ['Nama proses', 'Process name'],
    'new.create': ['Buat', 'Create'],
    'migration.from': ['Kasus pada versi', 'Cases on version'],
    'migration.to': ['pindah ke versi', 'move to version'],
    'migration.all': ['(semua versi lain)', '(every other version)'],
    'migration.dry': ['Uji coba', 'Dry run'],
    'migration.apply': ['Migrasikan', 'Migrate'],
    'migration.undo': ['Batalkan migrasi', 'Undo migration'],
    'migration.case': ['Kasus', 'Case'],
    'migration.pm': ['PM', 'PM'],
    'migration.tasks': ['Tugas terbuka', 'Open tasks'],
    'migration.status': ['Status', 'Status'],
    'migration.reason': ['Alasan', 'Reason'],
    'migration.summary': ['{title}: {counts}', '{title}: {counts}'],
    'migration.none': ['Tidak ada kasus berjalan yang bisa dipindah.', 'No running case to move.'],
    'status.movable': ['bisa pindah', 'can move'],
    'status.blocked': ['tidak bisa pindah', 'cannot move'],
    'status.migrated': ['dipindah', 'moved'],
    'status.failed': ['gagal', 'failed'],
    'status.undone': ['dikembalikan', 'moved back'],
    'loading': ['Memuat…', 'Loading…'],
    'loaded': ['Versi {v} dimuat.', 'Version {v} loaded.'],
    'imported': ['Berkas {name} diimpor ({w} peringatan impor). Validasi untuk memeriksanya.',
                 'File {name} imported ({w} import warnings). Validate to check it.'],
    'import.failed': ['Gagal membuka berkas: {msg}', 'Could not open the file: {msg}'],
    'import.nobpmn': ['Tidak ada berkas BPMN di antara berkas yang diimpor.', 'No BPMN file among the imported files.'],
    'import.companions': ['{n} berkas lain (DMN, proses yang dipanggil, formulir) masuk ke draf.',
                          '{n} more files (DMN, called processes, forms) joined the draft.'],
    'validating': ['Memvalidasi…', 'Validating…'],
    'error': ['Galat: {msg}', 'Error: {msg}'],
    'dirty': ['draf belum dipasang', 'draft not deployed']
  };

  function chosenLanguage() {
    var fromUrl = new URLSearchParams(location.search).get('lang');
    var stored = null;
    try { stored = localStorage.getItem('atensi.lang'); } catch (e) { /* private mode */ }
    var lang = fromUrl || document.body.getAttribute('data-lang') || stored || 'id';
    return lang === 'en' ? 'en' : 'id';
  }

  var lang = chosenLanguage();

  function t(key, vars) {
    var entry = TEXT[key];
    var text = entry ? entry[lang === 'en' ? 1 : 0] : key;
    Object.keys(vars || {}).forEach(function (name) {
      text = text.split('{' + name + '}').join(String(vars[name]));
    });
    return text;
  }

  function apply(root) {
    (root || document).querySelectorAll('[data-i18n]').forEach(function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    document.documentElement.lang = lang;
    document.title = 'ATENSI · ' + t('title');
  }

  // The web pages' language follows too (their session), so the two never disagree.
  function choose(next) {
    try { localStorage.setItem('atensi.lang', next); } catch (e) { /* private mode */ }
    var url = new URL(location.href);
    url.searchParams.set('lang', next);
    var langUrl = document.body.getAttribute('data-lang-url');
    var meta = document.querySelector('meta[name="csrf-token"]');
    var go = function () { location.href = url.toString(); };
    if (!langUrl) { go(); return; }
    var form = new URLSearchParams({ lang: next, csrf_token: meta ? meta.content : '', next: '/editor' });
    fetch(langUrl, { method: 'POST', credentials: 'same-origin', body: form, redirect: 'manual' }).then(go, go);
  }

  window.EditorI18n = { lang: lang, t: t, apply: apply, choose: choose };
})();
