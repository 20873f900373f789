// Draws the BPMN diagram of a page with the bpmn-js viewer bundle (atensi-viewer.js):
// <div id="diagram" data-mode="progress|counts"> and its data in <script type="application/json" id="diagram-data">
// {xml, completed, active, waiting} for a case's progress, or {xml, counts} for the dashboard heat map.
// Buttons in .diagram-tools (data-action="zoom-in|zoom-out|fit|focus") move the view.
(function () {
  'use strict';

  var READABLE_SCALE = 0.9;
  var MARGIN = 40;  // diagram units around the whole diagram
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

  // The whole diagram with a margin: 'fit-viewport' fits the shapes edge to edge and cut the labels
  // that stick out of them (an event's name below it, a lane's title).
  function fitWithMargin(canvas) {
    var box = canvas.viewbox();
    var inner = box.inner;
    if (!inner || !inner.width) {
      return;
    }
    var width = inner.width + 2 * MARGIN;
    var height = inner.height + 2 * MARGIN;
    var scale = Math.min(box.outer.width / width, box.outer.height / height);
    var shownWidth = box.outer.width / scale;
    var shownHeight = box.outer.height / scale;
    canvas.viewbox({
      x: inner.x - MARGIN - (shownWidth - width) / 2,
      y: inner.y - MARGIN - (shownHeight - height) / 2,
      width: shownWidth,
      height: shownHeight
    });
  }

  // The first view: the whole diagram when it reads at that size; else the part that matters (the case's
  // current step, the steps with cases, busiest first) at a readable size, the whole diagram one button away.
  function firstView(canvas, elements) {
    fitWithMargin(canvas);
    if (canvas.zoom() >= READABLE_SCALE * 0.7 || !elements.length) {
      return;
    }
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    elements.forEach(function (element) {
      left = Math.min(left, element.x);
      top = Math.min(top, element.y);
      right = Math.max(right, element.x + element.width);
      bottom = Math.max(bottom, element.y + element.height);
    });
    var outer = canvas.viewbox().outer;
    var scale = Math.min(READABLE_SCALE, outer.width / (right - left + 2 * MARGIN),
      outer.height / (bottom - top + 2 * MARGIN));
    if (scale < READABLE_SCALE * 0.7) {  // they do not fit together (a phone): the first one, readable
      centreOn(canvas, elements[0], READABLE_SCALE * 0.7);
      return;
    }
    centreOn(canvas, { x: left, y: top, width: right - left, height: bottom - top }, scale);
  }

  // bpmn-js shrinks overlays with the diagram: keep the counts at least their own size.
  function keepCountsReadable(viewer) {
    var canvas = viewer.get('canvas');
    viewer.get('overlays').get({ type: 'atensi-count' }).forEach(function (overlay) {
      overlay.scale = { min: 1 };
    });
    canvas.viewbox(canvas.viewbox());
  }

  function shapes(viewer, ids) {
    var registry = viewer.get('elementRegistry');
    return ids.map(function (id) { return registry.get(id); })
      .filter(function (element) { return element && element.width; });
  }

  // The zoom the page shows, for people (the status line) and for the browser tests.
  function reportZoom(viewer) {
    var canvas = viewer.get('canvas');
    function report() {
      container.setAttribute('data-zoom', canvas.zoom().toFixed(2));
    }
    viewer.get('eventBus').on('canvas.viewbox.changed', report);
    report();
  }

  // The case's current step: the smallest active shape (a task rather than the sub-process around
  // it), else a waiting one (a timer, a message).
  function firstActive(viewer) {
    var groups = [shapes(viewer, data.active || []), shapes(viewer, data.waiting || [])];
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].length) {
        return groups[i].reduce(function (small, element) {
          return element.width * element.height < small.width * small.height ? element : small;
        });
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
      'fit': function () { fitWithMargin(canvas); },
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
      window.AtensiViewer.addCounts(viewer, data.counts || {});
      keepCountsReadable(viewer);
      var counts = data.counts || {};
      firstView(canvas, shapes(viewer, Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })));
    } else {
      window.AtensiViewer.markProgress(viewer, {
        completed: data.completed || [],
        active: data.active || [],
        waiting: data.waiting || []
      });
      var current = firstActive(viewer);
      firstView(canvas, current ? [current] : []);
    }
    reportZoom(viewer);
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
