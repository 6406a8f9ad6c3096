package io.sluice.app.resources;

import io.sluice.app.core.FacadeManager;
import io.sluice.facade.ReplicaInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code /api/v1/replicas}: the replicas connected to this node. */
@Path("/api/v1/replicas")
@Produces(MediaType.APPLICATION_JSON)
public class ReplicasResource {
    private final FacadeManager facade;

    public ReplicasResource(FacadeManager facade) {
        this.facade = facade;
    }

    @GET
    public List<ReplicaInfo> replicas() {
        return facade.replicas();
    }
}
