/* The editor's import of files made with other tools (Camunda, Signavio, SpiffArena, MIWG): a BPMN file,
 * several files, or a zip. */
(function () {
  'use strict';

  var t = function (key, vars) { return EditorI18n.t(key, vars); };

  function decodeUpload(buffer) {
    // Files from other tools declare their encoding (MIWG files say ISO-8859-1): honour it.
    var head = new TextDecoder('ascii').decode(buffer.slice(0, 200));
    var match = /encoding=["']([\w\-]+)["']/i.exec(head);
    try { return new TextDecoder(match ? match[1] : 'utf-8').decode(buffer); } catch (e) {
      return new TextDecoder('utf-8').decode(buffer);
    }
  }

  function processIdOf(xml) {
    var doc = new DOMParser().parseFromString(xml, 'application/xml');
    var processes = Array.prototype.slice.call(doc.getElementsByTagNameNS('*', 'process'));
    var executable = processes.filter(function (p) { return p.getAttribute('isExecutable') !== 'false'; });
    var chosen = executable[0] || processes[0];
    return chosen ? chosen.getAttribute('id') : null;
  }

  function decisionIds(xml) {
    var doc = new DOMParser().parseFromString(xml, 'application/xml');
    return Array.prototype.map.call(doc.getElementsByTagNameNS('*', 'decision'), function (d) {
      return d.getAttribute('id');
    });
  }

  /* input: the file input; editor: {state, say, validate, showDiagram, renderHeader} of the editor page. */
  function wire(input, editor) {
    var state = editor.state;
    var api = EditorAuth.api;
    var say = editor.say;
    var validate = editor.validate;
    var showDiagram = editor.showDiagram;
    var renderHeader = editor.renderHeader;

    /* One BPMN file opens in the modeler as it is; several files or a zip (a BPMN with its DMN, called
     * processes and forms) are unpacked by the server, the main BPMN opens and the rest join the draft. */
    function importFile(event) {
      var files = Array.prototype.slice.call(event.target.files);
      if (!files.length) { return; }
      var single = files.length === 1 && !/\.zip$/i.test(files[0].name);
      var imported = single ? files[0].arrayBuffer().then(function (buffer) {
        return openImported(files[0].name, decodeUpload(buffer), 0);
      }) : importBundle(files);
      imported.catch(function (error) { say(t('import.failed', { msg: error.message }), 'error'); });
      event.target.value = '';
    }

    function importBundle(files) {
      var form = new FormData();
      files.forEach(function (file) { form.append('files', file, file.name); });
      return api('POST', '/process-definitions/unpack', form).then(function (unpacked) {
        var main = mainBpmn(unpacked);
        if (!main) { throw new Error(t('import.nobpmn')); }
        var config = state.modeler.get('config.atensi');
        unpacked.forEach(function (file) {
          if (file === main) { return; }
          state.draft[file.name] = file.text;
          if (file.kind === 'form') { state.formsText[file.name] = file.text; config.forms.push(file.name); }
          if (file.kind === 'dmn') { config.decisions.push.apply(config.decisions, decisionIds(file.text)); }
        });
        state.formEditor.fill();
        return openImported(main.name, main.text, unpacked.length - 1);
      });
    }

    /* The BPMN whose process no other file of the bundle calls. */
    function mainBpmn(unpacked) {
      var bpmn = unpacked.filter(function (f) { return f.kind === 'bpmn'; });
      var called = bpmn.map(function (f) { return f.text; }).join(' ');
      return bpmn.filter(function (f) {
        var id = processIdOf(f.text);
        return id && called.indexOf('calledElement="' + id + '"') === -1;
      })[0] || bpmn[0];
    }

    function openImported(name, xml, companions) {
      if (state.mode === 'new' || !state.key) {
        state.key = processIdOf(xml) || state.key;
        state.bpmnName = name;
        renderHeader();
      }
      return state.modeler.importXML(xml).then(function (result) {
        showDiagram();
        state.dirty = true;
        AtensiModeler.clearErrors(state.modeler);
        var message = t('imported', { name: name, w: result.warnings.length }) +
          (companions ? ' ' + t('import.companions', { n: companions }) : '');
        say(message, 'dirty');
        return validate().then(function () { say(message, 'dirty'); });
      });
    }

    input.addEventListener('change', importFile);
  }

  window.EditorImport = { wire: wire, decisionIds: decisionIds };
})();
