#!/usr/bin/env bash
# The OPTIONS of each man page whose tool declares its options in a table
# (lib/cli_table.h) are what that table generates: scripts/man-options
# (make man) would change nothing.
. "$(dirname "$0")/../lib.sh"
cd "$VP_ROOT"
t_run "man pages' OPTIONS match the option tables" scripts/man-options --check "$VP_BIN"
t_done
