// A new, executable diagram: one pool, the three role lanes, a start event.

import { DEFAULT_LANES, normaliseRole } from './conventions';

const NCNAME = /^[A-Za-z_][\w.-]*$/;

function escapeXml(text) {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const POOL = { x: 120, y: 60, width: 1100, laneHeight: 180, header: 30 };

function laneXml(lanes, startId) {
  return lanes.map(function(lane, index) {
    const ref = index === 0 ? '\n        <bpmn:flowNodeRef>' + startId + '</bpmn:flowNodeRef>\n      ' : '';
    return '      <bpmn:lane id="' + lane.id + '" name="' + escapeXml(lane.name) + '">' + ref + '</bpmn:lane>';
  }).join('\n');
}

function laneShapes(lanes) {
  return lanes.map(function(lane, index) {
    return '      <bpmndi:BPMNShape id="' + lane.id + '_di" bpmnElement="' + lane.id + '" isHorizontal="true">\n' +
      '        <dc:Bounds x="' + (POOL.x + POOL.header) + '" y="' + (POOL.y + index * POOL.laneHeight) +
      '" width="' + (POOL.width - POOL.header) + '" height="' + POOL.laneHeight + '" />\n' +
      '      </bpmndi:BPMNShape>';
  }).join('\n');
}

/**
 * BPMN XML for a new process `processId` named `name` (Bahasa Indonesia),
 * isExecutable="true", with lanes Pekerja Sosial, Konselor Adiksi, Supervisor
 * and a start event in the first lane.
 */
export function newDiagramXml(processId, name) {
  if (!NCNAME.test(processId || '')) {
    throw new Error('processId must be an XML name such as atensi_intake, got: ' + processId);
  }

  name = name || processId;

  const startId = 'StartEvent_' + processId;
  const lanes = DEFAULT_LANES.map(function(laneName) {
    return { id: 'Lane_' + normaliseRole(laneName), name: laneName };
  });
  const poolHeight = lanes.length * POOL.laneHeight;

  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"' +
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"' +
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"' +
    ' xmlns:di="http://www.omg.org/spec/DD/20100524/DI"' +
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"' +
    ' id="Definitions_' + processId + '" targetNamespace="http://bpmn.io/schema/bpmn"' +
    ' exporter="ATENSI" exporterVersion="1">\n' +
    '  <bpmn:collaboration id="Collaboration_' + processId + '">\n' +
    '    <bpmn:participant id="Participant_' + processId + '" name="' + escapeXml(name) +
    '" processRef="' + processId + '" />\n' +
    '  </bpmn:collaboration>\n' +
    '  <bpmn:process id="' + processId + '" name="' + escapeXml(name) + '" isExecutable="true">\n' +
    '    <bpmn:laneSet id="LaneSet_' + processId + '">\n' +
    laneXml(lanes, startId) + '\n' +
    '    </bpmn:laneSet>\n' +
    '    <bpmn:startEvent id="' + startId + '" name="Mulai" />\n' +
    '  </bpmn:process>\n' +
    '  <bpmndi:BPMNDiagram id="BPMNDiagram_' + processId + '">\n' +
    '    <bpmndi:BPMNPlane id="BPMNPlane_' + processId + '" bpmnElement="Collaboration_' + processId + '">\n' +
    '      <bpmndi:BPMNShape id="Participant_' + processId + '_di" bpmnElement="Participant_' + processId +
    '" isHorizontal="true">\n' +
    '        <dc:Bounds x="' + POOL.x + '" y="' + POOL.y + '" width="' + POOL.width + '" height="' + poolHeight + '" />\n' +
    '      </bpmndi:BPMNShape>\n' +
    laneShapes(lanes) + '\n' +
    '      <bpmndi:BPMNShape id="' + startId + '_di" bpmnElement="' + startId + '">\n' +
    '        <dc:Bounds x="' + (POOL.x + POOL.header + 150) + '" y="' + (POOL.y + POOL.laneHeight / 2 - 18) +
    '" width="36" height="36" />\n' +
    '        <bpmndi:BPMNLabel>\n' +
    '          <dc:Bounds x="' + (POOL.x + POOL.header + 152) + '" y="' + (POOL.y + POOL.laneHeight / 2 + 25) +
    '" width="32" height="14" />\n' +
    '        </bpmndi:BPMNLabel>\n' +
    '      </bpmndi:BPMNShape>\n' +
    '    </bpmndi:BPMNPlane>\n' +
    '  </bpmndi:BPMNDiagram>\n' +
    '</bpmn:definitions>\n';
}
