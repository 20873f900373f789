// Read-only mode for the modeler: the diagram can be selected, panned, zoomed
// and inspected, but no command runs. Import still works (it bypasses the
// command stack). The properties panel inputs are disabled by modeler.js.

function ReadOnly(config, canvas, commandStack, contextPad, directEditing) {
  const self = this;
  const container = canvas.getContainer();

  this._readOnly = false;

  function guard(object, method, blocked) {
    const original = object[method];
    object[method] = function() {
      return self._readOnly ? blocked : original.apply(object, arguments);
    };
  }

  guard(commandStack, 'canExecute', false);
  guard(commandStack, 'execute', undefined);
  guard(commandStack, 'undo', undefined);
  guard(commandStack, 'redo', undefined);
  guard(contextPad, 'open', undefined);
  guard(directEditing, 'activate', false);

  this.setReadOnly = function(readOnly) {
    self._readOnly = !!readOnly;
    container.classList.toggle('atensi-readonly', self._readOnly);
    if (self._readOnly) {
      contextPad.close();
      directEditing.cancel();
    }
  };

  this.isReadOnly = function() {
    return self._readOnly;
  };

  this.setReadOnly(config && config.readOnly);
}

ReadOnly.$inject = [ 'config.atensi', 'canvas', 'commandStack', 'contextPad', 'directEditing' ];

export default {
  __init__: [ 'atensiReadOnly' ],
  atensiReadOnly: [ 'type', ReadOnly ]
};
