package io.sharedmemory.json;

/**
 * Text that is not the JSON expected, or a value that cannot be written as JSON. The message says what is wrong and,
 * for text, where (line and column), in words fit for the person who typed it.
 */
public final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public JsonException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the parser's own exception
     */
    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
