package io.sharedmemory.permissions.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.spi.PermissionProvider;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class DefaultPermissionProvider_BehaviourTest {
    private final DefaultPermissionProvider provider = new DefaultPermissionProvider();

    @Test
    void permission_withoutOverride_isTheNamespaceDefault() {
        for (Permission p : Permission.values()) {
            NamespaceConfig config = NamespaceConfig.builder().defaultPermission(p).build();
            assertEquals(p, provider.permission("ns", "agent", config));
        }
    }

    @Test
    void permission_defaultsOfADefaultNamespace_isRead() {
        assertEquals(Permission.READ, provider.permission("ns", "agent", NamespaceConfig.defaults()));
    }

    @Test
    void permission_override_winsOverTheDefault_upAndDown() {
        NamespaceConfig config = NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .permissions(Map.of("boss", Permission.ADMIN, "guest", Permission.NONE, "viewer", Permission.READ))
                .build();
        assertEquals(Permission.ADMIN, provider.permission("ns", "boss", config));
        assertEquals(Permission.NONE, provider.permission("ns", "guest", config));
        assertEquals(Permission.READ, provider.permission("ns", "viewer", config));
        assertEquals(Permission.WRITE, provider.permission("ns", "someone-else", config));
    }

    @Test
    void permission_specificationExample_sensitiveNamespace() {
        NamespaceConfig sensitive = NamespaceConfig.builder().defaultPermission(Permission.parse("null"))
                .permission("admin-agent", Permission.ADMIN)
                .permission("writer-agent", Permission.WRITE)
                .permission("reader-agent", Permission.READ).build();
        assertEquals(Permission.ADMIN, provider.permission("sensitive", "admin-agent", sensitive));
        assertEquals(Permission.WRITE, provider.permission("sensitive", "writer-agent", sensitive));
        assertEquals(Permission.READ, provider.permission("sensitive", "reader-agent", sensitive));
        assertEquals(Permission.NONE, provider.permission("sensitive", "other-agent", sensitive));
    }

    @Test
    void permission_agentIdsAreCaseSensitive() {
        NamespaceConfig config = NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("Agent", Permission.ADMIN).build();
        assertEquals(Permission.NONE, provider.permission("ns", "agent", config));
    }

    @Test
    void permission_missingConfigOrAgent_failsClosed() {
        NamespaceConfig open = NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build();
        assertEquals(Permission.NONE, provider.permission("ns", "agent", null));
        assertEquals(Permission.NONE, provider.permission("ns", null, open));
    }

    @Test
    void ranking_isZero_soAnyRankedProviderReplacesIt() {
        assertEquals(0, provider.ranking());
    }

    @Test
    void serviceLoader_findsIt() {
        List<PermissionProvider> found = StreamSupport.stream(
                ServiceLoader.load(PermissionProvider.class).spliterator(), false).collect(Collectors.toList());
        assertEquals(1, found.size());
        assertInstanceOf(DefaultPermissionProvider.class, found.get(0));
    }

    @Test
    void declarativeServices_registersAPermissionProviderRankedZero() throws Exception {
        String resource = "OSGI-INF/" + DefaultPermissionProvider.class.getName() + ".xml";
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(xml.contains("interface=\"io.sharedmemory.spi.PermissionProvider\""), xml);
            assertTrue(xml.contains("name=\"service.ranking\"") && xml.contains("type=\"Integer\"")
                    && xml.contains("value=\"0\""), xml);
        }
    }
}
