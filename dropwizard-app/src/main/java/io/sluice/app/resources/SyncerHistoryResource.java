package io.sluice.app.resources;

import io.sluice.app.api.ErrorResponse;
import io.sluice.app.api.SyncerHistory;
import io.sluice.app.core.LagHistory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

/**
 * {@code /api/v1/syncer/history}: the syncer's lag over the last hour, as sampled on this node. The query parameter
 * is read as text so that a bad value gets the API's own 400 body instead of JAX-RS's bare 404.
 */
@Path("/api/v1/syncer/history")
@Produces(MediaType.APPLICATION_JSON)
public class SyncerHistoryResource {
    private static final int MAX_MINUTES = (int) LagHistory.SPAN.toMinutes();
    private final LagHistory history;

    public SyncerHistoryResource(LagHistory history) {
        this.history = history;
    }

    /** @param minutes how far back, 1 to 60; absent = 60 */
    @GET
    public SyncerHistory history(@QueryParam("minutes") String minutes) {
        int m = minutes(minutes);
        return new SyncerHistory(history.intervalSeconds(), history.last(Duration.ofMinutes(m)));
    }

    private static int minutes(String text) {
        if (text == null) {
            return MAX_MINUTES;
        }
        try {
            int m = Integer.parseInt(text.trim());
            if (m >= 1 && m <= MAX_MINUTES) {
                return m;
            }
        } catch (NumberFormatException e) {
            // answered below, as for a number out of range
        }
        throw new WebApplicationException(Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(400, "minutes must be a whole number from 1 to " + MAX_MINUTES + ", not '"
                        + text + "'", "minutes"))
                .build());
    }
}
