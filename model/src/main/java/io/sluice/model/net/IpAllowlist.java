package io.sluice.model.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses allowed to connect, as CIDR ranges of IPv4 and IPv6 ({@code 10.0.0.0/8}, {@code 192.168.1.7},
 * {@code fd00::/8}, {@code ::1}), like Group Replication's {@code group_replication_ip_allowlist}. An empty list
 * allows every address. An IPv4 address that reaches an IPv6 socket as {@code ::ffff:a.b.c.d} is matched as the IPv4
 * address it is. Names are not accepted: a name's addresses change without the list knowing.
 */
public final class IpAllowlist {
    /** One range: the network's address bytes and how many leading bits must match. */
    private record Range(byte[] network, int prefix, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    public static final IpAllowlist ALLOW_ALL = new IpAllowlist(List.of());
    private final List<Range> ranges;

    private IpAllowlist(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses CIDR ranges; a bare address is a range of one.
     *
     * @throws IllegalArgumentException naming the first entry that is not an IPv4 or IPv6 range
     */
    public static IpAllowlist parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            ranges.add(range(entry.trim()));
        }
        return new IpAllowlist(ranges);
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        String address = slash < 0 ? entry : entry.substring(0, slash);
        // only literals reach InetAddress: anything else would be looked up in the DNS
        boolean v6 = address.contains(":") && address.matches("[0-9a-fA-F:.]+");
        boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && java.util.Arrays.stream(address.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'" + entry + "' is not an IPv4 or IPv6 address or CIDR range");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + entry + "' is not an IPv4 or IPv6 address or CIDR range");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + entry + "': the prefix length must be 0 to " + max);
            }
        }
        return new Range(bytes, prefix, entry);
    }

    /** Whether {@code address} may connect. */
    public boolean allows(InetAddress address) {
        if (ranges.isEmpty()) {
            return true;
        }
        byte[] bytes = unmapped(address.getAddress());
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** {@code ::ffff:a.b.c.d} as the IPv4 address it carries; any other address as it is. */
    private static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    public boolean allowsAll() {
        return ranges.isEmpty();
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "every address" : ranges.stream().map(Range::text).toList().toString();
    }
}
