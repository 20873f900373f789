// The "ATENSI" group of the properties panel: plain fields for what the engine
// reads (docs/bpmn-conventions.md), never raw XML.

import { jsx } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { SelectEntry, TextFieldEntry, TextAreaEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

import { KNOWN_ROLES, OVERRIDE_ROLES, PROP, STAGES, isBareIsoLiteral, isIsoDuration, normaliseRole } from './conventions';
import {
  TIMER_TYPES, getCalledDecisionId, getCondition, getSpiffProperty, getTimerDefinition,
  getTimerExpression, getTimerType, setCalledDecisionId, setCondition, setSpiffProperty,
  setTimerExpression, setTimerType
} from './spiff-extensions';
import { cycleToWords, isoToWords, wordsToCycle, wordsToIso } from './durations';

const GROUP_ID = 'atensi';

// helpers ///////////////////////////////////////////////////////////////////

function optionList(values) {
  return (values || []).map(function(v) {
    return typeof v === 'string' ? { value: v, label: v } : { value: v.value, label: v.label || v.value };
  });
}

// Prepend "(none)" and keep a current value that is not offered.
function selectOptions(translate, options, current, noneLabel) {
  const flat = [];
  options.forEach(function(o) { flat.push.apply(flat, o.children || [ o ]); });
  const known = flat.some(function(o) { return o.value === current; });
  const result = [ { value: '', label: noneLabel || translate('(none)') } ];

  if (current && !known) {
    result.push({ value: current, label: translate('{value} (not in list)', { value: current }) });
  }
  return result.concat(options);
}

/** The innermost lane holding the element, or undefined. */
export function findLane(elementRegistry, element) {
  const bo = getBusinessObject(element);
  const lanes = elementRegistry.filter(function(e) {
    return is(e, 'bpmn:Lane') && (getBusinessObject(e).get('flowNodeRef') || []).indexOf(bo) !== -1;
  }).map(getBusinessObject);

  return lanes.find(function(lane) { return !lane.get('childLaneSet'); }) || lanes[0];
}

function isTimerEvent(element) {
  return is(element, 'bpmn:Event') && !!getTimerDefinition(element);
}

function isGatewayFlow(element) {
  return is(element, 'bpmn:SequenceFlow') && element.source &&
    isAny(element.source, [ 'bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway' ]);
}

function hasStage(element) {
  return is(element, 'bpmn:FlowNode') && !is(element, 'bpmn:Gateway');
}

function useCommon() {
  return {
    translate: useService('translate'),
    debounce: useService('debounceInput'),
    injector: useService('injector'),
    config: useService('config.atensi') || {}
  };
}

// user task entries ///////////////////////////////////////////////////////////

function RoleEntry(props) {
  const { element, id } = props;
  const { translate, debounce } = useCommon();
  const elementRegistry = useService('elementRegistry');
  const lane = findLane(elementRegistry, element);
  const override = getSpiffProperty(element, PROP.role);
  // A lane mapped to a role at import carries it as its own role property.
  const role = override || (lane ? getSpiffProperty(lane, PROP.role) || normaliseRole(lane.get('name')) : '');

  let description;
  if (override) {
    description = translate('Set by the role property (overrides the lane).');
  } else if (lane) {
    description = translate('From lane "{lane}". Move the task to another lane to change it.', { lane: lane.get('name') || '' });
  }

  return jsx(TextFieldEntry, {
    element, id, description, debounce,
    label: translate('Role'),
    disabled: true,
    getValue: function() { return role; },
    setValue: function() {},
    validate: function() {
      if (!role) {
        return translate('The task is in no lane: move it into a lane.');
      }
      if (KNOWN_ROLES.indexOf(role) === -1) {
        return translate('Unknown role "{role}": use a lane Pekerja Sosial, Konselor Adiksi or Supervisor.', { role });
      }
    }
  });
}

function RoleOverrideEntry(props) {
  const { element, id } = props;
  const { translate, injector } = useCommon();
  const current = getSpiffProperty(element, PROP.role) || '';

  return jsx(SelectEntry, {
    element, id,
    label: translate('Role override'),
    getValue: function() { return current; },
    setValue: function(value) { setSpiffProperty(injector, element, PROP.role, value); },
    getOptions: function() {
      return selectOptions(translate, optionList(OVERRIDE_ROLES), current, translate('(from lane)'));
    }
  });
}

function FormEntry(props) {
  const { element, id } = props;
  const { translate, injector, config } = useCommon();
  const current = getSpiffProperty(element, PROP.form) || '';

  return jsx(SelectEntry, {
    element, id,
    label: translate('Form'),
    description: translate('JSON Schema file in bpmn/forms/ (formJsonSchemaFilename).'),
    getValue: function() { return current; },
    setValue: function(value) { setSpiffProperty(injector, element, PROP.form, value); },
    getOptions: function() { return selectOptions(translate, optionList(config.forms), current); },
    validate: function(value) {
      if (!value) {
        return translate('Every user task needs a form.');
      }
    }
  });
}

// Typed and shown in words ("2 minggu"); written to the XML as ISO-8601 (P14D).
function DueInEntry(props) {
  const { element, id } = props;
  const { translate, debounce, injector, config } = useCommon();

  return jsx(TextFieldEntry, {
    element, id, debounce,
    label: translate('Due in'),
    description: translate('How long after the task opens, e.g. 3 days, 2 weeks, 4 months, 24 hours.'),
    getValue: function() { return isoToWords(getSpiffProperty(element, PROP.dueIn) || '', config.lang); },
    setValue: function(value) {
      const text = (value || '').trim();
      setSpiffProperty(injector, element, PROP.dueIn, wordsToIso(text) || text);
    },
    validate: function(value) {
      value = (value || '').trim();
      if (!value) {
        return getSpiffProperty(element, PROP.dueDate) ? null : translate('Set a due in (or a due date).');
      }
      if (!wordsToIso(value) || !isIsoDuration(wordsToIso(value))) {
        return translate('Not a duration: write e.g. 3 days, 2 weeks, 4 months or 24 hours.');
      }
    }
  });
}

function DueDateEntry(props) {
  const { element, id } = props;
  const { translate, debounce, injector } = useCommon();

  return jsx(TextFieldEntry, {
    element, id, debounce,
    label: translate('Due date (optional)'),
    description: translate('Python expression over the task data giving an ISO datetime; wins over due in.'),
    getValue: function() { return getSpiffProperty(element, PROP.dueDate) || ''; },
    setValue: function(value) { setSpiffProperty(injector, element, PROP.dueDate, value); }
  });
}

function LaneRoleEntry(props) {
  const { element, id } = props;
  const { translate, debounce } = useCommon();
  const mapped = getSpiffProperty(element, PROP.role);
  const role = mapped || normaliseRole(getBusinessObject(element).get('name'));

  return jsx(TextFieldEntry, {
    element, id, debounce,
    label: translate('Role of this lane'),
    description: mapped ? translate('Mapped to this role when the diagram was imported.') :
      translate('The lane name, lower case, spaces and hyphens as _.'),
    disabled: true,
    getValue: function() { return role; },
    setValue: function() {},
    validate: function() {
      if (KNOWN_ROLES.indexOf(role) === -1) {
        return translate('Unknown role "{role}": use a lane Pekerja Sosial, Konselor Adiksi or Supervisor.', { role });
      }
    }
  });
}

// camunda:* attributes (kept untyped in $attrs) the engine does not read.
function camundaAttributes(element) {
  const attrs = getBusinessObject(element).$attrs || {};
  return Object.keys(attrs).filter(function(name) { return name.indexOf('camunda:') === 0; });
}

function CamundaNoteEntry(props) {
  const { id, element } = props;
  const { translate } = useCommon();

  return jsx('div', {
    class: 'bio-properties-panel-entry atensi-note',
    'data-entry-id': id,
    children: translate('Camunda settings ({names}) stay in the file, but the ATENSI engine ignores them.', {
      names: camundaAttributes(element).join(', ')
    })
  });
}

// any flow node ///////////////////////////////////////////////////////////////

function stageOptions(translate, current) {
  const groups = Object.keys(STAGES).map(function(processKey) {
    return {
      label: translate('Stages of {process}', { process: processKey }),
      children: optionList(STAGES[processKey])
    };
  });
  return selectOptions(translate, groups, current);
}

function StageEntry(props) {
  const { element, id } = props;
  const { translate, injector } = useCommon();
  const current = getSpiffProperty(element, PROP.stage) || '';

  return jsx(SelectEntry, {
    element, id,
    label: translate('Stage'),
    getValue: function() { return current; },
    setValue: function(value) { setSpiffProperty(injector, element, PROP.stage, value); },
    getOptions: function() { return stageOptions(translate, current); }
  });
}

function StageTextEntry(props) {
  const { element, id } = props;
  const { translate, debounce, injector } = useCommon();

  return jsx(TextFieldEntry, {
    element, id, debounce,
    label: translate('Stage (free text)'),
    description: translate('Same value as above; type here for a stage not in the list.'),
    getValue: function() { return getSpiffProperty(element, PROP.stage) || ''; },
    setValue: function(value) { setSpiffProperty(injector, element, PROP.stage, (value || '').trim()); }
  });
}

// business rule task ///////////////////////////////////////////////////////////

function DecisionEntry(props) {
  const { element, id } = props;
  const { translate, injector, config } = useCommon();
  const current = getCalledDecisionId(element) || '';

  return jsx(SelectEntry, {
    element, id,
    label: translate('DMN decision'),
    description: translate('Decision id in a DMN file beside the BPMN (spiffworkflow:calledDecisionId).'),
    getValue: function() { return current; },
    setValue: function(value) { setCalledDecisionId(injector, element, value); },
    getOptions: function() { return selectOptions(translate, optionList(config.decisions), current); },
    validate: function(value) {
      if (!value) {
        return translate('A business rule task needs a decision.');
      }
    }
  });
}

// timer events ///////////////////////////////////////////////////////////////

function TimerTypeEntry(props) {
  const { element, id } = props;
  const { translate, injector } = useCommon();
  const labels = { timeDuration: 'Duration', timeDate: 'Date', timeCycle: 'Cycle' };

  return jsx(SelectEntry, {
    element, id,
    label: translate('Timer type'),
    getValue: function() { return getTimerType(getTimerDefinition(element)) || ''; },
    setValue: function(value) { setTimerType(injector, element, value); },
    getOptions: function() {
      const current = getTimerType(getTimerDefinition(element));
      const options = TIMER_TYPES.map(function(t) { return { value: t, label: translate(labels[t]) }; });
      return current ? options : [ { value: '', label: translate('(none)') } ].concat(options);
    }
  });
}

// A duration timer reads in words ("4 bulan" for "P4M"), a cycle too ("setiap 1 bulan, 4 kali" for
// "R4/P1M"); typing words writes the quoted literal.
const QUOTED_DURATION = /^"(P[0-9YMWDTH]+)"$/;
const QUOTED_CYCLE = /^"(R\d*\/P[0-9YMWDTH]+)"$/;

function expressionInWords(type, expression, lang) {
  const duration = type === 'timeDuration' && QUOTED_DURATION.exec(expression.trim());
  if (duration && isIsoDuration(duration[1])) {
    return isoToWords(duration[1], lang);
  }
  const cycle = type === 'timeCycle' && QUOTED_CYCLE.exec(expression.trim());
  return cycle ? cycleToWords(cycle[1], lang) : expression;
}

function wordsAsLiteral(type, value) {
  const text = (value || '').trim();
  if (type === 'timeDuration' && !/^P/i.test(text)) {
    return wordsToIso(text);
  }
  return type === 'timeCycle' && !/^R/i.test(text) ? wordsToCycle(text) : null;
}

function TimerExpressionEntry(props) {
  const { element, id } = props;
  const { translate, debounce, injector, config } = useCommon();
  const type = function() { return getTimerType(getTimerDefinition(element)); };

  return jsx(TextFieldEntry, {
    element, id, debounce,
    label: translate('Timer expression'),
    description: translate('A duration in words (4 months, 2 weeks), a cycle in words (every 1 month, 4 times), or Python: "2025-01-31T09:00:00+07:00", a variable.'),
    getValue: function() {
      return expressionInWords(type(), getTimerExpression(getTimerDefinition(element)) || '', config.lang);
    },
    setValue: function(value) {
      const iso = wordsAsLiteral(type(), value);
      setTimerExpression(injector, element, iso ? '"' + iso + '"' : value);
    },
    validate: function(value) {
      if (!(value || '').trim()) {
        return translate('A timer needs an expression.');
      }
      if (wordsAsLiteral(type(), value)) {
        return null;
      }
      if (isBareIsoLiteral(value)) {
        return translate('Quote the literal: "{value}".', { value: value.trim() });
      }
    }
  });
}

// sequence flows out of exclusive / inclusive gateways ////////////////////////

function ConditionEntry(props) {
  const { element, id } = props;
  const { translate, debounce, injector } = useCommon();
  const isDefault = getBusinessObject(element.source).get('default') === getBusinessObject(element);

  return jsx(TextAreaEntry, {
    element, id, debounce,
    label: translate('Condition'),
    monospace: true,
    rows: 2,
    description: isDefault ?
      translate('This is the gateway\'s default flow: it needs no condition.') :
      translate('Python expression over the case data, e.g. skor_risiko >= 27.'),
    getValue: function() { return getCondition(element) || ''; },
    setValue: function(value) { setCondition(injector, element, value); },
    validate: function(value) {
      if (/\$\{|#\{/.test(value || '')) {
        return translate('This looks like a Camunda (JUEL/FEEL) expression: write Python.');
      }
    }
  });
}

// the provider ///////////////////////////////////////////////////////////////

function entry(id, component, element, isEdited) {
  return { id: 'atensi-' + id, component, element, isEdited };
}

function isTextEdited(node) {
  return node && !!node.value;
}

export function atensiEntries(element) {
  const entries = [];

  if (is(element, 'bpmn:UserTask')) {
    entries.push(
      entry('role', RoleEntry, element),
      entry('form', FormEntry, element, isTextEdited),
      entry('dueIn', DueInEntry, element, isTextEdited),
      entry('dueDate', DueDateEntry, element, isTextEdited),
      entry('roleOverride', RoleOverrideEntry, element, isTextEdited)
    );
  }
  if (is(element, 'bpmn:BusinessRuleTask')) {
    entries.push(entry('decision', DecisionEntry, element, isTextEdited));
  }
  if (isTimerEvent(element)) {
    entries.push(
      entry('timerType', TimerTypeEntry, element, isTextEdited),
      entry('timerExpression', TimerExpressionEntry, element, isTextEdited)
    );
  }
  if (isGatewayFlow(element)) {
    entries.push(entry('condition', ConditionEntry, element, isTextEdited));
  }
  if (is(element, 'bpmn:Lane')) {
    entries.push(entry('laneRole', LaneRoleEntry, element));
  }
  if (camundaAttributes(element).length) {
    entries.push(entry('camundaNote', CamundaNoteEntry, element));
  }
  if (hasStage(element)) {
    entries.push(
      entry('stage', StageEntry, element, isTextEdited),
      entry('stageText', StageTextEntry, element, isTextEdited)
    );
  }

  return entries;
}

export default function AtensiPropertiesProvider(propertiesPanel, translate) {
  this.getGroups = function(element) {
    return function(groups) {
      const entries = atensiEntries(element);

      if (!entries.length) {
        return groups;
      }

      // our timer fields replace the stock "Timer" group
      if (isTimerEvent(element)) {
        groups = groups.filter(function(g) { return g.id !== 'timer'; });
      }

      const group = { id: GROUP_ID, label: translate('ATENSI'), entries };
      const general = groups.findIndex(function(g) { return g.id === 'general'; });

      groups.splice(general + 1, 0, group);
      return groups;
    };
  };

  // after the base provider (priority 1000), so that its groups are there
  propertiesPanel.registerProvider(400, this);
}

AtensiPropertiesProvider.$inject = [ 'propertiesPanel', 'translate' ];
