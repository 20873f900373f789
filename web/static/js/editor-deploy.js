/* The editor's deploy dialog: a note for the version history, the server's scenario run first (a failing run
 * may be overridden), the problems when the draft is not valid, and the new version's page when it is. */
(function () {
  'use strict';

  var t = function (key, vars) { return EditorI18n.t(key, vars); };

  function $(id) { return document.getElementById(id); }

  /* editor: {state, base, path, draftFiles, showLanes, showTab} of the editor page. */
  function wire(editor) {
    var api = EditorAuth.api;
    var state = editor.state;
    var base = editor.base;
    var path = editor.path;
    var draftFiles = editor.draftFiles;
    var showLanes = editor.showLanes;
    var showTab = editor.showTab;

    function openDeploy() {
      $('ed-deploy-error').textContent = '';
      $('ed-deploy-scenarios').textContent = '';
      $('ed-override-row').hidden = true;
      $('ed-override').checked = false;
      $('ed-deploy-dialog').showModal();
    }

    function deploy(event) {
      event.preventDefault();
      var note = $('ed-deploy-note').value.trim();
      if (!note) { $('ed-deploy-note').focus(); return; }
      $('ed-deploy-confirm').disabled = true;
      $('ed-deploy-error').textContent = t('scenarios.running');
      draftFiles().then(function (files) {
        return api('POST', path('/versions'), { files: files, base_version: state.version, note: note,
                                                override_scenarios: $('ed-override').checked });
      }).then(function (result) {
        sessionStorage.setItem('atensi.editor.flash', result.created ? t('deploy.done', { v: result.version })
          : t('deploy.same', { v: result.version }));
        state.dirty = false;
        location.href = base + '/' + encodeURIComponent(result.key) + location.search;
      }).catch(function (error) {
        var problem = error.body || {};
        if (error.status === 422 && problem.scenarios) {
          EditorPanels.scenarios($('ed-deploy-scenarios'), problem.scenarios);
          EditorPanels.scenarios($('ed-scenario-results'), problem.scenarios);
          $('ed-override-row').hidden = false;
          $('ed-deploy-error').textContent = t('deploy.failed');
        } else if (error.status === 400 && problem.problems) {
          AtensiModeler.clearErrors(state.modeler);
          AtensiModeler.showErrors(state.modeler, EditorPanels.translated(problem.problems));
          EditorPanels.problems(state.modeler, $('ed-problems'), { problems: problem.problems, warnings: [] });
          showLanes(problem.unmapped_lanes);
          showTab('problems');
          $('ed-deploy-error').textContent = t('deploy.invalid');
          if (problem.unmapped_lanes && problem.unmapped_lanes.length) { $('ed-deploy-dialog').close(); }
        } else {
          $('ed-deploy-error').textContent = t('error', { msg: error.message });
        }
      }).then(function () { $('ed-deploy-confirm').disabled = false; });
    }

    $('ed-deploy').addEventListener('click', openDeploy);
    $('ed-deploy-form').addEventListener('submit', deploy);
    $('ed-deploy-cancel').addEventListener('click', function () { $('ed-deploy-dialog').close(); });
  }

  window.EditorDeploy = { wire: wire };
})();
