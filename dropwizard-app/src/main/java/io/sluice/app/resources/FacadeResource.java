package io.sluice.app.resources;

import io.sluice.app.api.ErrorResponse;
import io.sluice.app.api.FacadeView;
import io.sluice.app.core.FacadeManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/facade}: this node's MySQL listener: status, start, stop. */
@Path("/api/v1/facade")
@Produces(MediaType.APPLICATION_JSON)
public class FacadeResource {
    private static final Logger LOG = LoggerFactory.getLogger(FacadeResource.class);
    private final FacadeManager facade;

    public FacadeResource(FacadeManager facade) {
        this.facade = facade;
    }

    @GET
    public FacadeView status() {
        return facade.status();
    }

    /** Opens the listener (a no-op when it listens); 503 when the port cannot be bound. */
    @POST
    @Path("/start")
    public Response start() {
        try {
            facade.start();
            return Response.ok(facade.status()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted while starting the listener");
        } catch (RuntimeException e) {
            LOG.warn("the facade could not start: {}", e.toString());
            return unavailable("the facade could not start: " + e.getMessage());
        }
    }

    /** Closes the listener and every client connection; replicas reconnect elsewhere or when it starts again. */
    @POST
    @Path("/stop")
    public FacadeView stop() {
        LOG.info("facade stopped through the API");
        facade.stop();
        return facade.status();
    }

    private static Response unavailable(String message) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(503, message, null)).build();
    }
}
