package io.sluice.app.resources;

import io.sluice.app.api.ErrorResponse;
import io.sluice.app.core.FacadeManager;
import io.sluice.facade.ReplicaInfo;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** {@code /api/v1/replicas}: the replicas connected to this node; one can be disconnected. */
@Path("/api/v1/replicas")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicasResource {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicasResource.class);
    private final FacadeManager facade;

    public ReplicasResource(FacadeManager facade) {
        this.facade = facade;
    }

    @GET
    public List<ReplicaInfo> replicas() {
        return facade.replicas();
    }

    @GET
    @Path("/{connectionId}")
    public Response replica(@PathParam("connectionId") long connectionId) {
        return facade.replicas().stream().filter(r -> r.connectionId() == connectionId).findFirst()
                .map(r -> Response.ok(r).build()).orElseGet(() -> notFound(connectionId));
    }

    /** Closes the replica's connection, as {@code KILL} does; a MySQL replica reconnects on its own. */
    @DELETE
    @Path("/{connectionId}")
    public Response disconnect(@PathParam("connectionId") long connectionId) {
        if (!facade.disconnect(connectionId)) {
            return notFound(connectionId);
        }
        LOG.info("connection {} closed through the API", connectionId);
        return Response.noContent().build();
    }

    private static Response notFound(long connectionId) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(404, "no connection " + connectionId + " on this node", null)).build();
    }
}
