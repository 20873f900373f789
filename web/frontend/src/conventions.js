// Facts from docs/bpmn-conventions.md that the editor needs.
// Keep in step with that document (it is the contract with the engine).

export const SPIFF_NS = 'http://spiffworkflow.org/bpmn/schema/1.0/core';

// Role keys a lane name (or a task's `role` property) may resolve to.
export const KNOWN_ROLES = [ 'pekerja_sosial', 'konselor_adiksi', 'supervisor', 'admin', 'koordinator_wilayah' ];

// Roles offered as a per-task override in the editor.
export const OVERRIDE_ROLES = [ 'pekerja_sosial', 'konselor_adiksi', 'supervisor' ];

// Lanes of a new diagram, in order.
export const DEFAULT_LANES = [ 'Pekerja Sosial', 'Konselor Adiksi', 'Supervisor' ];

// Stage keys per process, in case order.
export const STAGES = {
  atensi_intake: [
    'identifikasi', 'asesmen', 'rencana_intervensi', 'intervensi',
    'reintegrasi', 'terminasi', 'aftercare'
  ],
  case_response: [
    'kedaruratan', 'intervensi_krisis', 'pendampingan', 'rehabilitasi_sosial', 'penguatan'
  ]
};

// spiffworkflow:property names the editor writes.
export const PROP = {
  form: 'formJsonSchemaFilename',
  dueIn: 'dueIn',
  dueDate: 'dueDate',
  stage: 'stage',
  role: 'role'
};

/**
 * Lane name to role key: lower case, spaces and hyphens to `_`.
 * `Pekerja Sosial` -> `pekerja_sosial`.
 */
export function normaliseRole(laneName) {
  return String(laneName || '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

// ISO-8601 duration as used by `dueIn` (e.g. P3D, PT24H, P1W, P1Y2M3DT4H5M6S).
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

export function isIsoDuration(text) {
  return ISO_DURATION.test(String(text || '').trim());
}

// An unquoted ISO literal (P3M, PT10M, R3/P1M, 2025-01-01T00:00...) written where a
// Python expression is expected.
const BARE_ISO = /^(R\d*\/)?(P[0-9YMWDTHS.]+|\d{4}-\d{2}-\d{2}[0-9T:.+\-Z]*)(\/\S+)?$/;

export function isBareIsoLiteral(text) {
  return BARE_ISO.test(String(text || '').trim());
}
