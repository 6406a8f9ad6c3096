package io.sluice.model.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpAllowlistTest {
    private static boolean allows(IpAllowlist list, String address) throws Exception {
        return list.allows(InetAddress.getByName(address));
    }

    @Test
    void ipv4RangesMatchOnTheirPrefix() throws Exception {
        IpAllowlist list = IpAllowlist.parse(List.of("10.0.0.0/8", "192.168.1.7", "172.16.0.0/12"));
        assertThat(allows(list, "10.255.3.4")).isTrue();
        assertThat(allows(list, "11.0.0.1")).isFalse();
        assertThat(allows(list, "192.168.1.7")).isTrue();
        assertThat(allows(list, "192.168.1.8")).isFalse();
        assertThat(allows(list, "172.31.255.255")).isTrue();
        assertThat(allows(list, "172.32.0.0")).isFalse();
        assertThat(allows(list, "::ffff:10.1.2.3")).as("IPv4-mapped IPv6").isTrue();
        assertThat(allows(list, "fd00::1")).isFalse();
    }

    @Test
    void ipv6RangesMatchOnTheirPrefix() throws Exception {
        IpAllowlist list = IpAllowlist.parse(List.of("fd00::/8", "::1", "2001:db8:1:2::/63"));
        assertThat(allows(list, "fd12:3456::9")).isTrue();
        assertThat(allows(list, "fe80::1")).isFalse();
        assertThat(allows(list, "::1")).isTrue();
        assertThat(allows(list, "2001:db8:1:3::1")).isTrue();
        assertThat(allows(list, "2001:db8:1:4::1")).isFalse();
        assertThat(allows(list, "127.0.0.1")).isFalse();
    }

    @Test
    void anEmptyListAllowsEveryoneAndZeroPrefixesAllowTheirFamily() throws Exception {
        assertThat(allows(IpAllowlist.parse(List.of()), "203.0.113.9")).isTrue();
        IpAllowlist v4 = IpAllowlist.parse(List.of("0.0.0.0/0"));
        assertThat(allows(v4, "203.0.113.9")).isTrue();
        assertThat(allows(v4, "2001:db8::1")).isFalse();
    }

    @Test
    void entriesThatAreNotRangesAreRefusedByName() {
        assertThatThrownBy(() -> IpAllowlist.parse(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33")
                .hasMessageContaining("0 to 32");
        assertThatThrownBy(() -> IpAllowlist.parse(List.of("db.example.com"))).hasMessageContaining("db.example.com");
        assertThatThrownBy(() -> IpAllowlist.parse(List.of("dead.beef"))).hasMessageContaining("dead.beef");
        assertThatThrownBy(() -> IpAllowlist.parse(List.of("300.1.1.1"))).hasMessageContaining("300.1.1.1");
        assertThatThrownBy(() -> IpAllowlist.parse(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
        assertThatThrownBy(() -> IpAllowlist.parse(List.of("::1/129"))).hasMessageContaining("0 to 128");
        assertThatThrownBy(() -> IpAllowlist.parse(List.of(""))).hasMessageContaining("not an IPv4");
    }
}
