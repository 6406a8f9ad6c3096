package io.sluice.app.resources;

import io.sluice.app.api.ErrorResponse;
import io.sluice.app.security.SecretsUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** A source password this node cannot store (no secrets key): 400 naming {@code source.password}. */
public class SecretsErrorMapper implements ExceptionMapper<SecretsUnavailableException> {
    @Override
    public Response toResponse(SecretsUnavailableException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(400, e.getMessage(), "source.password")).build();
    }
}
