package io.sluice.app.resources;

import io.dropwizard.servlets.assets.AssetServlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /status/}: the operator's status page, static files from {@code assets/status} that read the REST API.
 * {@code /status} without the slash redirects to it, since the page's relative links ({@code status.js}, {@code
 * ../api/v1/}) resolve against the directory.
 */
public final class StatusPageServlet extends AssetServlet {
    private static final long serialVersionUID = 1L;
    /** Where the servlet is mapped, with {@code /*} appended. */
    public static final String PATH = "/status";

    public StatusPageServlet() {
        super("/assets/status", PATH + "/", "index.html", StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        if (req.getPathInfo() == null) {
            String query = req.getQueryString();
            resp.sendRedirect(req.getRequestURI() + "/" + (query == null ? "" : "?" + query));
            return;
        }
        super.doGet(req, resp);
    }
}
