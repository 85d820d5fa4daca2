package io.sharedmemory.remote.http.internal;

import java.util.Map;

/**
 * A refusal with its HTTP status, a short machine-readable code and a sentence for a person; rendered as
 * {@code {"error": code, "message": message}} (or {@code body} when given). Thrown before anything changed.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final transient Map<String, Object> body;

    public ApiException(int status, String error, String message) {
        this(status, error, message, null);
    }

    public ApiException(int status, String error, String message, Map<String, Object> body) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Map<String, Object> body() {
        return body;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    static ApiException invalid(String message) {
        return new ApiException(422, "invalid", message);
    }
}
