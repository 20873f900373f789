// Entry of atensi-modeler.js: bpmn-js Modeler + properties panel + the ATENSI
// group. Exposes window.AtensiModeler.

import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './atensi.css';
import './modeler.css';

import spiffworkflowDescriptor from './spiffworkflow.json';
import AtensiPropertiesProvider from './atensi-properties';
import translateModule from './translate';
import readOnlyModule from './read-only';
import { newDiagramXml } from './template';
import { markProgress, addCounts, highlight, showErrors, clearErrors } from './markers';
import { KNOWN_ROLES, STAGES, normaliseRole } from './conventions';

const atensiPropertiesModule = {
  __init__: [ 'atensiPropertiesProvider' ],
  atensiPropertiesProvider: [ 'type', AtensiPropertiesProvider ]
};

function listOf(value) {
  return Array.isArray(value) ? value.slice() : [];
}

/**
 * Create a Modeler drawing in `canvasEl`, with its properties panel in `panelEl`.
 *
 * options:
 *   forms:     [string | {value, label}]  form file names offered for user tasks
 *   decisions: [string | {value, label}]  DMN decision ids offered for business rule tasks
 *   readOnly:  boolean (default false)    inspect only: no palette, no edits
 *   lang:      'id' (default) | 'en'
 *   height:    CSS height of the canvas (default: fill canvasEl)
 *
 * Returns the bpmn-js Modeler (use modeler.importXML / modeler.saveXML).
 */
export function createModeler(canvasEl, panelEl, options) {
  options = options || {};

  const atensi = {
    forms: listOf(options.forms),
    decisions: listOf(options.decisions),
    readOnly: !!options.readOnly,
    lang: options.lang === 'en' ? 'en' : 'id'
  };

  // a disabled <fieldset> disables every input of the panel in read-only mode
  const panelHost = document.createElement('fieldset');
  panelHost.className = 'atensi-panel';
  panelHost.disabled = atensi.readOnly;
  panelEl.appendChild(panelHost);

  const modeler = new Modeler({
    container: canvasEl,
    height: options.height || '100%',
    propertiesPanel: {
      parent: panelHost,
      layout: { groups: { general: { open: true }, atensi: { open: true } } }
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      translateModule,
      readOnlyModule,
      atensiPropertiesModule
    ],
    // camunda:* and other vendor attributes and elements round-trip untyped.
    // (Registering camunda-bpmn-moddle breaks export of files that bind the
    // camunda prefix to another namespace, e.g. Activiti-era MIWG C.1.0.)
    moddleExtensions: { spiffworkflow: spiffworkflowDescriptor },
    atensi: atensi
  });

  modeler.atensiPanelHost = panelHost;
  return modeler;
}

/** Switch read-only mode on or off after creation. */
export function setReadOnly(modeler, readOnly) {
  modeler.get('atensiReadOnly').setReadOnly(readOnly);
  if (modeler.atensiPanelHost) {
    modeler.atensiPanelHost.disabled = !!readOnly;
  }
}

export const ROLES = KNOWN_ROLES.slice();
export const STAGE_KEYS = JSON.parse(JSON.stringify(STAGES));

export {
  newDiagramXml, showErrors, clearErrors, highlight, markProgress, addCounts, normaliseRole
};

// durations in words for the editor page's own panels (diff, problems): "P14D" <-> "2 minggu"
export { cycleToWords, isoToWords, wordsToIso } from './durations';
