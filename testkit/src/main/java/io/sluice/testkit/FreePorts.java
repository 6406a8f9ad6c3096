package io.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports for servers a test starts as processes of their own, which cannot be given port 0. */
public final class FreePorts {
    private FreePorts() {
    }

    /**
     * {@code n} distinct ports that were free a moment ago: all held open together, then released, so that no two
     * are the same. Another process may still take one before the server binds it; callers retry on "Address already
     * in use".
     *
     * @param n how many
     * @return the ports
     */
    public static synchronized int[] take(int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // a probe socket that would not close: its port is no less free
                    }
                }
            }
        }
    }
}
