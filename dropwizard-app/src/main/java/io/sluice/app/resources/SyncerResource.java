package io.sluice.app.resources;

import io.sluice.app.api.ErrorResponse;
import io.sluice.app.api.SyncerRequest;
import io.sluice.app.api.SyncerView;
import io.sluice.app.core.SyncerManager;
import io.sluice.model.client.tls.TlsSettingsException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /api/v1/syncer}: configure (and start), start again, stop, status. */
@Path("/api/v1/syncer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SyncerResource {
    private final SyncerManager syncer;

    public SyncerResource(SyncerManager syncer) {
        this.syncer = syncer;
    }

    @GET
    public SyncerView status() {
        return syncer.status();
    }

    /**
     * Stores the settings and (re)starts the syncer; a later PUT replaces them. TLS settings are checked first (the
     * mode, the CA a verifying mode needs, every PEM text and file): 400 naming the field at fault.
     */
    @PUT
    public SyncerView configure(@NotNull @Valid SyncerRequest request) {
        try {
            request.source().clientTls().check();
        } catch (TlsSettingsException e) {
            String field = "source.tls." + e.field();
            throw new WebApplicationException(Response.status(Response.Status.BAD_REQUEST)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new ErrorResponse(400, e.prefixed("source.tls."), field)).build());
        }
        return syncer.configure(request);
    }

    /** Starts a stopped syncer again with the settings it had; 409 when it was never configured. */
    @POST
    @Path("/start")
    public Response start() {
        return syncer.resume().map(v -> Response.ok(v).build())
                .orElseGet(() -> Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                        .entity(new ErrorResponse(409, "the syncer was never configured: PUT /api/v1/syncer with "
                                + "its source first", null)).build());
    }

    @POST
    @Path("/stop")
    public SyncerView stop() {
        return syncer.halt();
    }
}
