package app.shoebox.server.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    @Test
    void withNoTrustedProxyTheClientIsThePeerWhateverItSays() {
        assertThat(TrustedProxies.none().clientAddress("192.0.2.1", List.of("203.0.113.9"))).isEqualTo("192.0.2.1");
    }

    @Test
    void behindATrustedProxyTheClientIsTheLastAddressNoTrustedProxyVouchedFor() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 127.0.0.1");
        // The client forged the first entry; the outer proxy (10.1.2.3) appended what it saw.
        assertThat(proxies.clientAddress("127.0.0.1", List.of("1.1.1.1, 203.0.113.9, 10.1.2.3"))).isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("1.1.1.1", "203.0.113.9"))).as("several headers").isEqualTo("203.0.113.9");
        assertThat(proxies.clientAddress("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
        assertThat(proxies.clientAddress("192.0.2.1", List.of("203.0.113.9"))).as("an untrusted peer").isEqualTo("192.0.2.1");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("203.0.113.9, not-an-address"))).as("garbage stops the walk")
                .isEqualTo("127.0.0.1");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("[2001:db8::1]"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void rangesMatchByPrefix() {
        TrustedProxies proxies = TrustedProxies.parse("172.16.0.0/12,fd00::/8");
        assertThat(proxies.trusts(java.net.InetAddress.ofLiteral("172.31.255.255"))).isTrue();
        assertThat(proxies.trusts(java.net.InetAddress.ofLiteral("172.32.0.0"))).isFalse();
        assertThat(proxies.trusts(java.net.InetAddress.ofLiteral("fd12::1"))).isTrue();
        assertThat(proxies.trusts(java.net.InetAddress.ofLiteral("fe80::1"))).isFalse();
    }

    @Test
    void namesAndBadRangesAreRefusedWithoutALookUp() {
        assertThatThrownBy(() -> TrustedProxies.parse("proxy.example.com")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("prefix");
    }
}
