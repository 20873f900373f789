// Draws the BPMN diagram of a page with the bpmn-js viewer bundle (atensi-viewer.js):
// <div id="diagram" data-mode="progress|counts"> and its data in <script type="application/json" id="diagram-data">
// {xml, completed, active, waiting} for a case's progress, or {xml, counts} for the dashboard heat map.
(function () {
  'use strict';

  var container = document.getElementById('diagram');
  var source = document.getElementById('diagram-data');
  var status = document.getElementById('diagram-status');
  if (!container || !source) {
    return;
  }

  var data = JSON.parse(source.textContent);

  function say(text, failed) {
    if (status) {
      status.textContent = text || '';
      status.classList.toggle('field-error', !!failed);
    }
  }

  if (!data.xml || !window.AtensiViewer) {
    say(data.failed, true);
    return;
  }

  window.AtensiViewer.createViewer(container, data.xml, { height: '100%' }).then(function (viewer) {
    if (container.getAttribute('data-mode') === 'counts') {
      window.AtensiViewer.addCounts(viewer, data.counts || {});
    } else {
      window.AtensiViewer.markProgress(viewer, {
        completed: data.completed || [],
        active: data.active || [],
        waiting: data.waiting || []
      });
    }
    container.setAttribute('data-ready', 'true');
    say(data.done, false);
  }).catch(function (error) {
    say(data.failed, true);
    if (window.console) {
      window.console.error(error);
    }
  });
}());
