package io.sluice.app.resources;

import io.sluice.app.api.BinlogView;
import io.sluice.app.api.ErrorResponse;
import io.sluice.app.api.MemberView;
import io.sluice.app.api.PurgeRequest;
import io.sluice.app.api.PurgeResult;
import io.sluice.app.api.RetentionView;
import io.sluice.app.core.BinlogCatalog;
import io.sluice.app.core.FacadeManager;
import io.sluice.app.core.Membership;
import io.sluice.facade.ReplicaInfo;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/binlog}: what the topic holds, purging it, and its retention. A purge is refused while a replica
 * connected to any node still needs what it would remove, unless forced: every node publishes the lowest offset its
 * replicas need with its membership record.
 */
@Path("/api/v1/binlog")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BinlogResource {
    /** Members whose published replicas count: those that may have replicas streaming now. */
    private static final Set<String> LIVE = Set.of("ONLINE", "RECOVERING", "ERROR");
    private final BinlogCatalog catalog;
    private final FacadeManager facade;
    private final Membership membership;

    public BinlogResource(BinlogCatalog catalog, FacadeManager facade, Membership membership) {
        this.catalog = catalog;
        this.facade = facade;
        this.membership = membership;
    }

    @GET
    public BinlogView binlog() {
        return catalog.view();
    }

    @POST
    @Path("/purge")
    public Response purge(@NotNull PurgeRequest request) {
        try {
            PurgeResult result = catalog.purge(request, needs());
            boolean refused = !result.purged() && !result.dryRun() && !result.replicas().isEmpty()
                    && !request.force();
            return Response.status(refused ? Response.Status.CONFLICT : Response.Status.OK).entity(result).build();
        } catch (BinlogCatalog.PurgeException e) {
            return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorResponse(e.status(), e.getMessage(), null)).build();
        }
    }

    /** The replicas of this node, one by one, and of every other live node, as the lowest offset they need. */
    private List<PurgeResult.ReplicaNeed> needs() {
        List<PurgeResult.ReplicaNeed> needs = new ArrayList<>();
        for (ReplicaInfo r : facade.replicas()) {
            if (r.dumping()) {
                needs.add(new PurgeResult.ReplicaNeed(membership.nodeId(), r.connectionId(), r.serverId(), r.host(),
                        Math.max(0, r.offset())));
            }
        }
        for (MemberView m : membership.members()) {
            if (!m.nodeId().equals(membership.nodeId()) && LIVE.contains(m.state())
                    && m.oldestReplicaOffset() >= 0) {
                needs.add(new PurgeResult.ReplicaNeed(m.nodeId(), -1, 0, null, m.oldestReplicaOffset()));
            }
        }
        return needs;
    }

    @GET
    @Path("/retention")
    public RetentionView retention() {
        return catalog.retention();
    }

    /** Changes the named settings; each must be -1 (no limit) or positive. */
    @PUT
    @Path("/retention")
    public Response retention(@NotNull RetentionView change) {
        String bad = change.retentionMs() != null && invalid(change.retentionMs()) ? "retentionMs"
                : change.retentionBytes() != null && invalid(change.retentionBytes()) ? "retentionBytes" : null;
        if (bad != null) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorResponse(400, bad + " must be -1 (no limit) or positive", bad)).build();
        }
        if (change.retentionMs() == null && change.retentionBytes() == null) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorResponse(400, "name retentionMs, retentionBytes or both", null)).build();
        }
        return Response.ok(catalog.retention(change)).build();
    }

    private static boolean invalid(long value) {
        return value == 0 || value < -1;
    }
}
