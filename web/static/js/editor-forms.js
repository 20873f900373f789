/* The form editor: a task's JSON Schema as text, and a live preview of the form a case manager
 * will fill in (the same widgets the task page draws: text, textarea, number, date, select,
 * checkbox, checkbox group). Edited forms are kept in the draft and deployed with it. */
(function () {
  'use strict';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] === false || attrs[name] === null || attrs[name] === undefined) { return; }
      if (name === 'text') { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function typeOf(prop) {
    return Array.isArray(prop.type) ? prop.type.filter(function (t) { return t !== 'null'; })[0] : prop.type;
  }

  function input(name, prop, required) {
    var type = typeOf(prop);
    var common = { name: name, id: 'pv-' + name, required: required ? 'required' : null };
    if (prop['enum']) {
      var options = prop['enum'].map(function (value) { return el('option', { value: value, text: String(value) }); });
      return el('select', common, [el('option', { value: '', text: '—' })].concat(options));
    }
    if (type === 'boolean') { return el('input', Object.assign({ type: 'checkbox' }, common)); }
    if (type === 'integer' || type === 'number') {
      return el('input', Object.assign({ type: 'number', min: prop.minimum, max: prop.maximum,
                                         step: type === 'integer' ? '1' : 'any' }, common));
    }
    if (type === 'array' && prop.items && prop.items['enum']) {
      return el('div', { 'class': 'pv-group', id: common.id }, prop.items['enum'].map(function (value) {
        return el('label', {}, [el('input', { type: 'checkbox', name: name, value: value }),
                                document.createTextNode(' ' + value)]);
      }));
    }
    if (type === 'array' || prop['x-widget'] === 'textarea' || (prop.maxLength || 0) > 200) {
      return el('textarea', Object.assign({ rows: 3 }, common));
    }
    var format = { 'date': 'date', 'date-time': 'datetime-local', 'email': 'email', 'uri': 'url' }[prop.format];
    return el('input', Object.assign({ type: format || 'text', maxlength: prop.maxLength }, common));
  }

  function field(name, prop, required) {
    if (typeOf(prop) === 'object' && prop.properties) {
      return el('fieldset', { 'class': 'pv-object' }, [el('legend', { text: prop.title || name }), fields(prop)]);
    }
    var label = el('label', { 'for': 'pv-' + name, 'class': 'pv-label' },
                   [document.createTextNode(prop.title || name)]);
    if (required) { label.appendChild(el('span', { 'class': 'pv-required', text: ' *', title: 'wajib' })); }
    var help = prop.description ? el('small', { 'class': 'pv-help', text: prop.description }) : null;
    return el('div', { 'class': 'pv-field' }, [label, input(name, prop, required), help]);
  }

  function fields(schema) {
    var required = schema.required || [];
    var box = el('div', { 'class': 'pv-fields' });
    Object.keys(schema.properties || {}).forEach(function (name) {
      var prop = schema.properties[name];
      if (prop && typeof prop === 'object') { box.appendChild(field(name, prop, required.indexOf(name) !== -1)); }
    });
    return box;
  }

  /* Draw the form of `schema` into `target` (replacing what was there). */
  function render(target, schema) {
    target.textContent = '';
    if (schema.title) { target.appendChild(el('h4', { text: schema.title })); }
    if (schema.description) { target.appendChild(el('p', { 'class': 'pv-description', text: schema.description })); }
    target.appendChild(fields(schema));
  }

  /* Wire the forms tab. `state` gives: files() -> {name: text} of the version, draft (an object of
   * edited files), and onSaved(name). */
  function FormEditor(state) {
    this.state = state;
    this.select = document.getElementById('ed-form-select');
    this.text = document.getElementById('ed-form-json');
    this.error = document.getElementById('ed-form-error');
    this.preview = document.getElementById('ed-form-preview');
    var self = this;
    var timer = null;
    this.select.addEventListener('change', function () { self.open(self.select.value); });
    this.text.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.refresh(); }, 150);
    });
    this.preview.addEventListener('submit', function (event) { event.preventDefault(); });
    document.getElementById('ed-form-apply').addEventListener('click', function () { self.save(); });
    document.getElementById('ed-form-new').addEventListener('click', function () { self.create(); });
  }

  FormEditor.prototype.names = function () {
    var names = Object.keys(this.state.forms());
    Object.keys(this.state.draft).forEach(function (name) {
      if (/\.json$/i.test(name) && !/\.scenarios?\.json$/i.test(name) && names.indexOf(name) === -1) {
        names.push(name);
      }
    });
    return names.sort();
  };

  FormEditor.prototype.fill = function (selected) {
    var self = this;
    var names = this.names();
    this.select.textContent = '';
    names.forEach(function (name) { self.select.appendChild(el('option', { value: name, text: name })); });
    if (names.length) { this.open(selected && names.indexOf(selected) !== -1 ? selected : names[0]); }
  };

  FormEditor.prototype.open = function (name) {
    this.select.value = name;
    var text = this.state.draft[name] !== undefined ? this.state.draft[name] : this.state.forms()[name];
    this.text.value = text || '';
    this.refresh();
  };

  FormEditor.prototype.parse = function () {
    try {
      var schema = JSON.parse(this.text.value);
      if (!schema || typeof schema !== 'object' || Array.isArray(schema)) { throw new Error('{ … }'); }
      this.error.textContent = '';
      return schema;
    } catch (e) {
      this.error.textContent = EditorI18n.t('forms.badjson', { msg: e.message });
      return null;
    }
  };

  FormEditor.prototype.refresh = function () {
    var schema = this.parse();
    if (schema) { render(this.preview, schema); }
  };

  FormEditor.prototype.save = function () {
    var name = this.select.value;
    if (!name || !this.parse()) { return; }
    this.state.draft[name] = this.text.value;
    this.state.onSaved(name);
  };

  FormEditor.prototype.create = function () {
    var name = (window.prompt(EditorI18n.t('forms.newname')) || '').trim();
    if (!/^[\w\-]+\.json$/.test(name)) { return; }
    this.state.draft[name] = JSON.stringify({
      '$schema': 'https://json-schema.org/draft/2020-12/schema', title: name.replace(/\.json$/, ''),
      type: 'object', properties: { catatan: { type: 'string', title: 'Catatan', 'x-widget': 'textarea' } },
      required: ['catatan']
    }, null, 2);
    this.state.onSaved(name);
    this.fill(name);
  };

  window.EditorForms = { FormEditor: FormEditor, render: render };
})();
