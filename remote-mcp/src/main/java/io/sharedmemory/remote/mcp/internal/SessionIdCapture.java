package io.sharedmemory.remote.mcp.internal;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/** Notes the MCP session id the SDK gives an {@code initialize} answer, so that the session can be bound to its agent. */
public final class SessionIdCapture extends HttpServletResponseWrapper {
    private volatile String sessionId;

    public SessionIdCapture(HttpServletResponse response) {
        super(response);
    }

    public String sessionId() {
        return sessionId;
    }

    @Override
    public void setHeader(String name, String value) {
        note(name, value);
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        note(name, value);
        super.addHeader(name, value);
    }

    private void note(String name, String value) {
        if ("Mcp-Session-Id".equalsIgnoreCase(name)) {
            sessionId = value;
        }
    }
}
