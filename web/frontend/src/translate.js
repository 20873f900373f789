// bpmn-js `translate` service: Bahasa Indonesia by default, English with lang 'en'.
// Keys are the English strings bpmn-js, diagram-js, the properties panel and the
// ATENSI group pass to translate(); a missing key falls back to English.

const ID = {
  // ATENSI group
  'ATENSI': 'ATENSI',
  '(none)': '(tidak ada)',
  '(from lane)': '(dari lane)',
  '{value} (not in list)': '{value} (tidak ada di daftar)',
  'Role': 'Peran',
  'Role override': 'Ganti peran',
  'Set by the role property (overrides the lane).': 'Ditentukan oleh properti role (menggantikan lane).',
  'From lane "{lane}". Move the task to another lane to change it.':
    'Dari lane "{lane}". Pindahkan tugas ke lane lain untuk mengubahnya.',
  'The task is in no lane: move it into a lane.': 'Tugas tidak berada di lane mana pun: pindahkan ke sebuah lane.',
  'Unknown role "{role}": use a lane Pekerja Sosial, Konselor Adiksi or Supervisor.':
    'Peran "{role}" tidak dikenal: gunakan lane Pekerja Sosial, Konselor Adiksi atau Supervisor.',
  'Form': 'Formulir',
  'JSON Schema file in bpmn/forms/ (formJsonSchemaFilename).': 'Berkas JSON Schema di bpmn/forms/ (formJsonSchemaFilename).',
  'Every user task needs a form.': 'Setiap tugas pengguna memerlukan formulir.',
  'Due in': 'Tenggat (durasi)',
  'How long after the task opens, e.g. 3 days, 2 weeks, 4 months, 24 hours.':
    'Berapa lama sejak tugas dibuka, mis. 3 hari, 2 minggu, 4 bulan, 24 jam.',
  'Not a duration: write e.g. 3 days, 2 weeks, 4 months or 24 hours.':
    'Bukan durasi: tulis mis. 3 hari, 2 minggu, 4 bulan atau 24 jam.',
  'A duration in words (4 months, 2 weeks), a cycle in words (every 1 month, 4 times), or Python: "2025-01-31T09:00:00+07:00", a variable.':
    'Durasi dalam kata (4 bulan, 2 minggu), siklus dalam kata (setiap 1 bulan, 4 kali), atau Python: "2025-01-31T09:00:00+07:00", nama variabel.',
  'Set a due in (or a due date).': 'Isi tenggat durasi (atau tanggal tenggat).',
  'Not an ISO-8601 duration (e.g. P3D, PT24H). Do not quote it.':
    'Bukan durasi ISO-8601 (mis. P3D, PT24H). Jangan diberi tanda kutip.',
  'Due date (optional)': 'Tanggal tenggat (opsional)',
  'Python expression over the task data giving an ISO datetime; wins over due in.':
    'Ekspresi Python atas data tugas yang menghasilkan tanggal-waktu ISO; diutamakan di atas tenggat durasi.',
  'Stage': 'Tahap',
  'Stages of {process}': 'Tahap {process}',
  'Stage (free text)': 'Tahap (teks bebas)',
  'Same value as above; type here for a stage not in the list.':
    'Nilai yang sama dengan di atas; ketik di sini untuk tahap yang tidak ada di daftar.',
  'DMN decision': 'Keputusan DMN',
  'Decision id in a DMN file beside the BPMN (spiffworkflow:calledDecisionId).':
    'Id keputusan dalam berkas DMN di samping BPMN (spiffworkflow:calledDecisionId).',
  'A business rule task needs a decision.': 'Tugas aturan bisnis memerlukan keputusan DMN.',
  'Timer type': 'Jenis timer',
  'Duration': 'Durasi',
  'Date': 'Tanggal',
  'Cycle': 'Siklus',
  'Timer expression': 'Ekspresi timer',
  'Python: quote literals, e.g. "P3M", "R3/P1M", "2025-01-31T09:00:00+07:00", or name a variable.':
    'Python: literal harus dikutip, mis. "P3M", "R3/P1M", "2025-01-31T09:00:00+07:00", atau nama variabel.',
  'A timer needs an expression.': 'Timer memerlukan ekspresi.',
  'Quote the literal: "{value}".': 'Literal harus dikutip: "{value}".',
  'Role of this lane': 'Peran lane ini',
  'The lane name, lower case, spaces and hyphens as _.': 'Nama lane, huruf kecil, spasi dan tanda hubung menjadi _.',
  'Mapped to this role when the diagram was imported.': 'Dipetakan ke peran ini saat diagram diimpor.',
  'Camunda settings ({names}) stay in the file, but the ATENSI engine ignores them.':
    'Pengaturan Camunda ({names}) tetap tersimpan di berkas, tetapi diabaikan oleh engine ATENSI.',
  'Condition': 'Kondisi',
  'This is the gateway\'s default flow: it needs no condition.': 'Ini alur default gateway: tidak perlu kondisi.',
  'Python expression over the case data, e.g. skor_risiko >= 27.':
    'Ekspresi Python atas data kasus, mis. skor_risiko >= 27.',
  'This looks like a Camunda (JUEL/FEEL) expression: write Python.':
    'Ini tampaknya ekspresi Camunda (JUEL/FEEL): tulis dalam Python.',

  // properties panel
  'General': 'Umum',
  'Name': 'Nama',
  'ID': 'ID',
  'Documentation': 'Dokumentasi',
  'Element documentation': 'Dokumentasi elemen',
  'Process documentation': 'Dokumentasi proses',
  'Process name': 'Nama proses',
  'Process ID': 'ID proses',
  'Participant Name': 'Nama partisipan',
  'Executable': 'Dapat dijalankan',
  'Timer': 'Timer',
  'Type': 'Jenis',
  'Value': 'Nilai',
  'Message': 'Pesan',
  'Global message reference': 'Referensi pesan global',
  'Signal': 'Sinyal',
  'Global signal reference': 'Referensi sinyal global',
  'Error': 'Galat',
  'Global error reference': 'Referensi galat global',
  'Escalation': 'Eskalasi',
  'Global escalation reference': 'Referensi eskalasi global',
  'Link': 'Tautan',
  'Compensation': 'Kompensasi',
  'Multi-instance': 'Multi-instans',
  'Loop cardinality': 'Kardinalitas perulangan',
  'Completion condition': 'Kondisi selesai',
  'Completion': 'Penyelesaian',
  'Create new ...': 'Buat baru ...',
  '<none>': '<tidak ada>',
  'Select an element to edit its properties.': 'Pilih elemen untuk mengubah propertinya.',
  'Multiple elements are selected. Select a single element to edit its properties.':
    'Beberapa elemen terpilih. Pilih satu elemen untuk mengubah propertinya.',
  'ID must be unique.': 'ID harus unik.',
  'ID must not be empty.': 'ID tidak boleh kosong.',
  'ID must not contain spaces.': 'ID tidak boleh mengandung spasi.',
  'ID must be a valid QName.': 'ID harus berupa QName yang sah.',
  'ID must not contain prefix.': 'ID tidak boleh mengandung prefiks.',

  // palette and context pad
  'Activate hand tool': 'Alat geser kanvas',
  'Activate lasso tool': 'Alat laso (pilih area)',
  'Activate create/remove space tool': 'Alat tambah/kurangi ruang',
  'Activate global connect tool': 'Alat sambung',
  'Create start event': 'Buat peristiwa awal',
  'Create intermediate/boundary event': 'Buat peristiwa antara/batas',
  'Create end event': 'Buat peristiwa akhir',
  'Create gateway': 'Buat gateway',
  'Create task': 'Buat tugas',
  'Create data object reference': 'Buat referensi objek data',
  'Create data store reference': 'Buat referensi penyimpanan data',
  'Create expanded sub-process': 'Buat sub-proses terbuka',
  'Create pool/participant': 'Buat pool/partisipan',
  'Create group': 'Buat grup',
  'Append end event': 'Tambah peristiwa akhir',
  'Append gateway': 'Tambah gateway',
  'Append task': 'Tambah tugas',
  'Append intermediate/boundary event': 'Tambah peristiwa antara/batas',
  'Append receive task': 'Tambah tugas terima',
  'Append message intermediate catch event': 'Tambah peristiwa tangkap pesan',
  'Append timer intermediate catch event': 'Tambah peristiwa timer',
  'Append conditional intermediate catch event': 'Tambah peristiwa kondisional',
  'Append signal intermediate catch event': 'Tambah peristiwa tangkap sinyal',
  'Append compensation activity': 'Tambah aktivitas kompensasi',
  'Change element': 'Ubah jenis elemen',
  'Delete': 'Hapus',
  'Connect to other element': 'Sambungkan ke elemen lain',
  'Connect using association': 'Sambungkan dengan asosiasi',
  'Connect using data input association': 'Sambungkan dengan asosiasi data masukan',
  'Add lane above': 'Tambah lane di atas',
  'Add lane below': 'Tambah lane di bawah',
  'Divide into two lanes': 'Bagi menjadi dua lane',
  'Divide into three lanes': 'Bagi menjadi tiga lane',
  'Add text annotation': 'Tambah anotasi teks',
  'Align elements': 'Ratakan elemen',
  'Distribute elements horizontally': 'Sebar elemen mendatar',
  'Distribute elements vertically': 'Sebar elemen tegak',
  'Search in diagram': 'Cari di diagram',
  'Toggle non-interrupting': 'Alihkan tidak-menyela',
  'Loop': 'Perulangan',
  'Parallel multi-instance': 'Multi-instans paralel',
  'Sequential multi-instance': 'Multi-instans berurutan',
  'Open {element}': 'Buka {element}',

  // element types (replace menu, panel header)
  'Task': 'Tugas',
  'User task': 'Tugas pengguna',
  'User Task': 'Tugas Pengguna',
  'Manual task': 'Tugas manual',
  'Manual Task': 'Tugas Manual',
  'Service task': 'Tugas layanan',
  'Service Task': 'Tugas Layanan',
  'Script task': 'Tugas skrip',
  'Script Task': 'Tugas Skrip',
  'Business rule task': 'Tugas aturan bisnis',
  'Business Rule Task': 'Tugas Aturan Bisnis',
  'Send task': 'Tugas kirim',
  'Send Task': 'Tugas Kirim',
  'Receive task': 'Tugas terima',
  'Receive Task': 'Tugas Terima',
  'Call activity': 'Aktivitas panggil',
  'Call Activity': 'Aktivitas Panggil',
  'Sub-process (collapsed)': 'Sub-proses (tertutup)',
  'Sub-process (expanded)': 'Sub-proses (terbuka)',
  'Sub Process': 'Sub-proses',
  'Ad Hoc Sub Process': 'Sub-proses Ad-hoc',
  'Event Sub Process': 'Sub-proses Peristiwa',
  'Event sub-process': 'Sub-proses peristiwa',
  'Transaction': 'Transaksi',
  'Start event': 'Peristiwa awal',
  'Start Event': 'Peristiwa Awal',
  'End event': 'Peristiwa akhir',
  'End Event': 'Peristiwa Akhir',
  'Intermediate throw event': 'Peristiwa lempar antara',
  'Boundary event': 'Peristiwa batas',
  'Message start event': 'Peristiwa awal pesan',
  'Message Start Event': 'Peristiwa Awal Pesan',
  'Timer start event': 'Peristiwa awal timer',
  'Timer Start Event': 'Peristiwa Awal Timer',
  'Message end event': 'Peristiwa akhir pesan',
  'Message intermediate catch event': 'Peristiwa tangkap pesan',
  'Message intermediate throw event': 'Peristiwa lempar pesan',
  'Message boundary event': 'Peristiwa batas pesan',
  'Message boundary event (non-interrupting)': 'Peristiwa batas pesan (tidak menyela)',
  'Timer intermediate catch event': 'Peristiwa timer antara',
  'Timer Intermediate Catch Event': 'Peristiwa Timer Antara',
  'Timer boundary event': 'Peristiwa batas timer',
  'Timer Boundary Event': 'Peristiwa Batas Timer',
  'Timer boundary event (non-interrupting)': 'Peristiwa batas timer (tidak menyela)',
  'Terminate end event': 'Peristiwa akhir penghentian',
  'Error end event': 'Peristiwa akhir galat',
  'Error boundary event': 'Peristiwa batas galat',
  'Signal start event': 'Peristiwa awal sinyal',
  'Signal end event': 'Peristiwa akhir sinyal',
  'Conditional start event': 'Peristiwa awal kondisional',
  'Conditional boundary event': 'Peristiwa batas kondisional',
  'Exclusive gateway': 'Gateway eksklusif',
  'Exclusive Gateway': 'Gateway Eksklusif',
  'Parallel gateway': 'Gateway paralel',
  'Parallel Gateway': 'Gateway Paralel',
  'Inclusive gateway': 'Gateway inklusif',
  'Inclusive Gateway': 'Gateway Inklusif',
  'Event-based gateway': 'Gateway berbasis peristiwa',
  'Complex gateway': 'Gateway kompleks',
  'Sequence flow': 'Alur urutan',
  'Sequence Flow': 'Alur Urutan',
  'Default flow': 'Alur default',
  'Default Flow': 'Alur Default',
  'Conditional Flow': 'Alur Kondisional',
  'Intermediate Throw Event': 'Peristiwa Lempar Antara',
  'Message Intermediate Catch Event': 'Peristiwa Tangkap Pesan',
  'Message Intermediate Throw Event': 'Peristiwa Lempar Pesan',
  'Message End Event': 'Peristiwa Akhir Pesan',
  'Terminate End Event': 'Peristiwa Akhir Penghentian',
  'Error End Event': 'Peristiwa Akhir Galat',
  'Message Boundary Event': 'Peristiwa Batas Pesan',
  'Error Boundary Event': 'Peristiwa Batas Galat',
  'Conditional Intermediate Catch Event': 'Peristiwa Kondisional Antara',
  'Signal Intermediate Catch Event': 'Peristiwa Tangkap Sinyal',
  'Event Based Gateway': 'Gateway Berbasis Peristiwa',
  'Complex Gateway': 'Gateway Kompleks',
  'Data Object Reference': 'Referensi Objek Data',
  'Data Store Reference': 'Referensi Penyimpanan Data',
  'Collaboration': 'Kolaborasi',
  'Conditional flow': 'Alur kondisional',
  'Lane': 'Lane',
  'Participant': 'Partisipan',
  'Process': 'Proses',
  'Empty pool/participant': 'Pool/partisipan kosong',
  'Expanded pool/participant': 'Pool/partisipan terbuka',
  'Data object reference': 'Referensi objek data',
  'Data store reference': 'Referensi penyimpanan data',
  'Text Annotation': 'Anotasi Teks',
  'Group': 'Grup'
};

const DICTIONARIES = { id: ID, en: {} };

export function createTranslate(lang) {
  const dictionary = DICTIONARIES[lang] || ID;

  return function translate(template, replacements) {
    replacements = replacements || {};

    return (dictionary[template] || template).replace(/{([^}]+)}/g, function(_, key) {
      return key in replacements ? replacements[key] : '{' + key + '}';
    });
  };
}

function translateFactory(atensiConfig) {
  return createTranslate(atensiConfig && atensiConfig.lang);
}

translateFactory.$inject = [ 'config.atensi' ];

export default {
  translate: [ 'factory', translateFactory ]
};
