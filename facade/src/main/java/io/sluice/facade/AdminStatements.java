package io.sluice.facade;

import io.sluice.kafka.binlog.BinlogFileIndex.BinlogFile;
import io.sluice.model.protocol.MysqlError;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The administrative statements about the node itself, with MySQL 8.0's columns: {@code SHOW BINARY LOGS}
 * ({@code sql/rpl_source.cc} show_binlogs), {@code SHOW BINLOG EVENTS} ({@link BinlogEventsStatement}),
 * {@code SHOW REPLICAS} / {@code SHOW SLAVE HOSTS} (show_replicas),
 * {@code SHOW PROCESSLIST} ({@code sql/sql_show.cc}) and {@code KILL}. Answers {@code null} for any other
 * statement.
 */
final class AdminStatements {
    private static final Pattern KILL = Pattern.compile("(?i)kill\\s+(?:(connection|query)\\s+)?(\\d{1,19})");
    /** What MySQL shows for a dump thread that has sent everything (sql/rpl_binlog_sender.cc). */
    static final String DUMP_IDLE_STATE = "Source has sent all binlog to replica; waiting for more updates";
    static final String DUMP_SENDING_STATE = "Sending binlog event to replica";

    private final FacadeConfig config;
    private final Supplier<List<BinlogFile>> files;
    private final ReplicaRegistry registry;

    private final BinlogEventsStatement binlogEvents;

    AdminStatements(FacadeConfig config, Supplier<List<BinlogFile>> files, ReplicaRegistry registry) {
        this(config, files, registry, null);
    }

    /** @param binlogEvents SHOW BINLOG EVENTS; {@code null} where there is no topic to read (unit tests) */
    AdminStatements(FacadeConfig config, Supplier<List<BinlogFile>> files, ReplicaRegistry registry,
                    BinlogEventsStatement binlogEvents) {
        this.config = config;
        this.files = files;
        this.registry = registry;
        this.binlogEvents = binlogEvents;
    }

    /** The answer to {@code statement} (comments stripped), or {@code null} when it is not one of these. */
    QueryResponder.Answer answer(Session session, String statement) {
        String lower = statement.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        switch (lower) {
            case "show binary logs", "show master logs" -> {
                return new QueryResponder.Answer(binaryLogs());
            }
            case "show replicas" -> {
                return new QueryResponder.Answer(replicas("Server_Id", "Source_Id", "Replica_UUID"));
            }
            case "show slave hosts" -> {
                return new QueryResponder.Answer(replicas("Server_id", "Master_id", "Slave_UUID"));
            }
            case "show processlist", "show full processlist" -> {
                return new QueryResponder.Answer(processList(session, statement, lower.contains("full")));
            }
            default -> {
                if (binlogEvents != null && BinlogEventsStatement.matches(statement)) {
                    return new QueryResponder.Answer(binlogEvents.answer(statement));
                }
                Matcher kill = KILL.matcher(statement);
                if (kill.matches()) {
                    kill(session, kill.group(2));
                    return QueryResponder.Answer.OK;
                }
                return null;
            }
        }
    }

    /** Log_name, File_size, Encrypted (8.0.14+). */
    private ResultSet binaryLogs() {
        List<List<String>> rows = new ArrayList<>();
        for (BinlogFile f : files.get()) {
            rows.add(List.of(f.name(), Long.toString(f.size()), "No"));
        }
        return new ResultSet(List.of(ResultSet.Column.text("Log_name"), ResultSet.Column.number("File_size"),
                ResultSet.Column.text("Encrypted")), rows);
    }

    /** The replicas that sent COM_REGISTER_SLAVE: server id, reported host and port, source id, UUID. */
    private ResultSet replicas(String serverId, String sourceId, String uuid) {
        List<List<String>> rows = new ArrayList<>();
        for (ReplicaRegistry.Entry e : registry.connections()) {
            if (e.reportHost != null) {
                rows.add(Arrays.asList(Long.toString(e.serverId), e.reportHost, Integer.toString(e.reportPort),
                        Long.toString(config.serverId()), e.uuid == null ? "" : e.uuid));
            }
        }
        return new ResultSet(List.of(ResultSet.Column.number(serverId), ResultSet.Column.text("Host"),
                ResultSet.Column.number("Port"), ResultSet.Column.number(sourceId), ResultSet.Column.text(uuid)),
                rows);
    }

    /** Id, User, Host, db, Command, Time, State, Info: every connection of this node. */
    private ResultSet processList(Session session, String statement, boolean full) {
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        for (ReplicaRegistry.Entry e : registry.connections()) {
            boolean self = e.connectionId == session.connectionId;
            if (!self && !session.admin && !java.util.Objects.equals(e.user, session.user)) {
                continue; // without PROCESS, MySQL lists the account's own connections only
            }
            String command;
            String state = "";
            String info = null;
            if (e.dump != null) {
                command = e.dumpCommand != null ? e.dumpCommand : "Binlog Dump GTID";
                state = e.dumpIdle ? DUMP_IDLE_STATE : DUMP_SENDING_STATE;
            } else if (self) {
                command = "Query";
                state = "init";
                info = full || statement.length() <= 100 ? statement : statement.substring(0, 100);
            } else if (e.user == null) {
                command = "Connect";
                state = "login";
            } else {
                command = "Sleep";
            }
            long time = Duration.between(e.connectedAt, now).toSeconds();
            rows.add(Arrays.asList(Long.toString(e.connectionId), e.user == null ? "unauthenticated user" : e.user,
                    e.hostAndPort(), null, command, Long.toString(self ? 0 : time), state, info));
        }
        return new ResultSet(List.of(ResultSet.Column.number("Id"), ResultSet.Column.text("User"),
                ResultSet.Column.text("Host"), ResultSet.Column.text("db"), ResultSet.Column.text("Command"),
                ResultSet.Column.number("Time"), ResultSet.Column.text("State"), ResultSet.Column.text("Info")),
                rows);
    }

    /**
     * KILL [CONNECTION | QUERY] id. Both close the connection: the only long-running "query" on a Sluice node is a
     * dump, and MySQL's KILL QUERY of a dump thread ends the dump, after which the replica reconnects.
     */
    /**
     * KILL: any connection for an administrator; for a replication account its own connections only, with MySQL's
     * errors (1094 for an unknown id, 1095 for another account's).
     */
    private void kill(Session session, String id) {
        long connectionId;
        try {
            connectionId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw MysqlError.ER_NO_SUCH_THREAD.exception(new java.math.BigInteger(id));
        }
        if (!session.admin) {
            long killed = connectionId;
            ReplicaRegistry.Entry target = registry.connections().stream().filter(e -> e.connectionId == killed)
                    .findFirst().orElseThrow(() -> MysqlError.ER_NO_SUCH_THREAD.exception(killed));
            if (killed != session.connectionId && !java.util.Objects.equals(target.user, session.user)) {
                throw MysqlError.ER_KILL_DENIED_ERROR.exception(killed);
            }
        }
        if (!registry.kill(connectionId)) {
            throw MysqlError.ER_NO_SUCH_THREAD.exception(connectionId);
        }
    }
}
