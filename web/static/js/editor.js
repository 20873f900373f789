/* The process editor page: opens a version of a process in the bpmn-js modeler (read-only for
 * older versions, or a new diagram from the template), validates a draft on the server, runs its
 * scenarios, deploys it with a note (editor-deploy.js), shows the version history and differences,
 * edits forms, imports files from other tools (editor-import.js), and migrates running cases.
 * All data comes from the JSON API. */
(function () {
  'use strict';

  var t = EditorI18n.t;
  var api = EditorAuth.api;
  var body = document.body;
  var base = body.getAttribute('data-base').replace(/\/$/, '');

  var READABLE = 0.75;  // the smallest zoom at which task names can be read
  var PALETTE = 130;    // px kept free on the left for the palette

  var state = {
    mode: body.getAttribute('data-mode'),          // index | new | edit
    key: body.getAttribute('data-key'),
    requested: parseInt(body.getAttribute('data-version'), 10) || null,
    version: null,                                  // the version shown (null for a new diagram)
    definition: null,                               // {key, latest_version, versions: [...]}
    bpmnName: null,
    formsText: {},                                  // form file name -> text, of the version shown
    tablesText: {},                                 // DMN file name -> text, of the version shown
    draft: {},                                      // edited files other than the BPMN: name -> text
    readOnly: false,
    dirty: false,
    modeler: null
  };

  // --- small helpers ------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function say(text, kind) {
    var status = $('ed-status');
    status.textContent = text || '';
    status.className = 'ed-status ' + (kind || '');
  }

  function failed(error) {
    if (error && error.status === 401) { return; }
    say(t('error', { msg: error && error.message ? error.message : String(error) }), 'error');
    throw error;
  }

  function showTab(name) {
    document.querySelectorAll('.ed-tabs [data-tab]').forEach(function (tab) {
      tab.setAttribute('aria-selected', String(tab.getAttribute('data-tab') === name));
    });
    document.querySelectorAll('.ed-tabpanel').forEach(function (panel) {
      panel.hidden = panel.getAttribute('data-panel') !== name;
    });
  }

  function path(suffix) { return '/process-definitions/' + encodeURIComponent(state.key) + (suffix || ''); }

  function versionPath(suffix) { return path('/versions/' + state.version + (suffix || '')); }

  // --- the modeler --------------------------------------------------------------------------------

  function createModeler(forms, decisions) {
    state.modeler = AtensiModeler.createModeler($('ed-canvas'), $('ed-panel'), {
      forms: forms, decisions: decisions, readOnly: state.readOnly, lang: EditorI18n.lang
    });
    state.modeler.on('commandStack.changed', function () {
      if (!state.readOnly) {
        state.dirty = true;
        say(t('dirty'), 'dirty');
      }
    });
    state.modeler.on('selection.changed', function (event) {
      var selected = event.newSelection[0];
      var bo = selected && selected.businessObject;
      var form = bo && formOf(bo);
      if (form && state.formEditor && state.formEditor.names().indexOf(form) !== -1) {
        state.formEditor.fill(form);
      }
    });
    window.editor = { state: state, modeler: state.modeler };  // for tests and debugging
  }

  function formOf(bo) {
    var ext = bo.extensionElements && bo.extensionElements.values || [];
    for (var i = 0; i < ext.length; i++) {
      var props = ext[i].properties || ext[i].get && ext[i].get('properties') || [];
      for (var j = 0; j < props.length; j++) {
        if (props[j].name === 'formJsonSchemaFilename') { return props[j].value; }
      }
    }
    return null;
  }

  /* Fit the diagram beside the palette; a wide one is shown from its start at a readable size. */
  function showDiagram() {
    var canvas = state.modeler.get('canvas');
    canvas.zoom('fit-viewport', 'auto');
    var inner = canvas.viewbox().inner;
    var size = canvas.getSize();
    if (!inner.width || !inner.height) { return; }
    var fit = Math.min((size.width - PALETTE - 20) / inner.width, (size.height - 40) / inner.height, 1);
    var scale = Math.max(fit, READABLE);
    canvas.viewbox({ x: inner.x - PALETTE / scale, y: inner.y - 20 / scale,
                     width: size.width / scale, height: size.height / scale });
  }

  function openXml(xml) {
    return state.modeler.importXML(xml).then(function (result) {
      showDiagram();
      state.dirty = false;
      return result;
    });
  }

  function currentXml() {
    return state.modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function draftFiles() {
    return currentXml().then(function (xml) {
      var files = Object.assign({}, state.draft);
      files[state.bpmnName || (state.key + '.bpmn')] = xml;
      return files;
    });
  }

  // --- loading ------------------------------------------------------------------------------------

  function loadDefinition() {
    return api('GET', '/process-definitions').then(function (all) {
      state.definition = all.filter(function (d) { return d.key === state.key; })[0] || null;
      return all;
    });
  }

  function loadVersion() {
    var latest = state.definition.latest_version;
    state.version = state.requested || latest;
    state.readOnly = state.version < latest || !mayDeploy();
    say(t('loading'));
    return api('GET', versionPath('/files')).then(function (files) {
      var fetches = files.map(function (f) {
        if (f.kind === 'scenario') { return null; }
        return api('GET', versionPath('/files/' + encodeURIComponent(f.name)), undefined, { raw: true })
          .then(function (text) { return { file: f, text: text }; });
      }).filter(Boolean);
      return Promise.all(fetches);
    }).then(function (loaded) {
      var bpmn = loaded.filter(function (x) { return x.file.kind === 'bpmn'; });
      var main = bpmn.filter(function (x) { return x.text.indexOf('id="' + state.key + '"') !== -1; })[0] || bpmn[0];
      var decisions = [];
      state.tablesText = {};
      loaded.forEach(function (x) {
        if (x.file.kind === 'form') { state.formsText[x.file.name] = x.text; }
        if (x.file.kind === 'dmn') {
          decisions = decisions.concat(EditorImport.decisionIds(x.text));
          state.tablesText[x.file.name] = x.text;
        }
      });
      state.bpmnName = main.file.name;
      createModeler(Object.keys(state.formsText).sort(), decisions);
      return openXml(main.text);
    }).then(function () {
      say(t('loaded', { v: state.version }), 'ok');
      $('ed-readonly').hidden = !state.readOnly;
      if (!mayDeploy()) {  // said before they try, not as an English role error at deploy
        $('ed-readonly-text').textContent = t('readonly.role');
        $('ed-latest-link').hidden = true;
      }
      $('ed-latest-link').href = base + '/' + state.key;
      ['ed-validate', 'ed-deploy', 'ed-scenarios', 'ed-import', 'ed-form-apply', 'ed-form-new']
        .forEach(function (id) { $(id).disabled = state.readOnly; });
      $('ed-import').closest('label').hidden = state.readOnly;
      renderHeader();
      renderHistory();
      fillVersionSelects();
      state.formEditor.fill();
      state.tableEditor.fill(state.tablesText);
    });
  }

  function startNew() {
    var dialog = $('ed-new-dialog');
    return new Promise(function (resolve) {
      $('ed-new-form').addEventListener('submit', function () {
        state.key = $('ed-new-key').value.trim();
        resolve(AtensiModeler.newDiagramXml(state.key, $('ed-new-name').value.trim()));
      }, { once: true });
      dialog.showModal();
    }).then(function (xml) {
      state.bpmnName = state.key + '.bpmn';
      createModeler([], []);
      renderHeader();
      state.formEditor.fill();
      return openXml(xml);
    });
  }

  function renderHeader() {
    $('ed-process').textContent = state.key || '';
    var badge = state.version ? 'v' + state.version + (state.readOnly ? ' · ' + t('readonly.short') : '') : t('new.title');
    $('ed-version-badge').textContent = badge;
  }

  function renderHistory() {
    if (!state.definition) { return; }
    EditorPanels.history(document.querySelector('#ed-history tbody'), state.definition, state.version, base);
  }

  function fillVersionSelects() {
    var versions = state.definition ? state.definition.versions.map(function (v) { return v.version; }) : [];
    var fill = function (select, chosen, extra) {
      select.textContent = '';
      if (extra) { select.appendChild(EditorPanels.el('option', { value: '', text: extra })); }
      versions.forEach(function (v) { select.appendChild(EditorPanels.el('option', { value: v, text: 'v' + v })); });
      select.value = chosen === null || chosen === undefined ? '' : String(chosen);
    };
    var latest = versions[versions.length - 1];
    fill($('ed-diff-from'), versions.length > 1 ? state.version === latest ? latest - 1 : state.version : latest);
    fill($('ed-diff-to'), state.version === latest ? latest : state.version + 1);
    fill($('ed-mig-from'), null, t('migration.all'));
    fill($('ed-mig-to'), latest);
  }

  // --- actions ------------------------------------------------------------------------------------

  function validate() {
    say(t('validating'));
    return draftFiles().then(function (files) {
      return api('POST', '/process-definitions/validate',
                 { process_key: state.key, base_version: state.version, files: files });
    }).then(function (result) {
      AtensiModeler.clearErrors(state.modeler);
      AtensiModeler.showErrors(state.modeler, EditorPanels.translated(result.problems));
      EditorPanels.problems(state.modeler, $('ed-problems'), result);
      showLanes(result.unmapped_lanes);
      showTab('problems');
      say(result.valid ? t('problems.ok') : t('problems.count', { n: result.problems.length, w: result.warnings.length }),
          result.valid ? 'ok' : 'error');
      return result;
    }).catch(failed);
  }

  function showLanes(lanes) {
    EditorLanes.show($('ed-lanes'), state.modeler, lanes || [], function (n) {
      say(t('lanes.applied', { n: n }), 'dirty');
      validate();
    });
  }

  function runScenarios() {
    say(t('scenarios.running'));
    showTab('scenarios');
    return draftFiles().then(function (files) {
      return api('POST', path('/scenarios/run'), { base_version: state.version, files: files });
    }).then(function (run) {
      EditorPanels.scenarios($('ed-scenario-results'), run);
      say(run.passed ? t('scenarios.passed', { p: run.results.length, n: run.results.length,
                                               ms: Math.round(run.elapsed_ms) }) : t('deploy.failed'),
          run.passed ? 'ok' : 'error');
      return run;
    }).catch(failed);
  }

  function compare(event) {
    event.preventDefault();
    var from = parseInt($('ed-diff-from').value, 10);
    var to = parseInt($('ed-diff-to').value, 10);
    if (from === to) {  // never "from v1 to v1"
      $('ed-diff').textContent = '';
      $('ed-diff').appendChild(EditorPanels.el('p', { 'class': 'ed-muted', text: t(
        state.definition && state.definition.versions.length > 1 ? 'diff.same' : 'diff.single') }));
      return;
    }
    api('GET', path('/diff?from=' + from + '&to=' + to)).then(function (result) {
      var shown = state.version === to ? 'to' : state.version === from ? 'from' : null;
      EditorPanels.diff(state.modeler, $('ed-diff'), result, shown, state.version);
    }).catch(failed);
  }

  function draftDiff() {
    showTab('diff');
    draftFiles().then(function (files) {
      if (!state.version) { return { added: [], removed: [], changed: [], files: {} }; }
      return api('POST', path('/diff'), { base_version: state.version, files: files });
    }).then(function (result) {
      EditorPanels.diff(state.modeler, $('ed-diff'), result, 'to', null);
    }).catch(failed);
  }


  function download() {
    currentXml().then(function (xml) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      link.download = state.bpmnName || (state.key + '.bpmn');
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
  }

  // --- wiring -------------------------------------------------------------------------------------

  function wire() {
    document.querySelectorAll('.ed-tabs [data-tab]').forEach(function (tab) {
      tab.addEventListener('click', function () { showTab(tab.getAttribute('data-tab')); });
    });
    document.querySelectorAll('[data-lang-choice]').forEach(function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-lang-choice') === EditorI18n.lang));
      button.addEventListener('click', function () { EditorI18n.choose(button.getAttribute('data-lang-choice')); });
    });
    $('ed-validate').addEventListener('click', validate);
    $('ed-scenarios').addEventListener('click', runScenarios);
    EditorDeploy.wire({ state: state, base: base, path: path, draftFiles: draftFiles, showLanes: showLanes,
                        showTab: showTab });
    $('ed-diff-form').addEventListener('submit', compare);
    $('ed-draft-diff').addEventListener('click', draftDiff);
    EditorImport.wire($('ed-import'), { state: state, say: say, validate: validate, showDiagram: showDiagram,
                                        renderHeader: renderHeader });
    $('ed-download').addEventListener('click', download);
    EditorMigration.wire(state, function () { return loadDefinition().then(renderHistory); }, failed);
    window.addEventListener('beforeunload', function (event) {
      if (state.dirty) { event.preventDefault(); event.returnValue = ''; }
    });
    state.formEditor = new EditorForms.FormEditor({
      forms: function () { return state.formsText; },
      draft: state.draft,
      onSaved: function (name) {
        var forms = state.modeler && state.modeler.get('config.atensi').forms;
        if (forms && forms.indexOf(name) === -1) { forms.push(name); }
        state.dirty = true;
        say(t('forms.saved', { name: name }), 'dirty');
      }
    });
    state.tableEditor = new EditorTables.TableEditor({ box: $('ed-tables'), state: state, onSaved: function (name) {
      state.dirty = true;
      say(t('tables.saved', { name: name }), 'dirty');
    } });
  }

  function renderIndex(all) {
    $('ed-index').hidden = false;
    var list = $('ed-definitions');
    list.textContent = '';
    if (!all.length) { list.appendChild(EditorPanels.el('li', { text: t('index.none') })); }
    all.forEach(function (d) {
      list.appendChild(EditorPanels.el('li', {}, [
        EditorPanels.el('a', { href: base + '/' + d.key + location.search, text: d.name || d.key }), ' ',
        EditorPanels.el('code', { text: d.key }), ' ',
        EditorPanels.el('span', { 'class': 'ed-muted', text: t('index.versions', { n: d.versions.length,
                                                                                   v: d.latest_version }) })]));
    });
  }

  function mayDeploy() {
    var roles = (EditorAuth.user() || {}).roles || [];
    return roles.indexOf('supervisor') !== -1 || roles.indexOf('admin') !== -1;
  }

  function start() {
    EditorI18n.apply();
    EditorAuth.start();
    EditorAuth.ready.then(function () {
      if (!mayDeploy() && $('ed-nav-dashboard')) { $('ed-nav-dashboard').hidden = true; }  // supervisors' page
      if (state.mode === 'index') { return api('GET', '/process-definitions').then(renderIndex); }
      $('ed-main').hidden = false;
      wire();
      showTab('problems');
      var flash = sessionStorage.getItem('atensi.editor.flash');
      if (state.mode === 'new' && !mayDeploy()) { throw new Error(t('readonly.role')); }
      var loaded = state.mode === 'new' ? startNew() : loadDefinition().then(function () {
        if (!state.definition) { throw new Error(state.key + ': ' + t('index.none')); }
        return loadVersion();
      });
      return loaded.then(function () {
        if (flash) {
          sessionStorage.removeItem('atensi.editor.flash');
          say(flash, 'ok');
        }
        body.setAttribute('data-ready', 'true');
      });
    }).catch(failed);
  }

  start();
})();
