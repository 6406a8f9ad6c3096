package io.sluice.app.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Sluice's identities, derived from the topic name so that every node of a cluster and every restart show the
 * same ones: the server_id and server_uuid replicas see, and the replica UUID the source sees.
 */
public final class Identity {
    private Identity() {
    }

    /** A server_id in [2^30, 2^31): far from the small ids operators usually give their servers. */
    public static long serverId(String topic) {
        CRC32 crc = new CRC32();
        crc.update(topic.getBytes(StandardCharsets.UTF_8));
        return 0x40000000L | (crc.getValue() & 0x3FFFFFFFL);
    }

    public static String facadeUuid(String topic) {
        return UUID.nameUUIDFromBytes(("sluice-facade:" + topic).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A UUID naming a node of the cluster. */
    public static String memberUuid(String nodeId) {
        return UUID.nameUUIDFromBytes(("sluice-node:" + nodeId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static String syncerUuid(String topic) {
        return UUID.nameUUIDFromBytes(("sluice-syncer:" + topic).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
