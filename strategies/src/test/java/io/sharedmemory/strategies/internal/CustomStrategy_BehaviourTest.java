package io.sharedmemory.strategies.internal;

import static io.sharedmemory.strategies.internal.Entries.KEY;
import static io.sharedmemory.strategies.internal.Entries.context;
import static io.sharedmemory.strategies.internal.Entries.existing;
import static io.sharedmemory.strategies.internal.Entries.incoming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import io.sharedmemory.api.ConflictResolver;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.Resolution;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

@ExtendWith(MockitoExtension.class)
class CustomStrategy_BehaviourTest {
    private final CustomStrategy strategy = new CustomStrategy();
    private final MemoryEntry existing = existing(Map.of("score", 10));
    private final MemoryEntry incoming = incoming(Map.of("score", 5));

    @Mock
    private ConflictResolver resolver;

    private Resolution resolve() {
        return strategy.resolve(existing, incoming, withResolver());
    }

    private ConflictContext withResolver() {
        return context(NamespaceConfig.CUSTOM, WriteOptions.none(), resolver);
    }

    @Test
    void name_isCustom() {
        assertEquals("custom", strategy.name());
    }

    @Test
    void resolve_withoutAResolver_rejectsSayingTheNamespaceHasNone() {
        Resolution r = strategy.resolve(existing, incoming, context(NamespaceConfig.CUSTOM));
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertTrue(r.reason().contains("no conflictResolver"), r.reason());
        assertTrue(r.reason().contains("\"team\""), r.reason());
    }

    @Test
    void resolve_handsTheResolverBothEntriesAndTheKey() {
        when(resolver.resolve(any(), any(), anyString())).thenReturn(incoming);
        resolve();
        verify(resolver).resolve(existing, incoming, KEY);
        verifyNoMoreInteractions(resolver);
    }

    @Test
    void resolve_resolverReturnsExisting_rejectsWithTheSpecificationText() {
        when(resolver.resolve(existing, incoming, KEY)).thenReturn(existing);
        Resolution r = resolve();
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertNull(r.reason(), "null lets the engine use \"Conflict resolution rejected write\"");
    }

    @Test
    void resolve_resolverReturnsAnEqualCopyOfExisting_storesItAsAReplacement() {
        // identity, not equality, means "reject": a resolver that rebuilds the old value asks to store it again
        MemoryEntry copy = MemoryEntry.of(existing.value(), existing.ownerId(), existing.timestamp(),
                existing.version(), existing.metadata());
        when(resolver.resolve(existing, incoming, KEY)).thenReturn(copy);
        Resolution r = resolve();
        assertEquals(Resolution.Kind.REPLACE, r.kind());
        assertEquals(existing.value(), r.value());
    }

    @Test
    void resolve_resolverReturnsIncoming_accepts() {
        when(resolver.resolve(existing, incoming, KEY)).thenReturn(incoming);
        assertEquals(Resolution.Kind.ACCEPT, resolve().kind());
    }

    @Test
    void resolve_resolverReturnsAnotherEntry_replacesWithItsValueAndMetadata() {
        MemoryEntry other = MemoryEntry.of(Map.of("score", 15), "whoever", Entries.T0, 99, Map.of("rule", "sum"));
        when(resolver.resolve(existing, incoming, KEY)).thenReturn(other);
        Resolution r = resolve();
        assertEquals(Resolution.Kind.REPLACE, r.kind());
        assertEquals(Map.of("score", 15), r.value());
        assertEquals(Map.of("rule", "sum"), r.metadata());
    }

    @Test
    void resolve_resolverReturnsNull_rejectsSayingSo() {
        when(resolver.resolve(existing, incoming, KEY)).thenReturn(null);
        Resolution r = resolve();
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertTrue(r.reason().contains("returned null"), r.reason());
    }

    @Test
    void resolve_resolverThrows_rejectsNamingTheException() {
        when(resolver.resolve(existing, incoming, KEY)).thenThrow(new IllegalStateException("score unreadable"));
        Resolution r = resolve();
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertTrue(r.reason().contains("java.lang.IllegalStateException"), r.reason());
        assertTrue(r.reason().contains("score unreadable"), r.reason());
    }

    @Test
    void resolve_resolverOfAStoppedBundle_rejectsInsteadOfEscaping() {
        when(resolver.resolve(existing, incoming, KEY)).thenThrow(new NoClassDefFoundError("com/acme/Rules"));
        Resolution r = resolve();
        assertEquals(Resolution.Kind.REJECT, r.kind());
        assertTrue(r.reason().contains("NoClassDefFoundError"), r.reason());
    }
}
