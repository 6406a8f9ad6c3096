#!/usr/bin/env bash
# The configure-syncer service of compose/docker-compose.yml: tells Sluice where the source is, once.
#
# Runs when both Sluice nodes and the source are healthy. If the syncer was never configured, PUT /api/v1/syncer
# with the source (the password by "passwordEnv": each node reads it from its own environment, so it is never
# stored in Kafka). Then wait until every node reports the syncer RUNNING, and exit 0: the replicas start after
# that. A later `docker compose up` finds the syncer configured and changes nothing.
# The call comes from another container than the nodes, so it carries the admin token (api.auth.tokens).
set -euo pipefail

urls=(${SLUICE_URLS})
first="${urls[0]}"
auth="Authorization: Bearer ${SLUICE_ADMIN_TOKEN}"

status() {
  curl -fsS --max-time 10 "$1/api/v1/syncer"
}

current="$(status "$first")"
if printf '%s' "$current" | grep -Eq '"source" *: *null'; then
  echo "configuring the syncer on $first: source ${SOURCE_USER}@${SOURCE_HOST}:${SOURCE_PORT}"
  body="$(printf '{"source": {"host": "%s", "port": %s, "user": "%s", "passwordEnv": "%s"}, "serverId": %s}' \
    "$SOURCE_HOST" "$SOURCE_PORT" "$SOURCE_USER" "$SOURCE_PASSWORD_ENV" "$SYNCER_SERVER_ID")"
  curl -sS --fail-with-body --max-time 30 -X PUT -H "$auth" -H 'Content-Type: application/json' -d "$body" \
    "$first/api/v1/syncer" > /dev/null
else
  echo "the syncer is configured already: $current"
fi

deadline=$((SECONDS + 180))
for url in "${urls[@]}"; do
  until status "$url" | grep -Eq '"state" *: *"RUNNING"'; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "the syncer is not RUNNING on $url after 180 s; what each node says:" >&2
      for u in "${urls[@]}"; do echo "$u: $(status "$u" || true)" >&2; done
      exit 1
    fi
    sleep 2
  done
  echo "$url: the syncer is RUNNING"
done
