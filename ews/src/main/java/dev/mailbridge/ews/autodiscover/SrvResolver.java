package dev.mailbridge.ews.autodiscover;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.InitialDirContext;

/**
 * Looks up DNS SRV records ({@code _autodiscover._tcp.<domain>}), the last Autodiscover step. Pluggable:
 * {@link #none()} (default), {@link #dns()} (JNDI DNS), or your own (tests, a corporate resolver).
 */
@FunctionalInterface
public interface SrvResolver {

    /** One SRV record. */
    record SrvRecord(int priority, int weight, int port, String target) {}

    /** The records for {@code name}; empty when there are none. Failures should return empty. */
    List<SrvRecord> lookup(String name);

    static SrvResolver none() {
        return name -> List.of();
    }

    /** The platform's DNS through JNDI ({@code dns:}); empty on any failure. */
    static SrvResolver dns() {
        return name -> {
            Hashtable<String, String> env = new Hashtable<>();
            env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
            env.put("com.sun.jndi.dns.timeout.initial", "2000");
            env.put("com.sun.jndi.dns.timeout.retries", "1");
            List<SrvRecord> out = new ArrayList<>();
            try {
                InitialDirContext ctx = new InitialDirContext(env);
                try {
                    Attributes attrs = ctx.getAttributes(name, new String[] {"SRV"});
                    Attribute srv = attrs.get("SRV");
                    if (srv == null) {
                        return out;
                    }
                    NamingEnumeration<?> values = srv.getAll();
                    while (values.hasMore()) {
                        String[] f = values.next().toString().trim().split("\\s+");
                        if (f.length == 4) {
                            String target = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
                            out.add(new SrvRecord(
                                    Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), target));
                        }
                    }
                } finally {
                    ctx.close();
                }
            } catch (NamingException | NumberFormatException e) {
                return List.of();
            }
            return out;
        };
    }
}
