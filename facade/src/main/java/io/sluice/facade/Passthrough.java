package io.sluice.facade;

import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which statements the facade hands to its {@link MetadataBackend}: those it does not answer itself and that only a
 * server with the schema can answer, read-only all of them. Sluice is a binlog server: it never forwards a write,
 * whatever the backend's account could do.
 *
 * <ul>
 *   <li>{@link Kind#READ}: SHOW statements Sluice does not answer (SHOW DATABASES, SHOW FULL TABLES,
 *       SHOW CREATE TABLE, SHOW COLUMNS, SHOW INDEX, SHOW TABLE STATUS, SHOW GRANTS, …), SELECT … FROM (the
 *       information_schema, snapshot reads), WITH … SELECT, TABLE, DESCRIBE and EXPLAIN;</li>
 *   <li>{@link Kind#SNAPSHOT}: what a consistent snapshot takes: START TRANSACTION [WITH CONSISTENT SNAPSHOT],
 *       BEGIN, COMMIT, ROLLBACK, SAVEPOINT, FLUSH TABLES [… WITH READ LOCK], LOCK TABLES … READ,
 *       LOCK INSTANCE FOR BACKUP and their UNLOCKs;</li>
 *   <li>{@link Kind#SESSION}: USE, which also changes the backend session's default database;</li>
 *   <li>{@link Kind#WRITE}: anything that changes data, schema, accounts or the server: refused;</li>
 *   <li>{@link Kind#OTHER}: the rest (Sluice says it does not support them).</li>
 * </ul>
 * Replication status of the backend itself (SHOW REPLICA STATUS, SHOW RELAYLOG EVENTS) is never forwarded: it
 * describes the backend, not the source Sluice stands for.
 */
final class Passthrough {
    enum Kind { READ, SNAPSHOT, SESSION, WRITE, OTHER }

    /** The configuration key that enables forwarding, named in the ERR a client gets without it. */
    static final String SETTING = "facade.metadataBackend";

    private static final Pattern BACKEND_OWN = Pattern.compile(
            "(?s)show\\s+(?:(?:replica|slave)\\s+status|relaylog\\s+events|binlog\\s+events|(?:all\\s+)?(?:replicas|slave\\s+hosts))\\b.*");
    private static final Pattern READ = Pattern.compile(
            "(?s)(?:show|describe|desc|explain|table)\\s.*|(?:select|with)\\s.*\\bfrom\\b.*");
    private static final Pattern LOCKING = Pattern.compile(
            "(?s)flush\\s+tables?(?:\\s+.*)?\\s+with\\s+read\\s+lock|lock\\s+instance\\s+for\\s+backup"
                    + "|lock\\s+tables?\\s.*");
    private static final Pattern UNLOCKING = Pattern.compile("unlock\\s+(?:tables?|instance)");
    private static final Pattern TRANSACTION_START = Pattern.compile(
            "(?s)start\\s+transaction(?:\\s.*)?|begin(?:\\s+work)?|xa\\s+start.*");
    private static final Pattern TRANSACTION_END = Pattern.compile(
            "(?s)(?:commit|rollback)(?:\\s+work)?(?:\\s+and\\s+(?:no\\s+)?chain)?(?:\\s+(?:no\\s+)?release)?");
    private static final Pattern OTHER_SNAPSHOT = Pattern.compile(
            "(?s)flush\\s+tables?(?:\\s+[^;]*)?|(?:release\\s+)?savepoint\\s+\\S+|rollback(?:\\s+work)?\\s+to\\s.*");
    private static final Pattern WRITE = Pattern.compile(
            "(?s)(?:insert|update|delete|replace|create|drop|alter|truncate|rename|grant|revoke|load|call|handler"
                    + "|do|import|install|uninstall|analyze|optimize|repair|purge|reset|change|start\\s+(?:replica"
                    + "|slave|group_replication)|stop\\s+(?:replica|slave|group_replication)|shutdown|restart"
                    + "|clone|flush|cache\\s+index|load)\\b.*");

    private Passthrough() {
    }

    /** The kind of a statement stripped of comments (see {@link SqlText#strip}). */
    static Kind classify(String stripped) {
        String s = stripped.toLowerCase(Locale.ROOT);
        if (BACKEND_OWN.matcher(s).matches()) {
            return Kind.OTHER;
        }
        if (s.matches("(?s)(?:select|with)\\s.*\\binto\\s+(?:outfile|dumpfile)\\b.*")) {
            return Kind.WRITE;
        }
        if (s.matches("(?s)lock\\s+tables?\\s.*\\bwrite\\b.*")) {
            return Kind.WRITE;
        }
        if (READ.matcher(s).matches()) {
            return Kind.READ;
        }
        if (LOCKING.matcher(s).matches() || UNLOCKING.matcher(s).matches() || TRANSACTION_START.matcher(s).matches()
                || TRANSACTION_END.matcher(s).matches() || OTHER_SNAPSHOT.matcher(s).matches()) {
            return Kind.SNAPSHOT;
        }
        if (s.matches("(?s)use\\s+\\S+")) {
            return Kind.SESSION;
        }
        if (WRITE.matcher(s).matches()) {
            return Kind.WRITE;
        }
        return Kind.OTHER;
    }

    /** Whether a forwarded statement, once it succeeded, holds a lock the backend's binlog position depends on. */
    static boolean takesLock(String stripped) {
        return LOCKING.matcher(stripped.toLowerCase(Locale.ROOT)).matches();
    }

    static boolean releasesLock(String stripped) {
        return UNLOCKING.matcher(stripped.toLowerCase(Locale.ROOT)).matches();
    }

    static boolean startsTransaction(String stripped) {
        return TRANSACTION_START.matcher(stripped.toLowerCase(Locale.ROOT)).matches();
    }

    static boolean endsTransaction(String stripped) {
        return TRANSACTION_END.matcher(stripped.toLowerCase(Locale.ROOT)).matches();
    }

    /** The ERR for a statement only a backend can answer when none is configured. */
    static MysqlException notConfigured(String statement) {
        return new MysqlException(MysqlError.ER_NOT_SUPPORTED_YET,
                "Sluice answers '" + statement + "' only through a metadata backend, and none is configured: set "
                        + SETTING + " (host, port, user, password) to a MySQL server that has the schema, typically"
                        + " a replica of Sluice");
    }

    /** The ERR for a statement that would change something. */
    static MysqlException refusedWrite(String statement) {
        return new MysqlException(MysqlError.ER_OPTION_PREVENTS_STATEMENT,
                "Sluice is a binlog server and does not run '" + statement + "': it forwards only reads and "
                        + "snapshot statements to its metadata backend");
    }
}
