package app.shoebox.server.http;

import io.javalin.http.Context;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which peers may say who the client is. A request's client address is the address of the TCP
 * peer, unless that peer is a trusted reverse proxy: then it is the last address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy. With no trusted proxies (the
 * default), {@code X-Forwarded-For} is ignored: anyone can send it, so believing it would let a
 * client pick the address it is throttled and logged under.
 *
 * <p>Addresses are parsed as literals only ({@link InetAddress#ofLiteral}); no name is ever looked up.
 */
public record TrustedProxies(List<Cidr> ranges) {

    private static final String ATTRIBUTE = TrustedProxies.class.getName() + ".client";

    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * Parses a comma-separated list of addresses and ranges ({@code 127.0.0.1, 10.0.0.0/8, ::1});
     * a blank one trusts nobody.
     */
    public static TrustedProxies parse(String spec) {
        List<Cidr> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                ranges.add(Cidr.parse(part.strip()));
            }
        }
        return new TrustedProxies(ranges);
    }

    public boolean trusts(InetAddress address) {
        return ranges.stream().anyMatch(r -> r.contains(address));
    }

    /**
     * The client's address for a peer and the values of its {@code X-Forwarded-For} headers (in
     * order). Proxies append the address they received from, so the list is read from the right;
     * the first entry a trusted proxy did not vouch for is the client. An entry that is not an
     * address stops the walk at the hop that wrote it.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        Optional<InetAddress> current = literal(peer);
        if (current.isEmpty() || !trusts(current.get())) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        forwardedFor.forEach(h -> hops.addAll(Arrays.asList(h.split(","))));
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i).strip());
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get().getHostAddress();
            if (!trusts(hop.get())) {
                break;
            }
        }
        return client;
    }

    /** Works out and remembers the client address of a request (called once, before its handlers). */
    void remember(Context ctx) {
        List<String> forwarded = ranges.isEmpty() ? List.of() : ctx.req().getHeaders("X-Forwarded-For") == null
                ? List.of() : java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
        ctx.attribute(ATTRIBUTE, clientAddress(ctx.req().getRemoteAddr(), forwarded));
    }

    /** The client address of a request, as {@link #clientAddress} decided it. */
    public static String of(Context ctx) {
        String address = ctx.attribute(ATTRIBUTE);
        return address != null ? address : ctx.req().getRemoteAddr();
    }

    private static Optional<InetAddress> literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            return t.isEmpty() ? Optional.empty() : Optional.of(InetAddress.ofLiteral(t));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** An address range, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a range of one. */
    public record Cidr(byte[] network, int prefixBits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            InetAddress parsed = literal(address).orElseThrow(() -> new IllegalArgumentException(
                    "not an IP address or range: '" + text + "' (use e.g. 127.0.0.1, 10.0.0.0/8 or ::1; names are not looked up)"));
            byte[] bytes = parsed.getAddress();
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("bad prefix length in '" + text + "': must be 0 to " + bits);
                }
            }
            return new Cidr(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.prefixBits == prefixBits && Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefixBits;
        }
    }
}
