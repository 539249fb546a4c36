# The one way a unit test (tests/unit/NAME.c, Makefile) or a fuzz target
# (fuzz/NAME.c, fuzz/Makefile) reaches a tool's code: its opening comment names
# what it links on a line " * links: PATH...", each PATH a source file
# (cmd/bq-load/schema.c) or a tool's directory (cmd/ndjson-validate: every .c
# there but main.c). $(call links_src,FILE): those source files.
links_src = $(foreach p,$(shell sed -n 's/^ \* links: *\([^*]*\).*/\1/p' $(1)),$(if $(filter %.c,$(p)),$(p),$(filter-out %/main.c,$(wildcard $(p)/*.c))))
