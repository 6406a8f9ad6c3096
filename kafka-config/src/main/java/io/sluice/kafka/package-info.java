/**
 * Sluice's Kafka configuration: the specification of its topics and the checks that refuse unsafe ones
 * ({@link io.sluice.kafka.TopicSpec}, {@link io.sluice.kafka.TopicManager}), the safe producer, consumer and admin
 * client defaults with pass-through of any other client property ({@link io.sluice.kafka.KafkaClientDefaults}), and
 * the embedded single-node KRaft broker used when no Kafka cluster is configured
 * ({@link io.sluice.kafka.EmbeddedKafka}).
 */
package io.sluice.kafka;
