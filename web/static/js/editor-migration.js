/* The editor's "Migrasi kasus" tab: a dry run of moving the running cases of the process shown to
 * a version, then the migration, then its undo, over /api/v1/migrations. */
(function () {
  'use strict';

  function $(id) { return document.getElementById(id); }

  /* state: the editor's state (key); refresh(): reload the version history; failed(error). */
  function wire(state, refresh, failed) {
    var api = EditorAuth.api;
    var lastMigration = null;

    function request() {
      var from = $('ed-mig-from').value;
      return { process_key: state.key, to_version: parseInt($('ed-mig-to').value, 10),
               from_version: from ? parseInt(from, 10) : null };
    }

    $('ed-migration-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/migrations/dry-run', request()).then(function (report) {
        EditorPanels.migration($('ed-migration'), report);
        $('ed-mig-apply').disabled = !report.counts.movable;
        $('ed-mig-undo').hidden = true;
      }).catch(failed);
    });

    $('ed-mig-apply').addEventListener('click', function () {
      $('ed-mig-apply').disabled = true;
      api('POST', '/migrations', request()).then(function (report) {
        lastMigration = report.migration_id;
        EditorPanels.migration($('ed-migration'), report);
        $('ed-mig-undo').hidden = !report.counts.migrated;
        return refresh();
      }).catch(failed);
    });

    $('ed-mig-undo').addEventListener('click', function () {
      api('POST', '/migrations/' + encodeURIComponent(lastMigration) + '/undo').then(function (report) {
        EditorPanels.migration($('ed-migration'), report);
        $('ed-mig-undo').hidden = true;
        return refresh();
      }).catch(failed);
    });
  }

  window.EditorMigration = { wire: wire };
})();
