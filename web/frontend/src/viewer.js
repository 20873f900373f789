// Entry of atensi-viewer.js: a read-only, pannable and zoomable diagram.
// Exposes window.AtensiViewer.

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './atensi.css';

import spiffworkflowDescriptor from './spiffworkflow.json';
import { markProgress, addCounts, highlight, showErrors, clearErrors } from './markers';

/**
 * Create a viewer in `container` and import `xml` into it.
 *
 * options:
 *   height: CSS height of the canvas (default: fill the container)
 *   fit: zoom to fit the diagram after import (default true)
 *
 * Returns a Promise of the NavigatedViewer. Import warnings are kept on
 * viewer.atensiWarnings; an import error rejects the promise (error.warnings).
 */
export function createViewer(container, xml, options) {
  options = options || {};

  const viewer = new NavigatedViewer({
    container: container,
    height: options.height || '100%',
    moddleExtensions: { spiffworkflow: spiffworkflowDescriptor }
  });

  return viewer.importXML(xml).then(function(result) {
    viewer.atensiWarnings = result.warnings || [];

    if (options.fit !== false) {
      viewer.get('canvas').zoom('fit-viewport', 'auto');
    }

    return viewer;
  });
}

export { markProgress, addCounts, highlight, showErrors, clearErrors };
