# WireMock standalone, the API-mock peer vtex-sandbox's benchmark measures
# itself against (bench/NN-sandbox.sh). One pinned jar from Maven Central,
# fetched by Maven into $VP_CACHE/wiremock. Needs java and mvn (10-debian.sh).
set -euo pipefail
version=3.13.2
dir=$VP_CACHE/wiremock
jar=$dir/wiremock-standalone-$version.jar
[ -s "$jar" ] && exit 0
command -v mvn >/dev/null || { echo "bootstrap: mvn missing, WireMock not installed (the sandbox benchmark runs without its peer)"; exit 0; }
mkdir -p "$dir"
mvn -q -B dependency:copy -Dartifact="org.wiremock:wiremock-standalone:$version" -DoutputDirectory="$dir" \
	-Dmdep.overWriteReleases=false
[ -s "$jar" ]
