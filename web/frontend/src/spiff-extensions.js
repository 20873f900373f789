// Read and write the BPMN bits the ATENSI group edits. Every write is one
// undoable step (properties-panel.multi-command-executor).

import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export const TIMER_TYPES = [ 'timeDuration', 'timeDate', 'timeCycle' ];

function update(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

function run(injector, commands) {
  if (commands.length) {
    injector.get('commandStack').execute('properties-panel.multi-command-executor', commands);
  }
}

function isBlank(value) {
  return value === undefined || value === null || String(value).trim() === '';
}

function extensionValues(bo) {
  const extensionElements = bo.get('extensionElements');
  return extensionElements ? extensionElements.get('values') : [];
}

function findExtension(bo, type) {
  return extensionValues(bo).find(function(value) { return is(value, type); });
}

// Commands that add `child` to bo's extensionElements (created if missing).
function addExtensionCommands(element, bo, child, bpmnFactory) {
  const commands = [];
  let extensionElements = bo.get('extensionElements');

  if (!extensionElements) {
    extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensionElements.$parent = bo;
    commands.push(update(element, bo, { extensionElements }));
  }

  child.$parent = extensionElements;
  commands.push(update(element, extensionElements, { values: extensionElements.get('values').concat(child) }));

  return commands;
}

// Commands that remove `child` from bo's extensionElements (dropped when empty).
function removeExtensionCommands(element, bo, child) {
  const extensionElements = bo.get('extensionElements');
  const rest = extensionElements.get('values').filter(function(value) { return value !== child; });

  return [ rest.length ?
    update(element, extensionElements, { values: rest }) :
    update(element, bo, { extensionElements: undefined }) ];
}

// spiffworkflow:properties/property ///////////////////////////////////////

export function getSpiffProperty(element, name) {
  const properties = findExtension(getBusinessObject(element), 'spiffworkflow:properties');
  const property = properties && properties.get('properties').find(function(p) { return p.get('name') === name; });

  return property ? property.get('value') : undefined;
}

/** Set (or, for a blank value, remove) <spiffworkflow:property name=... value=...>. */
export function setSpiffProperty(injector, element, name, value) {
  const bpmnFactory = injector.get('bpmnFactory');
  const bo = getBusinessObject(element);
  let properties = findExtension(bo, 'spiffworkflow:properties');
  const list = properties ? properties.get('properties') : [];
  const property = list.find(function(p) { return p.get('name') === name; });
  let commands = [];

  if (isBlank(value)) {
    if (!property) {
      return;
    }
    const rest = list.filter(function(p) { return p !== property; });
    commands = rest.length ?
      [ update(element, properties, { properties: rest }) ] :
      removeExtensionCommands(element, bo, properties);
  } else if (property) {
    commands = [ update(element, property, { value }) ];
  } else {
    const created = bpmnFactory.create('spiffworkflow:property', { name, value });

    if (!properties) {
      properties = bpmnFactory.create('spiffworkflow:properties', { properties: [] });
      commands = addExtensionCommands(element, bo, properties, bpmnFactory);
    }
    created.$parent = properties;
    commands.push(update(element, properties, { properties: properties.get('properties').concat(created) }));
  }

  run(injector, commands);
}

// spiffworkflow:calledDecisionId ////////////////////////////////////////////

export function getCalledDecisionId(element) {
  const decision = findExtension(getBusinessObject(element), 'spiffworkflow:calledDecisionId');
  return decision ? decision.get('value') : undefined;
}

/** Set (or, for a blank value, remove) <spiffworkflow:calledDecisionId>id</...>. */
export function setCalledDecisionId(injector, element, decisionId) {
  const bo = getBusinessObject(element);
  const decision = findExtension(bo, 'spiffworkflow:calledDecisionId');
  let commands;

  if (isBlank(decisionId)) {
    commands = decision ? removeExtensionCommands(element, bo, decision) : [];
  } else if (decision) {
    commands = [ update(element, decision, { value: decisionId }) ];
  } else {
    const created = injector.get('bpmnFactory').create('spiffworkflow:calledDecisionId', { value: decisionId });
    commands = addExtensionCommands(element, bo, created, injector.get('bpmnFactory'));
  }

  run(injector, commands);
}

// timers ////////////////////////////////////////////////////////////////////

export function getTimerDefinition(element) {
  const definitions = getBusinessObject(element).get('eventDefinitions') || [];
  return definitions.find(function(d) { return is(d, 'bpmn:TimerEventDefinition'); });
}

export function getTimerType(timer) {
  return TIMER_TYPES.find(function(type) { return timer.get(type); });
}

export function getTimerExpression(timer) {
  const type = getTimerType(timer);
  return type ? timer.get(type).get('body') : undefined;
}

function setTimer(injector, element, timer, type, body) {
  const expression = injector.get('bpmnFactory').create('bpmn:FormalExpression', { body });
  const properties = {};

  TIMER_TYPES.forEach(function(t) { properties[t] = undefined; });
  expression.$parent = timer;
  properties[type] = expression;

  run(injector, [ update(element, timer, properties) ]);
}

/** Move the timer's expression to bpmn:timeDuration, timeDate or timeCycle. */
export function setTimerType(injector, element, type) {
  const timer = getTimerDefinition(element);

  if (TIMER_TYPES.indexOf(type) === -1 || getTimerType(timer) === type) {
    return;
  }
  setTimer(injector, element, timer, type, getTimerExpression(timer));
}

export function setTimerExpression(injector, element, body) {
  const timer = getTimerDefinition(element);
  const type = getTimerType(timer);

  if (type) {
    run(injector, [ update(element, timer.get(type), { body }) ]);
  } else {
    setTimer(injector, element, timer, 'timeDuration', body);
  }
}

// sequence flow conditions //////////////////////////////////////////////////

export function getCondition(element) {
  const expression = getBusinessObject(element).get('conditionExpression');
  return expression ? expression.get('body') : undefined;
}

/** Set (or, for a blank value, remove) the flow's bpmn:conditionExpression. */
export function setCondition(injector, element, body) {
  const bo = getBusinessObject(element);
  const expression = bo.get('conditionExpression');
  let commands;

  if (isBlank(body)) {
    commands = expression ? [ update(element, bo, { conditionExpression: undefined }) ] : [];
  } else if (expression) {
    commands = [ update(element, expression, { body }) ];
  } else {
    const created = injector.get('bpmnFactory').create('bpmn:FormalExpression', { body });
    created.$parent = bo;
    commands = [ update(element, bo, { conditionExpression: created }) ];
  }

  run(injector, commands);
}
