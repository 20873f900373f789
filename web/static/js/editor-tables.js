/* The decision tables of a version (DMN) as tables a supervisor can change in the browser: inputs are
 * shown, outputs are edited. A duration reads and is typed in words ("4 bulan"), a cycle as "setiap 1
 * bulan, 4 kali"; the DMN keeps ISO-8601. Changed tables join the draft and deploy with it. */
(function () {
  'use strict';

  var DMN = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
  var ISO = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/;
  var CYCLE = /^R(\d*)\/(P[^/]+)$/;
  var CYCLE_WORDS = /^(?:setiap|every)\s+(.+?)(?:,?\s+(\d+)\s+(?:kali|times?))?$/;

  function el(tag, attrs, children) { return EditorPanels.el(tag, attrs, children); }
  function t(key, vars) { return EditorI18n.t(key, vars); }

  function unquoted(text) {
    var match = /^"(.*)"$/.exec(text.trim());
    return match ? match[1] : null;
  }

  /* What a cell holds, in the supervisor's words when it is a duration or a cycle. */
  function shown(text) {
    var value = unquoted(text);
    if (value !== null && ISO.test(value)) { return AtensiModeler.isoToWords(value, EditorI18n.lang); }
    if (value !== null && CYCLE.test(value)) { return AtensiModeler.cycleToWords(value, EditorI18n.lang); }
    return text;
  }

  /* The cell text for what was typed, in the kind the cell held; null when it cannot be read. */
  function typed(words, before) {
    var value = unquoted(before);
    if (value !== null && ISO.test(value)) {
      var iso = AtensiModeler.wordsToIso(words);
      return iso ? '"' + iso + '"' : null;
    }
    if (value !== null && CYCLE.test(value)) {
      var match = CYCLE_WORDS.exec(words.trim().toLowerCase()) || [];
      var plain = CYCLE.exec(words.trim().toUpperCase());
      var period = plain ? AtensiModeler.wordsToIso(plain[2]) : match[1] &&
        AtensiModeler.wordsToIso(match[1].indexOf(' ') >= 0 ? match[1] : '1 ' + match[1]);
      return period ? '"R' + ((plain ? plain[1] : match[2]) || '') + '/' + period + '"' : null;
    }
    return words.trim() ? words.trim() : null;
  }

  function texts(node, tag) {
    return Array.prototype.map.call(node.getElementsByTagNameNS(DMN, tag), function (entry) {
      return entry.getElementsByTagNameNS(DMN, 'text')[0];
    });
  }

  function TableEditor(options) {
    this.box = options.box;
    this.state = options.state;
    this.onSaved = options.onSaved;
  }

  TableEditor.prototype.fill = function (tablesText) {
    var self = this;
    this.box.textContent = '';
    Object.keys(tablesText).sort().forEach(function (name) {
      var doc = new DOMParser().parseFromString(self.state.draft[name] || tablesText[name], 'application/xml');
      Array.prototype.forEach.call(doc.getElementsByTagNameNS(DMN, 'decision'), function (decision) {
        var section = self.table(name, doc, decision);
        var timed = texts(decision, 'outputEntry').some(function (text) { return shown(text.textContent) !== text.textContent; });
        self.box.insertBefore(section, timed ? self.box.firstChild : null);  // durations first: what is changed most
      });
    });
    if (!this.box.childNodes.length) { this.box.appendChild(el('p', { 'class': 'ed-muted', text: t('tables.none') })); }
  };

  TableEditor.prototype.table = function (name, doc, decision) {
    var self = this;
    var table = decision.getElementsByTagNameNS(DMN, 'decisionTable')[0];
    var inputs = Array.prototype.slice.call(table.getElementsByTagNameNS(DMN, 'input'));
    var outputs = Array.prototype.slice.call(table.getElementsByTagNameNS(DMN, 'output'));
    var head = inputs.concat(outputs).map(function (column) {
      return el('th', { text: column.getAttribute('label') || column.getAttribute('name') || '' });
    });
    var rows = Array.prototype.map.call(table.getElementsByTagNameNS(DMN, 'rule'), function (rule) {
      var cells = texts(rule, 'inputEntry').map(function (text) { return el('td', {}, [el('code', { text: text.textContent })]); });
      texts(rule, 'outputEntry').forEach(function (text) {
        var field = el('input', { type: 'text', value: shown(text.textContent), 'data-rule': rule.getAttribute('id'),
                                  'aria-label': rule.getAttribute('id'), disabled: self.state.readOnly ? 'disabled' : null });
        var error = el('small', { 'class': 'ed-error', role: 'alert' });
        field.addEventListener('change', function () {
          var cell = typed(field.value, text.textContent);
          error.textContent = cell === null ? t('tables.bad', { value: field.value }) : '';
          if (cell === null) { return; }
          text.textContent = cell;
          self.state.draft[name] = new XMLSerializer().serializeToString(doc);
          self.onSaved(name);
        });
        cells.push(el('td', {}, [field, error]));
      });
      var about = rule.getElementsByTagNameNS(DMN, 'description')[0];
      cells.push(el('td', { 'class': 'ed-muted', text: about ? about.textContent : '' }));
      return el('tr', {}, cells);
    });
    var description = decision.getElementsByTagNameNS(DMN, 'description')[0];
    return el('section', { 'class': 'ed-decision', 'data-decision': decision.getAttribute('id') }, [
      el('h3', { text: (decision.getAttribute('name') || decision.getAttribute('id')) + ' (' + name + ')' }),
      description && description.parentNode === decision ? el('p', { 'class': 'ed-muted', text: description.textContent }) : null,
      el('table', { 'class': 'ed-table' }, [el('thead', {}, [el('tr', {}, head.concat([el('th', { text: t('tables.note') })]))]),
                                           el('tbody', {}, rows)])]);
  };

  window.EditorTables = { TableEditor: TableEditor, shown: shown, typed: typed };
})();
