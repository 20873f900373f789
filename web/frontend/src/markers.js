// Markers and overlays shared by the viewer and the modeler bundles.
// Every helper takes a bpmn-js instance (Viewer, NavigatedViewer or Modeler),
// is idempotent (it first clears what it set before) and returns the ids it
// could not find in the diagram, so a page can list those elsewhere.

const PROGRESS = { completed: 'atensi-done', active: 'atensi-active', waiting: 'atensi-waiting' };
const DIFF = { added: 'atensi-added', removed: 'atensi-removed', changed: 'atensi-changed' };
const ERROR_MARKER = 'atensi-error';
const COUNT_OVERLAY = 'atensi-count';
const ERROR_OVERLAY = 'atensi-error';

function clearMarker(viewer, marker) {
  const canvas = viewer.get('canvas');
  viewer.get('elementRegistry').forEach(function(element) {
    if (canvas.hasMarker(element, marker)) {
      canvas.removeMarker(element, marker);
    }
  });
}

function applyMarkers(viewer, groups, markerByKey) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const missing = [];

  Object.keys(markerByKey).forEach(function(key) {
    clearMarker(viewer, markerByKey[key]);
  });

  Object.keys(markerByKey).forEach(function(key) {
    (groups && groups[key] || []).forEach(function(id) {
      if (registry.get(id)) {
        canvas.addMarker(id, markerByKey[key]);
      } else {
        missing.push(id);
      }
    });
  });

  return missing;
}

/**
 * Colour a case's progress: {completed: [ids], active: [ids], waiting: [ids]}.
 * Classes: atensi-done, atensi-active, atensi-waiting.
 */
export function markProgress(viewer, progress) {
  return applyMarkers(viewer, progress, PROGRESS);
}

/**
 * Version diff: {added: [ids], removed: [ids], changed: [ids]}.
 * Classes: atensi-added, atensi-removed, atensi-changed.
 */
export function highlight(viewer, diff) {
  return applyMarkers(viewer, diff, DIFF);
}

/**
 * A small badge (class atensi-count) at the top right of each element:
 * {elementId: count}. Null and undefined counts are skipped.
 */
export function addCounts(viewer, counts) {
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  const missing = [];

  overlays.remove({ type: COUNT_OVERLAY });

  Object.keys(counts || {}).forEach(function(id) {
    const count = counts[id];
    const element = registry.get(id);

    if (count === null || count === undefined) {
      return;
    }
    if (!element) {
      missing.push(id);
      return;
    }

    const badge = document.createElement('div');
    badge.className = 'atensi-count';
    badge.textContent = String(count);
    badge.title = String(count);

    overlays.add(id, COUNT_OVERLAY, {
      position: { top: -10, right: 10 },
      html: badge
    });
  });

  return missing;
}

/**
 * Error marker (class atensi-error) and a message overlay on each element:
 * [{element_id, message}]. Several messages on one element are listed together.
 * Returns the errors whose element is not in the diagram (or that name none).
 */
export function showErrors(viewer, errors) {
  const canvas = viewer.get('canvas');
  const overlays = viewer.get('overlays');
  const registry = viewer.get('elementRegistry');
  const byElement = {};
  const unplaced = [];

  clearErrors(viewer);

  (errors || []).forEach(function(error) {
    const id = error.element_id || error.elementId;

    if (id && registry.get(id)) {
      (byElement[id] = byElement[id] || []).push(String(error.message || ''));
    } else {
      unplaced.push(error);
    }
  });

  Object.keys(byElement).forEach(function(id) {
    const element = registry.get(id);
    const box = document.createElement('div');

    box.className = 'atensi-error-message';
    byElement[id].forEach(function(message) {
      const line = document.createElement('div');
      line.textContent = message;
      box.appendChild(line);
    });

    canvas.addMarker(id, ERROR_MARKER);

    overlays.add(id, ERROR_OVERLAY, {
      position: { bottom: -6, left: 0 },
      html: box
    });
  });

  return unplaced;
}

export function clearErrors(viewer) {
  clearMarker(viewer, ERROR_MARKER);
  viewer.get('overlays').remove({ type: ERROR_OVERLAY });
}
