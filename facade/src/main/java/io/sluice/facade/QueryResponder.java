package io.sluice.facade;

import io.sluice.kafka.binlog.TopicTail;
import io.sluice.model.gtid.GtidSet;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the statements replicas and tools send a source before they dump: {@code SET} of user and session
 * variables (several assignments at once), {@code SELECT} of system variables, user variables and a few functions
 * (GTID_SUBTRACT and GTID_SUBSET among them), {@code SHOW VARIABLES}, {@code SHOW MASTER STATUS} /
 * {@code SHOW BINARY LOG STATUS}, and through {@link AdminStatements} SHOW BINARY LOGS, SHOW REPLICAS,
 * SHOW PROCESSLIST and KILL. Anything else gets a clear ERR that names the statement, and the connection stays
 * open. Whatever the text, the only exception it throws is {@link MysqlException}.
 */
final class QueryResponder {
    /**
     * A statement's answer: a result set, {@code null} for a plain OK, or the statement to forward to the metadata
     * backend, whose response the connection relays.
     */
    record Answer(ResultSet resultSet, String forward) {
        static final Answer OK = new Answer(null);

        Answer(ResultSet resultSet) {
            this(resultSet, null);
        }

        static Answer forward(String sql) {
            return new Answer(null, sql);
        }
    }

    /** How long SHOW MASTER STATUS in a backend snapshot waits for the topic to hold what the backend executed. */
    static final java.time.Duration SNAPSHOT_CATCH_UP = java.time.Duration.ofSeconds(30);

