PKGS_kafka-cat := rdkafka
