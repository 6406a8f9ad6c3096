package io.sluice.app.resources;

import io.sluice.app.api.BinlogView;
import io.sluice.app.api.FacadeView;
import io.sluice.app.api.KingbusRequests;
import io.sluice.app.api.MemberView;
import io.sluice.app.api.SyncerRequest;
import io.sluice.app.api.SyncerView;
import io.sluice.app.core.BinlogCatalog;
import io.sluice.app.core.FacadeManager;
import io.sluice.app.core.Membership;
import io.sluice.app.core.SyncerManager;
import io.sluice.app.security.SecretsUnavailableException;
import io.sluice.facade.ReplicaInfo;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * kingbus's management routes, so that its users' scripts work against Sluice unchanged: the same methods, paths,
 * request bodies and {@code {"message": "success", "data": …}} envelope. Unlike kingbus, a failure answers 400 for a
 * bad request and 500 otherwise (kingbus answers 500 for both), always with the reason in {@code message}; and no
 * password is ever returned (kingbus echoed {@code mysql_password} and {@code password}). Sluice's own API is
 * {@code /api/v1}; docs/api.md maps one to the other.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class KingbusResource {
    private static final Logger LOG = LoggerFactory.getLogger(KingbusResource.class);
    private final SyncerManager syncer;
    private final FacadeManager facade;
    private final Membership membership;
    private final BinlogCatalog catalog;

    public KingbusResource(SyncerManager syncer, FacadeManager facade, Membership membership, BinlogCatalog catalog) {
        this.syncer = syncer;
        this.facade = facade;
        this.membership = membership;
        this.catalog = catalog;
    }

    @PUT
    @Path("binlog/syncer/start")
    public Response startSyncer(KingbusRequests.SyncerArgs args) {
        if (args == null || args.mysqlAddr() == null || args.mysqlUser() == null || args.mysqlUser().isBlank()
                || args.syncerId() < 0 || args.syncerId() > 4294967295L) {
            return failure(400, "args illegal: mysql_addr, mysql_user and a syncer_id >= 0 are required");
        }
        if (args.semiSync()) {
            return failure(400, "semi_sync is not supported: Sluice acknowledges nothing to the source; a transaction "
                    + "is safe once in Kafka (acks=all, min.insync.replicas)");
        }
        HostPort source = HostPort.parse(args.mysqlAddr());
        if (source == null) {
            return failure(400, "args illegal: mysql_addr must be host:port, got '" + args.mysqlAddr() + "'");
        }
        SyncerRequest request = new SyncerRequest(new SyncerRequest.Source(source.host(), source.port(),
                args.mysqlUser(), args.mysqlPassword() == null ? "" : args.mysqlPassword()),
                args.syncerId() == 0 ? null : args.syncerId());
        try {
            syncer.configure(request);
        } catch (SecretsUnavailableException e) {
            return failure(400, e.getMessage());
        }
        LOG.info("syncer configured through the kingbus route: {}", args);
        return success("");
    }

    @PUT
    @Path("binlog/syncer/stop")
    public Response stopSyncer() {
        syncer.halt();
        return success("");
    }

    @GET
    @Path("binlog/syncer/status")
    public Response syncerStatus() {
        SyncerView s = syncer.status();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("syncer_id", s.serverId() == null ? 0 : s.serverId());
        data.put("syncer_uuid", "");
        data.put("mysql_addr", s.source() == null ? "" : s.source().host() + ":" + s.source().port());
        data.put("mysql_user", s.source() == null ? "" : s.source().user());
        data.put("semi_sync", false);
        putBinlog(data, s.executedGtidSet());
        data.put("status", running(s.state()) ? "running" : "stopped");
        data.put("state", s.state());
        return success(data);
    }

    @PUT
    @Path("binlog/server/start")
    public Response startServer(KingbusRequests.ServerArgs args) {
        if (args == null || blank(args.addr()) || blank(args.user()) || args.password() == null) {
            return failure(400, "args illegal: addr, user and password are required");
        }
        HostPort addr = HostPort.parse(args.addr());
        FacadeView configured = facade.status();
        if (addr == null) {
            return failure(400, "args illegal: addr must be host:port, got '" + args.addr() + "'");
        }
        if (configured.port() != 0 && addr.port() != configured.port()) {
            return failure(400, "the facade listens on port " + configured.port() + " (facade.port in the node's "
                    + "configuration); addr asks for " + addr.port());
        }
        if (!facade.accepts(args.user(), args.password())) {
            return failure(400, "user '" + args.user() + "' with that password is not an account of the facade: "
                    + "Sluice takes its accounts from facade.users, or the syncer's source account when there are "
                    + "none, and does not create them through the API");
        }
        try {
            facade.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(500, "interrupted");
        } catch (RuntimeException e) {
            return failure(500, "the facade could not start: " + e.getMessage());
        }
        return success("");
    }

    @PUT
    @Path("binlog/server/stop")
    public Response stopServer() {
        facade.stop();
        return success("");
    }

    @GET
    @Path("binlog/server/status")
    public Response serverStatus() {
        FacadeView f = facade.status();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("addr", f.bindHost() + ":" + f.port());
        data.put("user", syncer.source().map(SyncerRequest.Source::user).orElse(""));
        List<Map<String, Object>> slaves = new ArrayList<>();
        for (ReplicaInfo r : facade.replicas()) {
            Map<String, Object> slave = new LinkedHashMap<>();
            slave.put("replication_state", r.serverId() != 0 ? 1 : 0);
            slave.put("server_id", r.serverId());
            slave.put("server_uuid", r.uuid() == null ? "" : r.uuid());
            slave.put("host_name", r.reportHost() != null && !r.reportHost().isBlank() ? r.reportHost() : r.host());
            slave.put("port", r.reportPort());
            slave.put("user", r.user() == null ? "" : r.user());
            slave.put("connect_time", r.connectedAt());
            slave.put("heartbeat", 0);
            slave.put("stats", Map.of("bytes_sent", r.bytesSent()));
            slaves.add(slave);
        }
        data.put("slaves", slaves);
        putBinlog(data, null);
        data.put("status", "RUNNING".equals(f.state()) ? "running" : "stopped");
        return success(data);
    }

    @GET
    @Path("members")
    public Response members() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MemberView m : membership.members()) {
            Map<String, Object> member = member(m);
            member.put("Id", kingbusId(m));
            out.add(member);
        }
        return success(out);
    }

    @POST
    @Path("members")
    public Response addMember() {
        return membershipIsAutomatic();
    }

    @PUT
    @Path("members")
    public Response updateMember() {
        return membershipIsAutomatic();
    }

    @DELETE
    @Path("members")
    public Response removeMember() {
        return membershipIsAutomatic();
    }

    @GET
    @Path("cluster")
    public Response cluster() {
        MemberView leader = membership.leader();
        List<Map<String, Object>> out = new ArrayList<>();
        for (MemberView m : membership.members()) {
            Map<String, Object> role = member(m);
            role.put("Id", Long.toHexString(kingbusId(m)));
            role.put("isLeader", leader != null && leader.nodeId().equals(m.nodeId()));
            out.add(role);
        }
        return success(out);
    }

    /** A member as kingbus lists it, plus Sluice's state and role. */
    private static Map<String, Object> member(MemberView m) {
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("Id", null);
        member.put("peerURLs", List.of());
        member.put("name", m.nodeId());
        member.put("adminURLs", m.restUrl() == null ? List.of() : List.of(m.restUrl()));
        member.put("state", m.state());
        member.put("role", m.role());
        return member;
    }

    /** kingbus's member ids are unsigned 64-bit numbers: the top half of the member's UUID, made positive. */
    private static long kingbusId(MemberView m) {
        return UUID.fromString(m.memberId()).getMostSignificantBits() >>> 1;
    }

    private static Response membershipIsAutomatic() {
        return failure(405, "Sluice nodes join the cluster by starting with the same topic and leave it by stopping;"
                + " membership is not edited through the API (see GET /members)");
    }

    /** The binlog fields kingbus puts in both statuses; left empty when the topic cannot be read now. */
    private void putBinlog(Map<String, Object> data, String executed) {
        String current = "";
        String file = "";
        long position = 0;
        String purged = "";
        String gtids = executed == null ? "" : executed;
        try {
            BinlogView b = catalog.view();
            if (b.latest() != null) {
                current = b.latest().gtid() == null ? "" : b.latest().gtid();
                file = b.latest().file();
                position = b.latest().position();
            }
            purged = b.gtidPurged();
            gtids = b.gtidExecuted();
        } catch (RuntimeException e) {
            LOG.debug("kingbus status without the topic's details: {}", e.toString());
        }
        data.put("current_gtid", current);
        data.put("last_binlog_file", file);
        data.put("last_file_position", position);
        data.put("executed_gtid_set", gtids);
        data.put("purged_gtid_set", purged);
    }

    private static boolean running(String state) {
        return !"STOPPED".equals(state) && !"ERROR".equals(state) && !"WAITING_FOR_LEADER".equals(state);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Response success(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "success");
        body.put("data", data);
        return Response.ok(body).build();
    }

    private static Response failure(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("message", message)).build();
    }

    /** {@code host:port}, as kingbus's addresses are written; an IPv6 host is in brackets. */
    private record HostPort(String host, int port) {
        static HostPort parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                return null;
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                return port < 1 || port > 65535 || host.isBlank() ? null : new HostPort(host, port);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
