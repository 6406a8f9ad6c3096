package io.sluice.app.security;

import com.codahale.metrics.Counter;
import io.sluice.model.net.IpAllowlist;
import io.sluice.model.net.RefusalLog;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Answers 403 to a caller whose address is outside {@code api.ipAllowlist}, on the REST port and on the admin port,
 * before any resource runs. The address is the connection's: a proxy in front of Sluice must itself be allowed, and
 * then every caller through it is. Refusals are counted ({@code sluice.api.refused}) and logged once a minute per
 * address.
 */
public final class IpAllowlistFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(IpAllowlistFilter.class);
    private static final byte[] BODY = "{\"code\":403,\"message\":\"this address may not call Sluice's API\"}"
            .getBytes(StandardCharsets.UTF_8);
    private final IpAllowlist allowlist;
    private final Counter refused;
    private final RefusalLog refusals;

    public IpAllowlistFilter(IpAllowlist allowlist, Counter refused, RefusalLog refusals) {
        this.allowlist = allowlist;
        this.refused = refused;
        this.refusals = refusals;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String address = request.getRemoteAddr();
        if (allowed(address)) {
            chain.doFilter(request, response);
            return;
        }
        refused.inc();
        if (refusals.shouldLog(address)) {
            LOG.warn("API refused a request from {}: not in api.ipAllowlist {} (logged once a minute per address)",
                    address, allowlist);
        }
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(HttpServletResponse.SC_FORBIDDEN);
        http.setContentType("application/json");
        http.setContentLength(BODY.length);
        http.getOutputStream().write(BODY);
    }

    private boolean allowed(String address) {
        if (allowlist.allowsAll()) {
            return true;
        }
        try {
            // the connection's address is a literal: no lookup happens
            return address != null && allowlist.allows(InetAddress.getByName(address));
        } catch (IOException e) {
            return false;
        }
    }
}
