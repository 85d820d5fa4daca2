package io.sharedmemory.remote.mcp.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.spec.McpError;
import java.io.IOException;

/**
 * The Jackson set-up the MCP SDK needs, made explicitly: inside OSGi the SDK's {@code ServiceLoader} look-ups of a JSON
 * mapper and a schema validator see no other bundle. Its one addition: an {@link McpError} (which the SDK writes as the
 * body of its 4xx answers) is written as a JSON-RPC error object, not as the whole exception with its stack trace.
 */
public final class McpJson {
    private final ObjectMapper mapper;
    private final JacksonMcpJsonMapper jsonMapper;
    private final DefaultJsonSchemaValidator validator;

    public McpJson() {
        mapper = new ObjectMapper();
        SimpleModule errors = new SimpleModule("sharedmemory-mcp-errors");
        errors.addSerializer(McpError.class, new McpErrorSerializer());
        mapper.registerModule(errors);
        jsonMapper = new JacksonMcpJsonMapper(mapper);
        validator = new DefaultJsonSchemaValidator(mapper);
    }

    public JacksonMcpJsonMapper jsonMapper() {
        return jsonMapper;
    }

    public DefaultJsonSchemaValidator schemaValidator() {
        return validator;
    }

    private static final class McpErrorSerializer extends StdSerializer<McpError> {
        private static final long serialVersionUID = 1L;

        McpErrorSerializer() {
            super(McpError.class);
        }

        @Override
        public void serialize(McpError e, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            g.writeNullField("id");
            g.writeObjectFieldStart("error");
            g.writeNumberField("code", e.getJsonRpcError() == null ? -32603 : e.getJsonRpcError().code());
            g.writeStringField("message", e.getJsonRpcError() == null ? String.valueOf(e.getMessage())
                    : e.getJsonRpcError().message());
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
