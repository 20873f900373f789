/* The editor's drawer: problems, version history, differences, scenario results, case migration.
 * Each function draws one panel from an API result; EditorPanels.focus() selects an element. */
(function () {
  'use strict';

  var t = function (key, vars) { return EditorI18n.t(key, vars); };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] === null || attrs[name] === undefined || attrs[name] === false) { return; }
      if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function when(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return d.toLocaleString(EditorI18n.lang === 'en' ? 'en-GB' : 'id-ID',
                            { dateStyle: 'medium', timeStyle: 'short' });
  }

  /* Select and scroll to an element of the diagram, when it is there. */
  function focus(modeler, elementId) {
    var element = elementId && modeler.get('elementRegistry').get(elementId);
    if (!element) { return false; }
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element, { top: 120, bottom: 200, left: 120, right: 420 });
    return true;
  }

  function elementLink(modeler, elementId, label) {
    var link = el('button', { type: 'button', 'class': 'ed-link', 'data-element': elementId, text: label || elementId });
    link.addEventListener('click', function () { focus(modeler, elementId); });
    return link;
  }

  function problems(modeler, list, result) {
    list.textContent = '';
    var empty = document.getElementById('ed-problems-empty');
    var all = result.problems.map(function (p) { return Object.assign({ level: 'error' }, p); })
      .concat(result.warnings.map(function (w) { return Object.assign({ level: 'warning' }, w); }));
    empty.textContent = result.problems.length ? t('problems.count', { n: result.problems.length,
                                                                       w: result.warnings.length })
      : t('problems.ok') + (result.warnings.length ? ' ' + t('problems.count', { n: 0, w: result.warnings.length }) : '');
    all.forEach(function (p) {
      var where = p.element_id ? elementLink(modeler, p.element_id) : el('span', { 'class': 'ed-muted',
                                                                                  text: t('problems.unplaced') });
      var place = (p.file || '') + (p.line ? ':' + p.line : '');
      list.appendChild(el('li', { 'class': 'ed-problem ' + p.level, 'data-element-id': p.element_id || '' }, [
        el('span', { 'class': 'ed-level', text: p.level === 'error' ? '✖' : t('problems.warning') }), ' ',
        where, ' ', el('span', { 'class': 'ed-message', text: messageText(p.message) }), ' ',
        el('span', { 'class': 'ed-muted', text: place })]));
    });
  }

  function history(tbody, definition, current, base) {
    tbody.textContent = '';
    definition.versions.slice().reverse().forEach(function (v) {
      var open = v.version === current ? el('span', { 'class': 'ed-muted', text: t('history.current') })
        : el('a', { href: base + '/' + definition.key + '/' + v.version, text: t('history.open') });
      tbody.appendChild(el('tr', { 'data-version': v.version }, [
        el('td', { text: 'v' + v.version + (v.version === definition.latest_version ? ' ★' : '') }),
        el('td', { text: v.deployed_by || '—' }), el('td', { text: when(v.deployed_at) }),
        el('td', { 'class': 'ed-note', text: v.note || '' }), el('td', { text: String(v.running_cases) }),
        el('td', {}, [open])]));
    });
  }

  // A duration or a cycle, quoted or not ("P3D", "\"P3M\"", "timeCycle: \"R4/P1M\""), in words; other
  // values as they are.
  function valueText(field, value) {
    if (value === null || value === undefined || value === '') { return t('diff.empty'); }
    var text = String(value);
    if ((field === 'due' || field === 'timer') && window.AtensiModeler && AtensiModeler.isoToWords) {
      var bare = text.replace(/^(?:time\w+: )?"(.*)"$/, '$1');
      var words = AtensiModeler.isoToWords(bare, EditorI18n.lang);
      if (words === bare && AtensiModeler.cycleToWords) { words = AtensiModeler.cycleToWords(bare, EditorI18n.lang); }
      if (words !== bare) { return words; }
    }
    if (field === 'type') { return typeText(text); }
    return text;
  }

  function typeText(type) {
    var key = 'type.' + type;
    var text = t(key);
    return text === key ? type : text;
  }

  function fieldText(field) {
    var key = 'field.' + field;
    var text = t(key);
    return text === key ? field : text;
  }

  function changeText(change) {
    return change.changes.map(function (c) {
      return fieldText(c.field) + ': ' + valueText(c.field, c.old) + ' → ' + valueText(c.field, c.new);
    }).join('; ');
  }

  // The engine's lint (engine/definitions/lint.py) speaks English; every one of its messages reads in Bahasa
  // Indonesia here (tests/web/test_editor_lint_words.py checks that each has a pattern).
  var WHAT_ID = {
    'script': 'Skrip', 'condition': 'Kondisi', 'timer expression': 'Ekspresi pewaktu',
    'event condition': 'Kondisi peristiwa', 'dueDate expression': 'Ekspresi dueDate',
    'loop cardinality': 'Kardinalitas perulangan', 'completion condition': 'Kondisi selesai',
    'loop condition': 'Kondisi perulangan', 'preScript': 'Pra-skrip (preScript)', 'postScript': 'Pasca-skrip (postScript)'
  };
  var WHAT = '(script|condition|timer expression|event condition|dueDate expression|loop cardinality|' +
    'completion condition|loop condition|preScript|postScript)';
  function what(text) { return WHAT_ID[text] || text; }
  var MESSAGES_ID = [
    [/^dueIn '(.*)' is not an ISO-8601 duration such as P3D or PT24H(.*)$/,
     'Tenggat "$1" bukan durasi: tulis mis. 3 hari, 2 minggu, 4 bulan atau 24 jam.'],
    [/^dueIn (.*) is not an ISO-8601 duration such as P3D or PT24H(.*)$/,
     'Tenggat $1 bukan durasi: tulis mis. 3 hari, 2 minggu, 4 bulan atau 24 jam.'],
    [/^dueIn (.*) is longer than (\d+) years$/, 'Tenggat $1 lebih dari $2 tahun.'],
    [/^user task has no form: set formJsonSchemaFilename to a JSON Schema file$/,
     'Tugas pengguna belum punya formulir: pilih formulir di panel ATENSI.'],
    [/^user task has no dueIn or dueDate: the engine's default due time applies$/,
     'Tugas pengguna belum punya tenggat: tenggat bawaan mesin yang berlaku.'],
    [/^user task has no role: put it in a lane named after a role .*$/,
     'Tugas pengguna tanpa peran: letakkan di lajur Pekerja Sosial, Konselor Adiksi atau Supervisor.'],
    [/^user task has no lane or role: it goes to (.*); .*$/,
     'Tugas pengguna tanpa lajur atau peran: diberikan ke $1; letakkan di lajur sebuah peran untuk memilih.'],
    [/^form (.*) \(formJsonSchemaFilename\) is not among the uploaded files$/,
     'Formulir $1 tidak ada di antara berkas yang diunggah.'],
    [/^UI schema (.*) \(formUiSchemaFilename\) is not among the uploaded files$/,
     'Skema tampilan formulir $1 tidak ada di antara berkas yang diunggah.'],
    [/^(shows|banner): no form of the process writes (.*), so it shows nothing$/,
     '$1: tidak ada formulir proses ini yang mengisi $2, jadi tidak ada yang ditampilkan.'],
    [/^timer expression (.*) must be a quoted Python string: (.*)$/,
     'Ekspresi pewaktu $1 harus diberi tanda kutip: $2, atau tulis durasinya dalam kata (mis. 4 bulan).'],
    [/^timer has no expression: .*$/,
     'Pewaktu belum punya ekspresi: isi tanggal, durasi atau siklus bertanda kutip, mis. "P3D" (3 hari).'],
    [/^timer expression (.*) is a cron expression, which is not supported: .*$/,
     'Ekspresi pewaktu $1 adalah ekspresi cron yang tidak didukung: pakai siklus ISO-8601 seperti "R/P1D".'],
    [/^timer expression (.*) must give a string, not (\S+)$/, 'Ekspresi pewaktu $1 harus menghasilkan teks, bukan $2.'],
    [/^timer date (.*) has no UTC offset and will be read in the server's time zone: .*$/,
     'Tanggal pewaktu $1 tidak punya selisih UTC dan akan dibaca dalam zona waktu server: tambahkan, mis. +07:00.'],
    [/^timer expression (.*?): (.*)$/, function (all, text, rest) { return 'Ekspresi pewaktu ' + text + ': ' + messageText(rest); }],
    [/^(.*) is longer than (\d+) years$/, '$1 lebih dari $2 tahun.'],
    [/^business rule task names no decision: .*$/, 'Tugas aturan bisnis belum memilih keputusan DMN.'],
    [/^decision (\S+) is not defined by any DMN file in the bundle.*$/,
     'Keputusan $1 tidak ada di berkas DMN mana pun.'],
    [/^script task has no script$/, 'Tugas skrip belum berisi skrip.'],
    [/^script format (.*) is not supported: scripts are Python$/,
     'Format skrip $1 tidak didukung: skrip ditulis dalam Python.'],
    [/^conditional event has no condition$/, 'Peristiwa bersyarat belum punya kondisi.'],
    [/^role (.*) is not a known role \((.*)\)$/, 'Peran $1 tidak dikenal (pilihan: $2).'],
    [/^lane role (.*) is not a known role \((.*)\)$/, 'Peran lajur $1 tidak dikenal (pilihan: $2).'],
    [/^lane has no name: map it to a role \((.*)\) or name it after one$/,
     'Lajur belum bernama: petakan ke sebuah peran ($1) atau beri nama sesuai peran.'],
    [/^lane (.*) is not a known role \((.*)\): map it to one of (.*) \(lane_roles\).*$/,
     'Lajur $1 bukan peran yang dikenal ($2): petakan ke salah satu dari $3, beri nama sesuai peran, ' +
     'atau beri peran pada tiap tugasnya.'],
    [/^service task has no spiffworkflow:serviceTaskOperator: .*$/,
     'Tugas layanan tanpa spiffworkflow:serviceTaskOperator: kelas Java, ekspresi dan pekerja eksternal ' +
     'tidak bisa dijalankan di sini.'],
    [/^data stores are not supported: .*$/, 'Penyimpanan data (data store) tidak didukung: simpan data di kasus.'],
    [/^(.*) has (\d+) outgoing sequence flows: .*$/,
     '$1 punya $2 alur keluar: pisahkan dengan gateway.'],
    [/^sequence flow out of gateway (\S+) has no condition and is.*$/,
     'Alur keluar dari gateway $1 tidak punya kondisi dan bukan alur bawaan.'],
    [/^link event has no name: .*$/,
     'Peristiwa tautan belum bernama: beri nama yang sama pada tautan pengirim dan penerima.'],
    [/^call activity has no calledElement: .*$/, 'Panggilan proses belum menyebut proses yang dipanggil (calledElement).'],
    [/^call activity calls process (.*), which is not in the bundle$/,
     'Panggilan proses memanggil proses $1 yang tidak ada di antara berkas.'],
    [/^multi-instance activity needs exactly one of loopCardinality or loopDataInputRef$/,
     'Aktivitas multi-instans butuh tepat satu dari loopCardinality atau loopDataInputRef.'],
    [/^loop activity needs a loopMaximum or a loopCondition$/, 'Aktivitas berulang butuh loopMaximum atau loopCondition.'],
    [/^boundary event has no event definition .*$/,
     'Peristiwa batas belum punya definisi peristiwa (pewaktu, pesan, galat, …).'],
    [/^element id (.*) is reserved by the engine for its own tasks .*$/,
     'Id elemen $1 dipakai mesin untuk tugasnya sendiri (Start, End, Root, <proses>.EndJoin): ganti nama elemen.'],
    [/^the sequence flow from (.*) to (.*) has no id, so the engine would drop it: give it an id$/,
     'Alur dari $1 ke $2 tidak punya id sehingga akan diabaikan mesin: beri id.'],
    [/^a (.*) has no id: give it an id$/, '$1 tidak punya id: beri id.'],
    [/^(.*) is not supported by the engine$/, '$1 tidak didukung oleh mesin.'],
    [/^manual task has no role: .*$/, 'Tugas manual tanpa peran: siapa pun di unit kasus dapat menyelesaikannya.'],
    [/^the bundle could not be parsed$/, 'Berkas tidak dapat dibaca.'],
    [new RegExp('^' + WHAT + ' (.*) is a JUEL/FEEL expression that is not translated \\((.*)\\): (.*)$'),
     function (all, w, text, reason, write) {
       return what(w) + ' ' + text + ' adalah ekspresi JUEL/FEEL yang tidak dapat diterjemahkan (' + reason +
         '): tulis dalam Python atas data kasus.';
     }],
    [new RegExp('^' + WHAT + ' (.*) is a JUEL/FEEL expression: write it in Python: (.*)$'),
     function (all, w, text, python) { return what(w) + ' ' + text + ' adalah ekspresi JUEL/FEEL: tulis dalam Python: ' + python; }],
    [new RegExp('^' + WHAT + ' is empty$'), function (all, w) { return what(w) + ' masih kosong.'; }],
    [new RegExp('^' + WHAT + ': (.*?)(?: \\(line (\\d+) of the .*\\))?$'),
     function (all, w, message, line) {
       return what(w) + ': ' + message + (line ? ' (baris ' + line + ')' : '') + ' — periksa penulisan Python-nya.';
     }]
  ];

  function messageText(message) {
    if (EditorI18n.lang === 'en') { return message; }
    for (var i = 0; i < MESSAGES_ID.length; i += 1) {
      if (MESSAGES_ID[i][0].test(message)) { return message.replace(MESSAGES_ID[i][0], MESSAGES_ID[i][1]); }
    }
    return message;
  }

  /* Draw a diff; `shown` tells which side the modeler displays ('to' | 'from' | null). */
  function diff(modeler, target, result, shown, versionShown) {
    target.textContent = '';
    var groups = [['added', result.added], ['changed', result.changed], ['removed', result.removed]];
    var total = result.added.length + result.changed.length + result.removed.length;
    if (!total && !(result.files.changed || []).length) {
      target.appendChild(el('p', { 'class': 'ed-muted', text: t('diff.none') }));
    }
    groups.forEach(function (group) {
      if (!group[1].length) { return; }
      var list = el('ul', { 'class': 'ed-diff-list ' + group[0] });
      group[1].forEach(function (c) {
        var label = (c.name || c.element_id) + ' (' + typeText(c.type) + ')';
        list.appendChild(el('li', { 'data-element-id': c.element_id }, [
          el('span', { 'class': 'ed-swatch ' + group[0] }), elementLink(modeler, c.element_id, label),
          c.changes && c.changes.length ? el('span', { 'class': 'ed-change', text: ' ' + changeText(c) }) : null]));
      });
      target.appendChild(el('h4', { text: t('diff.' + group[0]) + ' (' + group[1].length + ')' }));
      target.appendChild(list);
    });
    if ((result.files.changed || []).length) {
      target.appendChild(el('p', { 'class': 'ed-muted', text: t('diff.files', { names: result.files.changed.join(', ') }) }));
    }
    var ids = function (list) { return list.map(function (c) { return c.element_id; }); };
    var marks = { added: [], changed: ids(result.changed), removed: [] };
    if (shown === 'to') { marks.added = ids(result.added); }
    if (shown === 'from') { marks.removed = ids(result.removed); }
    AtensiModeler.highlight(modeler, shown ? marks : {});
    if (shown && versionShown) {
      target.appendChild(el('p', { 'class': 'ed-muted', text: t('diff.shown', { v: versionShown }) }));
    }
  }

  function scenarios(target, run) {
    target.textContent = '';
    var passed = run.results.filter(function (r) { return r.passed; }).length;
    target.appendChild(el('p', { 'class': run.passed ? 'ed-ok' : 'ed-error',
                                 text: run.results.length ? t('scenarios.passed', { p: passed, n: run.results.length,
                                                                                    ms: Math.round(run.elapsed_ms) })
                                   : t('scenarios.none') }));
    (run.problems || []).forEach(function (p) {
      target.appendChild(el('p', { 'class': 'ed-error', text: (p.file ? p.file + ': ' : '') + p.message }));
    });
    var list = el('ul', { 'class': 'ed-scenarios' });
    run.results.forEach(function (r) {
      list.appendChild(el('li', { 'class': r.passed ? 'passed' : 'failed' }, [
        el('span', { 'class': 'ed-level', text: r.passed ? '✔' : '✖' }), ' ', el('strong', { text: r.name }), ' ',
        el('span', { 'class': 'ed-muted', text: t('scenarios.days', { d: r.simulated_days, ms: Math.round(r.elapsed_ms) }) }),
        r.failure ? el('div', { 'class': 'ed-error', text: t('scenarios.step', { step: r.failure.step,
                                                                               msg: r.failure.message }) }) : null]));
    });
    target.appendChild(list);
  }

  function migration(target, report) {
    target.textContent = '';
    var counts = Object.keys(report.counts).filter(function (k) { return report.counts[k]; })
      .map(function (k) { return report.counts[k] + ' ' + t('status.' + k); }).join(', ');
    var title = (report.dry_run ? t('migration.dry') : t('migration.apply')) + ' → v' + report.to_version;
    target.appendChild(el('p', { 'data-migration-id': report.migration_id,
                                 text: report.cases.length ? t('migration.summary', { title: title, counts: counts })
                                   : t('migration.none') }));
    if (!report.cases.length) { return; }
    var head = el('tr', {}, ['migration.case', 'migration.pm', 'migration.tasks', 'migration.status',
                             'migration.reason'].map(function (k) { return el('th', { text: t(k) }); }));
    var body = el('tbody');
    report.cases.forEach(function (c) {
      body.appendChild(el('tr', { 'class': 'ed-move ' + c.status, 'data-case-id': c.case_id }, [
        el('td', { text: '#' + c.case_id + ' (v' + c.from_version + ')' }), el('td', { text: c.pm_name || '' }),
        el('td', { text: c.open_tasks.join(', ') || '—' }), el('td', { text: t('status.' + c.status) }),
        el('td', { text: c.reasons.map(function (r) { return (r.element_id ? r.element_id + ': ' : '') + r.message; })
                                 .join('; ') })]));
    });
    target.appendChild(el('table', { 'class': 'ed-table' }, [el('thead', {}, [head]), body]));
  }

  function translated(list) {
    return (list || []).map(function (p) { return Object.assign({}, p, { message: messageText(p.message) }); });
  }

  window.EditorPanels = { translated: translated, problems: problems, history: history, diff: diff, scenarios: scenarios,
                          migration: migration, focus: focus, el: el };
})();
