// Draws the BPMN diagram of a page with the bpmn-js viewer bundle (atensi-viewer.js):
// <div id="diagram" data-mode="progress|counts"> and its data in <script type="application/json" id="diagram-data">
// {xml, completed, active, waiting} for a case's progress, or {xml, counts} for the dashboard heat map.
// Buttons in .diagram-tools (data-action="zoom-in|zoom-out|fit|focus") move the view.
(function () {
  'use strict';

  var READABLE_SCALE = 0.9;
  var container = document.getElementById('diagram');
  var source = document.getElementById('diagram-data');
  var status = document.getElementById('diagram-status');
  var tools = document.querySelector('.diagram-tools');
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

  function centreOn(canvas, element, scale) {
    var outer = canvas.viewbox().outer;
    var width = outer.width / scale;
    var height = outer.height / scale;
    canvas.viewbox({
      x: element.x + element.width / 2 - width / 2,
      y: element.y + element.height / 2 - height / 2,
      width: width,
      height: height
    });
  }

  // The heat map shows the whole diagram: give the canvas the diagram's proportions (within limits)
  // so that fitting it uses the page's width instead of leaving empty bands above and below.
  function fitToWidth(canvas) {
    var inner = canvas.viewbox().inner;
    if (!inner || !inner.width) {
      return;
    }
    var height = Math.round(inner.height * container.clientWidth / inner.width) + 48;
    container.style.height = Math.max(220, Math.min(520, height)) + 'px';
    canvas.resized();
    canvas.zoom('fit-viewport', 'auto');
  }

  // bpmn-js shrinks overlays with the diagram: keep the counts at least their own size.
  function keepCountsReadable(viewer) {
    var canvas = viewer.get('canvas');
    viewer.get('overlays').get({ type: 'atensi-count' }).forEach(function (overlay) {
      overlay.scale = { min: 1 };
    });
    canvas.viewbox(canvas.viewbox());
  }

  function firstActive(viewer) {
    var registry = viewer.get('elementRegistry');
    var ids = (data.active || []).concat(data.waiting || []);
    for (var i = 0; i < ids.length; i++) {
      var element = registry.get(ids[i]);
      if (element && element.width) {
        return element;
      }
    }
    return null;
  }

  function wireTools(viewer) {
    if (!tools) {
      return;
    }
    var canvas = viewer.get('canvas');
    var actions = {
      'zoom-in': function () { canvas.zoom(canvas.zoom() * 1.25); },
      'zoom-out': function () { canvas.zoom(canvas.zoom() / 1.25); },
      'fit': function () { canvas.zoom('fit-viewport', 'auto'); },
      'focus': function () {
        var element = firstActive(viewer);
        if (element) {
          centreOn(canvas, element, READABLE_SCALE);
        }
      }
    };
    tools.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-action]');
      if (button && actions[button.getAttribute('data-action')]) {
        actions[button.getAttribute('data-action')]();
      }
    });
    if (!firstActive(viewer)) {
      var focus = tools.querySelector('[data-action="focus"]');
      if (focus) {
        focus.hidden = true;
      }
    }
    tools.hidden = false;
  }

  if (!data.xml || !window.AtensiViewer) {
    say(data.failed, true);
    return;
  }

  window.AtensiViewer.createViewer(container, data.xml, { height: '100%' }).then(function (viewer) {
    var canvas = viewer.get('canvas');
    if (container.getAttribute('data-mode') === 'counts') {
      fitToWidth(canvas);
      window.AtensiViewer.addCounts(viewer, data.counts || {});
      keepCountsReadable(viewer);
    } else {
      window.AtensiViewer.markProgress(viewer, {
        completed: data.completed || [],
        active: data.active || [],
        waiting: data.waiting || []
      });
      // A long diagram fitted into the page is too small to read: start at the case's current step.
      var element = firstActive(viewer);
      if (element && canvas.zoom() < READABLE_SCALE * 0.7) {
        centreOn(canvas, element, READABLE_SCALE);
      }
    }
    wireTools(viewer);
    container.setAttribute('data-ready', 'true');
    say(data.done, false);
  }).catch(function (error) {
    say(data.failed, true);
    if (window.console) {
      window.console.error(error);
    }
  });
}());
