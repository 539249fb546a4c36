/* cJSON allocations from an arena: while installed, every cJSON node and
 * string comes from large blocks by bumping a pointer, cJSON_Delete frees
 * nothing, and json_arena_reset() takes everything back at once, so parsing
 * a record costs no malloc/free per value (these were a third of the run
 * time). Only for a process that drops each record's cJSON tree before the
 * next one: the hooks are global (cJSON_InitHooks).
 *
 * A process that keeps other cJSON trees alive uses it scoped instead: the
 * arena serves cJSON only between json_arena_scope_begin() and
 * json_arena_scope_end(), malloc the rest of the time, and cJSON_Delete
 * frees what malloc gave and skips what the arena gave. */
#ifndef VP_JSON_ARENA_H
#define VP_JSON_ARENA_H

/* Installs the arena as cJSON's allocator. */
void json_arena_install(void);
/* Frees every cJSON value allocated since the last reset. */
void json_arena_reset(void);
/* Installs the arena for scoped use (json_arena_uninstall undoes it too). */
void json_arena_install_scoped(void);
/* Resets the arena and has cJSON allocate from it until
 * json_arena_scope_end(): every tree allocated in an earlier scope must be
 * deleted or dropped by now (its memory is reused or released). */
void json_arena_scope_begin(void);
void json_arena_scope_end(void);
/* Gives cJSON back malloc/free and releases the arena's memory. */
void json_arena_uninstall(void);

#endif
