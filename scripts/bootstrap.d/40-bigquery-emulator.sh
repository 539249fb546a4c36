# The BigQuery API peer for bq-load's tests: goccy/bigquery-emulator, built
# from source with `go install` (pure Go since v0.7, CGO off). A cold build
# is heavy (several GB of RSS, minutes on 2 cores), so the binary and Go's
# caches live under $VP_CACHE and a second run only checks the version.
set -euo pipefail
. "$VP_ROOT/scripts/versions.env"
dir=$VP_CACHE/go
bin=$dir/bin/bigquery-emulator
stamp=$dir/bin/bigquery-emulator.version
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$BIGQUERY_EMULATOR_VERSION" ]; then
	exit 0
fi
command -v go >/dev/null || PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || { echo "bootstrap: Go is needed to build bigquery-emulator" >&2; exit 1; }
echo "bootstrap: building bigquery-emulator $BIGQUERY_EMULATOR_VERSION (a few minutes the first time)"
mkdir -p "$dir"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOPATH=$dir GOBIN=$dir/bin GOCACHE=$VP_CACHE/go-build \
	GOMODCACHE=$dir/pkg/mod GOFLAGS=-buildvcs=false
# `go install module/cmd@version` also asks the proxy for the module's version
# list (to report deprecation), which the proxy may refuse; fetching the pinned
# version and installing from inside it uses only that version and its go.sum.
src=$(go mod download -json "github.com/goccy/bigquery-emulator@$BIGQUERY_EMULATOR_VERSION" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "bootstrap: could not fetch bigquery-emulator $BIGQUERY_EMULATOR_VERSION" >&2; exit 1; }
(cd "$src" && go install ./cmd/bigquery-emulator)
echo "$BIGQUERY_EMULATOR_VERSION" >"$stamp"
