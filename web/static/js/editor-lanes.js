/* Lanes that are not roles (Sales, Boss, Accounting, from another tool's diagram): a small form in
 * the problems panel offers a role for each; the choice is written into the diagram as the lane's
 * <spiffworkflow:property name="role">, so the deploy and every later version remember it. */
(function () {
  'use strict';

  var t = function (key, vars) { return EditorI18n.t(key, vars); };
  var ROLES = AtensiModeler.ROLES;  // conventions.js, checked against engine/vocabulary.py

  function findByType(list, type) {
    return (list || []).filter(function (item) { return item.$type === type; })[0];
  }

  /* One undoable step per change, through bpmn-js's own modeling commands. */
  function setLaneRole(modeler, laneId, role) {
    var element = modeler.get('elementRegistry').get(laneId);
    if (!element) { return false; }
    var moddle = modeler.get('moddle');
    var modeling = modeler.get('modeling');
    var bo = element.businessObject;
    var ext = bo.get('extensionElements');
    if (!ext) {
      ext = moddle.create('bpmn:ExtensionElements', { values: [] });
      ext.$parent = bo;
      modeling.updateModdleProperties(element, bo, { extensionElements: ext });
    }
    var props = findByType(ext.get('values'), 'spiffworkflow:properties');
    if (!props) {
      props = moddle.create('spiffworkflow:properties', { properties: [] });
      props.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: ext.get('values').concat(props) });
    }
    var prop = props.get('properties').filter(function (p) { return p.get('name') === 'role'; })[0];
    if (prop) {
      modeling.updateModdleProperties(element, prop, { value: role });
    } else {
      prop = moddle.create('spiffworkflow:property', { name: 'role', value: role });
      prop.$parent = props;
      modeling.updateModdleProperties(element, props, { properties: props.get('properties').concat(prop) });
    }
    return true;
  }

  function roleSelect(lane) {
    var select = EditorPanels.el('select', { 'data-lane': lane.element_id, 'aria-label': lane.name || lane.element_id });
    select.appendChild(EditorPanels.el('option', { value: '', text: t('lanes.choose') }));
    ROLES.forEach(function (role) {
      select.appendChild(EditorPanels.el('option', { value: role, text: t('role.' + role) }));
    });
    return select;
  }

  /* Show the form for `lanes` ([{file, element_id, name}]), or hide it when there are none. */
  function show(form, modeler, lanes, onApplied) {
    form.textContent = '';
    form.hidden = !lanes.length;
    if (!lanes.length) { return; }
    var rows = lanes.map(function (lane) {
      return EditorPanels.el('label', { 'class': 'ed-lane-row' }, [
        EditorPanels.el('span', { 'class': 'ed-lane-name', text: lane.name || lane.element_id }), ' ', roleSelect(lane)]);
    });
    var apply = EditorPanels.el('button', { type: 'submit', 'class': 'ed-primary', text: t('lanes.apply') });
    [EditorPanels.el('h3', { text: t('lanes.title') }), EditorPanels.el('p', { 'class': 'ed-muted', text: t('lanes.help') })]
      .concat(rows, [apply]).forEach(function (node) { form.appendChild(node); });
    form.onsubmit = function (event) {
      event.preventDefault();
      var chosen = Array.prototype.filter.call(form.querySelectorAll('select[data-lane]'), function (s) { return s.value; });
      chosen.forEach(function (s) { setLaneRole(modeler, s.getAttribute('data-lane'), s.value); });
      if (chosen.length) { onApplied(chosen.length); }
    };
  }

  window.EditorLanes = { show: show, setLaneRole: setLaneRole };
})();
