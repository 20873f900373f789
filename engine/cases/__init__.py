"""Running cases: operations, sync to tables, stored state, history, timers, migration, sandbox."""
