# vtex-pipes build. Every cmd/<tool>/ becomes bin/<tool>; lib/ becomes one static
# archive that every tool links (only the objects a tool uses are pulled in).
# A tool needing more libraries declares them in cmd/<tool>/tool.mk:
#   PKGS_<tool> := librdkafka        (pkg-config names)
#   LDLIBS_<tool> := -L... -lduckdb  (anything else)
.DEFAULT_GOAL := all
CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
SAN     ?=
PREFIX  ?= /usr/local
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

LIB_PKGS := libcjson libcurl openssl libmicrohttpd
CFLAGS_ALL = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -g $(OPT) $(SAN) \
             -Ilib -DVP_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(LIB_PKGS))
LDFLAGS_ALL = $(SAN) -Wl,--as-needed

TOOLS    := $(notdir $(patsubst %/,%,$(wildcard cmd/*/)))
LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libvtexpipes.a
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BINDIR   ?= bin

# lib/lib.mk: settings of lib/ objects that need more than LIB_PKGS (DuckDB).
-include lib/lib.mk
-include $(wildcard cmd/*/tool.mk)

.PHONY: all bootstrap test test-sanitized unit-tests demo bench fuzz install clean man
all: $(TOOLS:%=$(BINDIR)/%)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(CFLAGS_$(firstword $(subst /, ,$(patsubst cmd/%,%,$(dir $<))))) -MMD -MP -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	ar rcs $@ $^

define TOOL_template
$(BINDIR)/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIB_A)
	@mkdir -p $(BINDIR)
	$(CC) $(LDFLAGS_ALL) -o $$@ $$(filter %.o,$$^) $(LIB_A) $$(shell pkg-config --libs $(LIB_PKGS) $(PKGS_$(1))) $(LDLIBS_$(1)) -lm -lpthread
endef
$(foreach t,$(TOOLS),$(eval $(call TOOL_template,$(t))))

# Tool directories may add cflags for their own objects via CFLAGS_<tool>.
$(foreach t,$(TOOLS),$(eval CFLAGS_$(t) += $(if $(PKGS_$(t)),$(shell pkg-config --cflags $(PKGS_$(t))))))

# A unit test links the objects of the tool code its "links:" line names (tests/links.mk).
include tests/links.mk
unit_obj = $(patsubst %.c,$(BUILD)/%.o,$(call links_src,tests/unit/$(1).c))
.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $(LIB_A) $$(call unit_obj,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags check) -Icmd -o $@ $< $(call unit_obj,$*) $(LIB_A) \
	  $(LDFLAGS_ALL) $(shell pkg-config --libs check $(LIB_PKGS)) -lm -lpthread

unit-tests: $(UNIT_BIN)

# What the tests need, installed when missing, as make demo does (scripts/demo):
# scripts/bootstrap is idempotent and takes seconds when everything is there.
bootstrap:
	@mkdir -p $(BUILD)
	@scripts/bootstrap >$(BUILD)/bootstrap.log 2>&1 || { cat $(BUILD)/bootstrap.log; exit 1; }

test: bootstrap
	@tests/run

# The integration tests again, against the ASan+UBSan build of every tool.
test-sanitized: bootstrap
	@VP_TEST_SANITIZED=1 tests/run

# The OPTIONS of the man pages from the tools' option tables (scripts/man-options).
man: all
	@scripts/man-options $(BINDIR)

demo: all
	@scripts/demo

bench: all
	@bench/run

fuzz:
	@FUZZ_RESULTS=bench/results/fuzz.md FUZZ_MERGE=1 fuzz/run $(or $(FUZZ_SECONDS),300); s=$$?; \
		bench/assemble-results; exit $$s

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(TOOLS:%=$(BINDIR)/%) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(wildcard man/man1/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/vtex-pipes/rules
	install -m 0644 $(wildcard rules/*.json) $(DESTDIR)$(PREFIX)/share/vtex-pipes/rules/
	install -d $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 0644 $(wildcard man/man7/*.7) $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf build build-* bin

-include $(LIB_OBJ:.o=.d) $(wildcard $(BUILD)/cmd/*/*.d)
