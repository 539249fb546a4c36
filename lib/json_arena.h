/* cJSON allocations from an arena: while installed, every cJSON node and
 * string comes from large blocks by bumping a pointer, cJSON_Delete frees
 * nothing, and json_arena_reset() takes everything back at once, so parsing
 * a record costs no malloc/free per value (these were a third of the run
 * time). Only for a process that drops each record's cJSON tree before the
 * next one: the hooks are global (cJSON_InitHooks). */
#ifndef VP_JSON_ARENA_H
#define VP_JSON_ARENA_H

/* Installs the arena as cJSON's allocator. */
void json_arena_install(void);
/* Frees every cJSON value allocated since the last reset. */
void json_arena_reset(void);
/* Gives cJSON back malloc/free and releases the arena's memory. */
void json_arena_uninstall(void);

#endif
