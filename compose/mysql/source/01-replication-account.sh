# Run once by the mysql image's entrypoint, when the data directory is new, on the temporary server it starts for
# initialisation (sourced, not executed: keep this file non-executable, it uses the entrypoint's docker_process_sql).
# The account Sluice's syncer reads the binary log with. It is binary-logged with a GTID like every statement
# here, so it also reaches the replicas, through Sluice.
# REPL_USER and REPL_PASSWORD come from compose/.env (demo only); they must not hold a single quote.
docker_process_sql <<-EOSQL
	CREATE USER '${REPL_USER}'@'%' IDENTIFIED BY '${REPL_PASSWORD}';
	GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${REPL_USER}'@'%';
EOSQL
