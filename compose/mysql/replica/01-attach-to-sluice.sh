# Run once by the mysql image's entrypoint, when the data directory is new, on the temporary server it starts for
# initialisation (sourced, not executed: keep this file non-executable, it uses the entrypoint's docker_process_sql).
#
# RESET MASTER: the image's own set-up leaves this server no transactions of its own to replicate, but clearing
# gtid_executed makes sure: a replica's every GTID must come from the source, through Sluice.
# CHANGE REPLICATION SOURCE: the channel is stored in the data directory (mysql.slave_master_info). START REPLICA
# starts it on the temporary server; the entrypoint then stops that server and starts the real one, which starts
# the configured channel by itself, as it does at every later start. While Sluice is away (not yet up, restarted,
# stopped) the replica retries every SOURCE_CONNECT_RETRY seconds, SOURCE_RETRY_COUNT times (a week here), and
# GTID auto-positioning (SOURCE_AUTO_POSITION=1) resumes exactly where it was.
# GET_SOURCE_PUBLIC_KEY=1: caching_sha2_password's first login without TLS fetches Sluice's RSA key (see
# docs/security.md: on a network you do not trust, use TLS, facade.tls, and SOURCE_SSL=1 instead).
# SLUICE_HOST, SLUICE_PORT (the node's facade.port), REPL_USER and REPL_PASSWORD come from docker-compose.yml and
# compose/.env; the password must not hold a single quote.
docker_process_sql <<-EOSQL
	RESET MASTER;
	CHANGE REPLICATION SOURCE TO
	  SOURCE_HOST='${SLUICE_HOST}',
	  SOURCE_PORT=${SLUICE_PORT},
	  SOURCE_USER='${REPL_USER}',
	  SOURCE_PASSWORD='${REPL_PASSWORD}',
	  SOURCE_AUTO_POSITION=1,
	  GET_SOURCE_PUBLIC_KEY=1,
	  SOURCE_CONNECT_RETRY=5,
	  SOURCE_RETRY_COUNT=120960;
	START REPLICA;
EOSQL