    private static final Pattern SYSVAR = Pattern.compile("@@(?:(global|session|local)\\.)?([a-z_0-9]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern USERVAR = Pattern.compile("@([a-z_0-9.$]+|`[^`]+`)", Pattern.CASE_INSENSITIVE);
    private static final Pattern FUNCTION = Pattern.compile("([a-z_]+)\\s*\\(\\s*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern FUNCTION_ARGS = Pattern.compile("(?s)([a-z_]+)\\s*\\((.*)\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SHOW_VARIABLES = Pattern.compile("(?s)show\\s+(?:(global|session|local)\\s+)?"
            + "variables(?:\\s+like\\s+('[^']*'|\"[^\"]*\")|\\s+where\\s+`?variable_name`?\\s*"
            + "(?:=\\s*('[^']*'|\"[^\"]*\")|in\\s*\\((.*)\\)))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIMIT = Pattern.compile("(?is)(.*?)\\s+limit\\s+\\d+(?:\\s*(?:,|offset)\\s*\\d+)?");
    private static final java.time.format.DateTimeFormatter DATETIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Time functions MySQL also takes without parentheses. */
    private static final Pattern TIME_KEYWORD = Pattern.compile(
            "(?i)current_timestamp|current_date|localtime|localtimestamp|utc_timestamp|utc_date");
    private static final Pattern SET_TRANSACTION = Pattern.compile(
            "(?is)set\\s+(?:(?:session|global|local)\\s+)?transaction\\s.*");

    private final FacadeConfig config;
    private final Supplier<TopicTail> tail;
    private final Supplier<String> checksum;
    private final Supplier<List<GroupMember>> members;
    private final Supplier<GtidSet> purged;
    private final AdminStatements admin;
    private static final Pattern GROUP_MEMBERS = Pattern.compile(
            "select\\s+\\*\\s+from\\s+`?performance_schema`?\\.`?replication_group_members`?",
            Pattern.CASE_INSENSITIVE);

    QueryResponder(FacadeConfig config, Supplier<TopicTail> tail, Supplier<String> checksum) {
        this(config, tail, checksum, List::of);
    }

    QueryResponder(FacadeConfig config, Supplier<TopicTail> tail, Supplier<String> checksum,
                   Supplier<List<GroupMember>> members) {
        this(config, tail, checksum, members, () -> GtidSet.EMPTY,
                new AdminStatements(config, List::of, new ReplicaRegistry()));
    }

    /**
     * @param purged the GTIDs the topic no longer holds ({@code @@global.gtid_purged})
     * @param admin  SHOW BINARY LOGS, SHOW REPLICAS, SHOW PROCESSLIST, KILL
     */
    QueryResponder(FacadeConfig config, Supplier<TopicTail> tail, Supplier<String> checksum,
                   Supplier<List<GroupMember>> members, Supplier<GtidSet> purged, AdminStatements admin) {
        this.config = config;
        this.tail = tail;
        this.checksum = checksum;
        this.members = members;
        this.purged = purged;
        this.admin = admin;
    }

    Answer answer(Session session, String sql) {
        String s = strip(sql);
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.isEmpty()) {
            throw MysqlError.ER_PARSE_ERROR.exception("Query was empty");
        }
        if (SET_TRANSACTION.matcher(s).matches()) {
            forBackend(session, s); // Sluice has nothing to isolate; a backend snapshot does
            return Answer.OK;
        }
        if (lower.matches("(?s)set\\s.*")) {
            if (set(session, s.substring(4))) {
                forBackend(session, s);
            }
            return Answer.OK;
        }
        if (GROUP_MEMBERS.matcher(s).matches()) {
            return new Answer(groupMembers());
        }
        if (lower.matches("(?s)select\\s.*") && indexOfTopLevelWord(s, "from") < 0) {
            return new Answer(select(session, s.substring(7)));
        }
        Matcher m = SHOW_VARIABLES.matcher(s);
        if (m.matches()) {
            return new Answer(showVariables(m.group(2) == null ? null : unquote(m.group(2)), m.group(3), m.group(4)));
        }
        Answer adminAnswer = admin.answer(session, s);
        if (adminAnswer != null) {
            return adminAnswer;
        }
        if (lower.matches("show\\s+(master|binary\\s+log)\\s+status")) {
            return new Answer(masterStatus(session));
        }
        return passthrough(session, s);
    }

    /** Statements only a server with the schema answers: forwarded to the metadata backend, or refused. */
    private Answer passthrough(Session session, String s) {
        MetadataBackend backend = config.metadataBackend();
        switch (Passthrough.classify(s)) {
            case READ:
                if (backend == null) {
                    throw Passthrough.notConfigured(abbreviate(s));
                }
                return Answer.forward(s);
            case SNAPSHOT:
                if (backend != null && (session.backend != null || !endsSomething(s))) {
                    return Answer.forward(s);
                }
                if (backend == null && Passthrough.takesLock(s)) {
                    throw Passthrough.notConfigured(abbreviate(s)); // a lock promised and not taken would lie
                }
                return Answer.OK; // nothing to isolate or to end: everything Sluice answers is read-only
            case SESSION:
                session.database = unquote(s.substring(4).trim());
                if (backend != null && session.backend != null) {
                    return Answer.forward(s);
                }
                return Answer.OK;
            case WRITE:
                throw Passthrough.refusedWrite(abbreviate(s));
            default:
                throw new MysqlException(MysqlError.ER_NOT_SUPPORTED_YET,
                        "Sluice does not support the statement '" + abbreviate(s) + "'");
        }
    }

    /** COMMIT, ROLLBACK, UNLOCK: with no backend session yet there is nothing for them to end. */
    private static boolean endsSomething(String s) {
        return Passthrough.endsTransaction(s) || Passthrough.releasesLock(s)
                || s.toLowerCase(Locale.ROOT).startsWith("rollback");
    }

    /**
     * The session's backend connection, opened (and given the session's settings and default database) on first
     * use.
     */
    BackendConnection backend(Session session) {
        BackendConnection open = session.backend;
        if (open != null && !open.isClosed()) {
            return open;
        }
        java.util.List<String> setup = new ArrayList<>();
        if (session.database != null) {
            setup.add("USE `" + session.database.replace("`", "``") + "`");
        }
        setup.addAll(session.backendSetup);
        session.backend = BackendConnection.open(config.metadataBackend(), session.capabilities, setup);
        return session.backend;
    }

    /** Keeps a session setting for the backend, and applies it there now when the session has a connection. */
    private void forBackend(Session session, String statement) {
        if (config.metadataBackend() == null) {
            return;
        }
        if (session.backendSetup.size() >= 256 && !session.backendSetup.contains(statement)) {
            throw MysqlError.ER_UNKNOWN_ERROR.exception("too many distinct session settings for the metadata backend");
        }
        session.backendSetup.remove(statement); // the latest of repeated settings must be replayed last
        session.backendSetup.add(statement);
        BackendConnection open = session.backend;
        if (open != null && !open.isClosed()) {
            open.execute(statement);
        }
    }

    /** Removes comments (keeping executable ones' content), a trailing ';' and surrounding white space. */
    static String strip(String sql) {
        return SqlText.strip(sql);
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** Applies SET's assignments; whether one of them is a session setting (not a user variable). */
    private boolean set(Session session, String assignments) {
        boolean system = false;
        for (String part : splitTopLevel(assignments)) {
            String a = part.trim();
            String lower = a.toLowerCase(Locale.ROOT);
            if (lower.startsWith("names ") || lower.startsWith("character set ") || lower.startsWith("charset ")) {
                system = true;
                continue;
            }
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw MysqlError.ER_PARSE_ERROR.exception("You have an error in your SQL syntax near '"
                        + abbreviate(a) + "'");
            }
            String target = a.substring(0, eq).trim();
            if (target.endsWith(":")) {
                target = target.substring(0, target.length() - 1).trim();
            }
            String value = evaluate(session, a.substring(eq + 1).trim());
            if (target.startsWith("@") && !target.startsWith("@@")) {
                session.setVariable(unquote(target.substring(1)), value);
            } else {
                system = true; // session system variables (autocommit, sql_mode, …): no effect on Sluice itself
            }
        }
        return system;
    }

    private ResultSet select(Session session, String items) {
        String body = items;
        Matcher limit = LIMIT.matcher(body);
        if (limit.matches()) {
            body = limit.group(1); // LIMIT of a one-row answer: "select @@version_comment limit 1" (the mysql CLI)
        }
        int from = indexOfTopLevelWord(body, "from");
        if (from >= 0) {
            throw new MysqlException(MysqlError.ER_NOT_SUPPORTED_YET,
                    "Sluice does not support the statement 'SELECT " + abbreviate(items) + "'");
        }
        List<ResultSet.Column> columns = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (String part : splitTopLevel(body)) {
            String item = part.trim();
            String name = item;
            Matcher alias = Pattern.compile("(?is)(.+?)\\s+(?:as\\s+)?(`[^`]+`|'[^']*'|\"[^\"]*\"|[a-z_][a-z_0-9]*)$")
                    .matcher(item);
            String expr = item;
            if (alias.matches() && !item.endsWith(")")) {
                expr = alias.group(1).trim();
                name = unquote(alias.group(2));
            }
            if (expr.matches("(?i)[a-z_][a-z_0-9]*") && !TIME_KEYWORD.matcher(expr).matches()) {
                // a bare word is a column to MySQL, and there is no table (SET autocommit=ON takes them, not SELECT)
                throw MysqlError.ER_BAD_FIELD_ERROR.exception(abbreviate(expr), "field list");
            }
            String value = evaluate(session, expr);
            columns.add(isNumber(value) ? ResultSet.Column.number(name) : ResultSet.Column.text(name));
            values.add(value);
        }
        return ResultSet.single(columns, values.toArray(new String[0]));
    }

    private static boolean isNumber(String v) {
        return v != null && v.matches("-?\\d{1,18}");
    }

    /** The value of a simple expression: literal, variable or one of a few functions. */
    String evaluate(Session session, String expr) {
        String e = expr.trim();
        if (e.length() >= 2 && (e.startsWith("'") && e.endsWith("'") || e.startsWith("\"") && e.endsWith("\""))) {
            return e.substring(1, e.length() - 1).replace("''", "'");
        }
        if (e.equalsIgnoreCase("null")) {
            return null;
        }
        if (e.matches("-?\\d+(\\.\\d+)?")) {
            return e;
        }
        Matcher sys = SYSVAR.matcher(e);
        if (sys.matches()) {
            return systemVariable(sys.group(2).toLowerCase(Locale.ROOT));
        }
        Matcher user = USERVAR.matcher(e);
        if (user.matches()) {
            return session.variable(unquote(user.group(1)));
        }
        Matcher fn = FUNCTION.matcher(e);
        if (fn.matches()) {
            return function(session, fn.group(1).toLowerCase(Locale.ROOT));
        }
        Matcher fnArgs = FUNCTION_ARGS.matcher(e);
        if (fnArgs.matches()) {
            return functionOf(session, fnArgs.group(1).toLowerCase(Locale.ROOT), fnArgs.group(2));
        }
        if (TIME_KEYWORD.matcher(e).matches()) {
            return function(session, e.toLowerCase(Locale.ROOT)); // CURRENT_TIMESTAMP without parentheses
        }
        if (e.matches("(?i)[a-z_]+")) {
            return e; // bare words such as ON/OFF in SET autocommit=ON
        }
        throw new MysqlException(MysqlError.ER_NOT_SUPPORTED_YET,
                "Sluice does not support the expression '" + abbreviate(e) + "'");
    }

    private String function(Session session, String name) {
        return switch (name) {
            case "unix_timestamp" -> Long.toString(System.currentTimeMillis() / 1000);
            case "version" -> config.serverVersion();
            case "database", "schema" -> null;
            case "user", "session_user", "system_user" -> session.user + "@" + session.remoteHost;
            case "current_user" -> session.user + "@%"; // the account: Sluice's accounts are not host-bound
            case "connection_id" -> Long.toString(session.connectionId);
            case "uuid" -> java.util.UUID.randomUUID().toString();
            // the session time zone is the system's, and Sluice's system time zone is UTC (@@system_time_zone)
            case "now", "sysdate", "current_timestamp", "localtime", "localtimestamp", "utc_timestamp" ->
                    DATETIME.format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
            case "curdate", "current_date", "utc_date" -> java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
            default -> throw new MysqlException(MysqlError.ER_NOT_SUPPORTED_YET,
                    "Sluice does not support the function '" + name + "()'");
        };
    }

    /** GTID_SUBTRACT(set, set) and GTID_SUBSET(set, set) of MySQL 5.6.5+, with literals or variables as sets. */
    private String functionOf(Session session, String name, String arguments) {
        List<String> args = splitTopLevel(arguments);
        if (!name.equals("gtid_subtract") && !name.equals("gtid_subset")) {
            throw new MysqlException(MysqlError.ER_NOT_SUPPORTED_YET,
                    "Sluice does not support the function '" + name.toUpperCase(Locale.ROOT) + "()'");
        }
        if (args.size() != 2) {
            throw MysqlError.ER_PARSE_ERROR.exception("Incorrect parameter count in the call to native function '"
                    + name.toUpperCase(Locale.ROOT) + "'");
        }
        String a = evaluate(session, args.get(0));
        String b = evaluate(session, args.get(1));
        if (a == null || b == null) {
            return null; // as MySQL: NULL in, NULL out
        }
        GtidSet left = gtidSet(a);
        GtidSet right = gtidSet(b);
        return name.equals("gtid_subset") ? (left.isSubsetOf(right) ? "1" : "0")
                : left.subtract(right).toMysqlString();
    }

    private static GtidSet gtidSet(String text) {
        try {
            return GtidSet.parse(text);
        } catch (IllegalArgumentException e) { // UnsupportedGtidFormatException (tagged, 8.3+) too
            throw MysqlError.ER_MALFORMED_GTID_SET_SPECIFICATION.exception(abbreviate(text));
        }
    }

    /**
     * The system variables Sluice answers without reading the topic (binlog_checksum, gtid_executed and gtid_purged
     * are answered apart); semi-sync ones are deliberately absent (1193 declines semi-sync).
     */
    Map<String, String> systemVariables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("server_id", Long.toString(config.serverId()));
        v.put("server_uuid", config.serverUuid());
        v.put("gtid_mode", "ON");
        v.put("enforce_gtid_consistency", "ON");
        v.put("binlog_format", "ROW");
        v.put("binlog_row_image", "FULL");
        v.put("log_bin", "1");
        v.put("version", config.serverVersion());
        v.put("version_comment", "Sluice binlog server");
        v.put("port", Integer.toString(config.port()));
        v.put("max_allowed_packet", "1073741824");
        v.put("character_set_server", "utf8mb4");
        v.put("collation_server", "utf8mb4_0900_ai_ci");
        // the rest of what Connector/J reads when it connects (NativeSession.loadServerVariables)
        v.put("auto_increment_increment", "1");
        v.put("character_set_client", "utf8mb4");
        v.put("character_set_connection", "utf8mb4");
        v.put("character_set_results", "utf8mb4");
        v.put("collation_connection", "utf8mb4_0900_ai_ci");
        v.put("init_connect", "");
        v.put("license", "GPL");
        v.put("performance_schema", "0");
        v.put("lower_case_table_names", "0");
        v.put("time_zone", "SYSTEM");
        v.put("system_time_zone", "UTC");
        v.put("sql_mode", "");
        v.put("autocommit", "1");
        v.put("transaction_isolation", "REPEATABLE-READ");
        // Connector/J asks before DML; the session is not in a read-only transaction (writes are refused anyway)
        v.put("transaction_read_only", "0");
        v.put("tx_read_only", "0");
        v.put("wait_timeout", "28800");
        v.put("net_write_timeout", "60");
        v.put("interactive_timeout", "28800");
        return v;
    }

    private String systemVariable(String name) {
        switch (name) {
            case "gtid_executed":
                return tail.get().executed().toMysqlString();
            case "gtid_purged":
                return purged.get().toMysqlString();
            case "binlog_checksum":
                return checksum.get();
            default:
                break;
        }
        Map<String, String> vars = systemVariables();
        if (!vars.containsKey(name)) {
            throw MysqlError.ER_UNKNOWN_SYSTEM_VARIABLE.exception(name);
        }
        return vars.get(name);
    }

    private ResultSet showVariables(String like, String equals, String in) {
        Map<String, Supplier<String>> vars = new TreeMap<>();
        systemVariables().forEach((name, value) -> vars.put(name, () -> value));
        vars.put("log_bin", () -> "ON");
        // these read the topic: only when the pattern asks for them
        vars.put("binlog_checksum", checksum);
        vars.put("gtid_executed", () -> tail.get().executed().toMysqlString());
        vars.put("gtid_purged", () -> purged.get().toMysqlString());
        Pattern p = like == null ? null : likePattern(like);
        java.util.Set<String> names = null;
        if (equals != null || in != null) {
            names = new java.util.HashSet<>();
            for (String n : equals != null ? List.of(equals) : splitTopLevel(in)) {
                names.add(unquote(n.trim()).toLowerCase(Locale.ROOT));
            }
        }
        java.util.Set<String> wanted = names;
        List<List<String>> rows = new ArrayList<>();
        vars.forEach((name, value) -> {
            if ((p == null || p.matcher(name).matches()) && (wanted == null || wanted.contains(name))) {
                rows.add(List.of(name, value.get()));
            }
        });
        return new ResultSet(List.of(ResultSet.Column.text("Variable_name"), ResultSet.Column.text("Value")), rows);
    }

    /**
     * SHOW MASTER STATUS: the topic's tail. In a snapshot on the metadata backend (a read lock or a transaction
     * taken through Sluice), the GTID set is the backend's, once the topic holds all of it: a CDC tool that snapshots
     * the backend then streams from Sluice exactly what follows its snapshot.
     */
    private ResultSet masterStatus(Session session) {
        TopicTail t = tail.get();
        GtidSet executed = t.executed();
        BackendConnection backend = session.backend;
        if (backend != null && !backend.isClosed() && backend.inSnapshot()) {
            GtidSet pinned = gtidSet(String.valueOf(backend.queryValue("SELECT @@GLOBAL.gtid_executed")));
            t = awaitTopicHolds(pinned, backend.endpoint());
            executed = pinned;
        }
        List<List<String>> rows = new ArrayList<>();
        if (!t.empty()) {
            rows.add(List.of(t.file(), Long.toString(t.position()), "", "", executed.toMysqlString()));
        }
        return new ResultSet(List.of(ResultSet.Column.text("File"), ResultSet.Column.number("Position"),
                ResultSet.Column.text("Binlog_Do_DB"), ResultSet.Column.text("Binlog_Ignore_DB"),
                ResultSet.Column.text("Executed_Gtid_Set")), rows);
    }

    private TopicTail awaitTopicHolds(GtidSet pinned, String endpoint) {
        long deadline = System.nanoTime() + SNAPSHOT_CATCH_UP.toNanos();
        while (true) {
            TopicTail t = tail.get();
            GtidSet missing = pinned.subtract(t.executed());
            if (missing.isEmpty()) {
                return t;
            }
            if (System.nanoTime() > deadline) {
                throw MysqlError.ER_UNKNOWN_ERROR.exception("the metadata backend " + endpoint + " has executed '"
                        + missing.toMysqlString() + "', which Sluice's binlog does not hold after "
                        + SNAPSHOT_CATCH_UP.toSeconds() + " s: a snapshot of it would not match the binlog Sluice"
                        + " serves (is the backend a replica of this source?)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MysqlException(MysqlError.ER_QUERY_INTERRUPTED, "Query execution was interrupted");
            }
        }
    }

    /** The cluster in the columns of MySQL 8.0's performance_schema.replication_group_members. */
    private ResultSet groupMembers() {
        List<List<String>> rows = new ArrayList<>();
        for (GroupMember m : members.get()) {
            rows.add(List.of("group_replication_applier", m.memberId(), m.host(), Integer.toString(m.port()),
                    m.state(), m.role(), m.version(), "Kafka"));
        }
        return new ResultSet(List.of(ResultSet.Column.text("CHANNEL_NAME"), ResultSet.Column.text("MEMBER_ID"),
                ResultSet.Column.text("MEMBER_HOST"), ResultSet.Column.number("MEMBER_PORT"),
                ResultSet.Column.text("MEMBER_STATE"), ResultSet.Column.text("MEMBER_ROLE"),
                ResultSet.Column.text("MEMBER_VERSION"), ResultSet.Column.text("MEMBER_COMMUNICATION_STACK")), rows);
    }

    /** SQL LIKE (case-insensitive, % and _, backslash escapes) as a regex. */
    static Pattern likePattern(String like) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                re.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (c == '%') {
                re.append(".*");
            } else if (c == '_') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("`") && s.endsWith("`") || s.startsWith("'") && s.endsWith("'")
                || s.startsWith("\"") && s.endsWith("\""))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** Splits at commas outside quotes and parentheses. */
    static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static int indexOfTopLevelWord(String s, String word) {
        Matcher m = Pattern.compile("(?i)\\b" + word + "\\b").matcher(s);
        while (m.find()) {
            String before = s.substring(0, m.start());
            long quotes = before.chars().filter(ch -> ch == '\'').count();
            if (quotes % 2 == 0) {
                return m.start();
            }
        }
        return -1;
    }
}
