# Apache Kafka broker jars (KRaft, single node) for scripts/kafka/start: the
# pom in scripts/kafka lists them; Maven copies them with their runtime
# dependencies into $VP_CACHE/kafka-$KAFKA_VERSION/libs. Quick when present.
# Needs java and mvn (10-debian.sh).
set -euo pipefail
. "$VP_ROOT/scripts/versions.env"
home=$VP_CACHE/kafka-$KAFKA_VERSION
[ -s "$home/libs/.complete" ] && exit 0
command -v mvn >/dev/null || { echo "bootstrap: mvn missing, Kafka broker not installed (kafka tests skip)"; exit 0; }
rm -rf "$home/libs.tmp"
mkdir -p "$home"
mvn -q -B -f "$VP_ROOT/scripts/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
	org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
	-DincludeScope=runtime -DoutputDirectory="$home/libs.tmp"
ls "$home/libs.tmp/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null
ls "$home/libs.tmp" >"$home/libs.tmp/.complete"
rm -rf "$home/libs" "$home/kafka.jsa"
mv "$home/libs.tmp" "$home/libs"
