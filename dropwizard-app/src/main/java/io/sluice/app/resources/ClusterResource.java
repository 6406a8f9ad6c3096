package io.sluice.app.resources;

import io.sluice.app.api.ClusterView;
import io.sluice.app.api.MemberView;
import io.sluice.app.core.KafkaRuntime;
import io.sluice.app.core.Membership;
import io.sluice.app.core.TopicHealthProbe;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;


/** {@code /api/v1/cluster}: members, syncer leader, and the binlog topic's health. */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    private final Membership membership;
    private final KafkaRuntime kafka;

    public ClusterResource(Membership membership, KafkaRuntime kafka) {
        this.membership = membership;
        this.kafka = kafka;
    }

    @GET
    public ClusterView cluster() {
        MemberView leader = membership.leader();
        return new ClusterView(membership.nodeId(), leader == null ? null : leader.nodeId(), membership.members(),
                TopicHealthProbe.read(kafka));
    }
}
