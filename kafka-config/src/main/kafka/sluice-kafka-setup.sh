#!/bin/sh
# Creates Sluice's Kafka account and gives it exactly the ACLs docs/security.md lists, on a cluster made from
# kafka-1..3.properties. Run it once per binlog topic, with Kafka's command-line tools:
#
#   SLUICE_KAFKA_PASSWORD=… KAFKA_HOME=/opt/kafka ./sluice-kafka-setup.sh kafka-1:9092 sluice.binlog [sluice]
#
# The password is read from the environment; kafka-configs.sh takes it on its command line, where other users of
# this machine could see it while the command runs: run this on an administrator's machine. admin.properties (next to this script, or ADMIN_CONFIG) authenticates the
# tools as the cluster's admin. Running it again is harmless: it sets the same password and the same ACLs.
set -eu

usage="usage: SLUICE_KAFKA_PASSWORD=… KAFKA_HOME=… $0 BOOTSTRAP_SERVERS TOPIC [USER]"
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "$usage" >&2; exit 2; }
bootstrap=$1
topic=$2
user=${3:-sluice}
: "${KAFKA_HOME:?$usage}"
: "${SLUICE_KAFKA_PASSWORD:?$usage}"
admin_config=${ADMIN_CONFIG:-$(dirname "$0")/admin.properties}
[ -r "$admin_config" ] || { echo "cannot read $admin_config (set ADMIN_CONFIG)" >&2; exit 2; }

"$KAFKA_HOME/bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$admin_config" \
  --alter --entity-type users --entity-name "$user" \
  --add-config "SCRAM-SHA-512=[password=$SLUICE_KAFKA_PASSWORD]" >/dev/null

acl() {
  "$KAFKA_HOME/bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --command-config "$admin_config" \
    --add --allow-principal "User:$user" "$@"
}
# the binlog topic: created (or checked) at start, written by the syncer, read by every node's facade
acl --topic "$topic" --operation Create --operation Describe --operation DescribeConfigs \
  --operation Write --operation Read
# the coordination topics: the shared syncer settings, the leader's record, the members' states
for t in "$topic.settings" "$topic.leader" "$topic.members"; do
  acl --topic "$t" --operation Create --operation Describe --operation Write --operation Read
done
# the syncer's Kafka transactions, and the consumer group that elects the leader
acl --transactional-id "sluice-syncer-$topic" --operation Write
acl --group "sluice.$topic.leader" --operation Read
echo "user $user may now run Sluice on topic $topic"
