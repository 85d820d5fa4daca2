package io.sharedmemory.config.internal;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * Issue 16, item 13: two configurations with the same {@code name=} must not override each other in turns. The one
 * whose PID sorts first owns the namespace whatever the order of arrival; the other is refused; when the owner goes,
 * the other takes over.
 */
class NamespaceDeclaration_OwnershipTest {
    private final SharedMemory memory = mock(SharedMemory.class);
    private final NamespaceOwners owners = new NamespaceOwners();

    private static Map<String, Object> file(String fileName, String strategy) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.sharedmemory.namespace~" + fileName);
        p.put("name", "tasks");
        p.put("conflictStrategy", strategy);
        return p;
    }

    private static NamespaceConfig strategy(String name) {
        return NamespaceConfig.builder().conflictStrategy(name).build();
    }

    @Test
    void theFirstPidOwnsTheNamespace_whicheverArrivesFirst() {
        for (boolean aFirst : new boolean[] {true, false}) {
            SharedMemory m = mock(SharedMemory.class);
            NamespaceOwners o = new NamespaceOwners();
            if (aFirst) {
                new NamespaceDeclaration(m, file("a-tasks", "merge"), o);
                new NamespaceDeclaration(m, file("b-tasks", "latest-wins"), o);
            } else {
                new NamespaceDeclaration(m, file("b-tasks", "latest-wins"), o);
                new NamespaceDeclaration(m, file("a-tasks", "merge"), o);
            }
            InOrder order = inOrder(m);
            order.verify(m, org.mockito.Mockito.atLeastOnce()).createNamespace("tasks", strategy(aFirst ? "merge"
                    : "latest-wins"));
            if (!aFirst) {
                order.verify(m).createNamespace("tasks", strategy("merge"));
            }
            order.verifyNoMoreInteractions();
        }
    }

    @Test
    void theOtherIsRefused_untilTheOwnerGoes_thenItTakesOver() {
        NamespaceDeclaration a = new NamespaceDeclaration(memory, file("a-tasks", "merge"), owners);
        NamespaceDeclaration b = new NamespaceDeclaration(memory, file("b-tasks", "latest-wins"), owners);
        verify(memory).createNamespace("tasks", strategy("merge"));
        verify(memory, never()).createNamespace("tasks", strategy("latest-wins"));

        b.modified(file("b-tasks", "first-wins"));
        verify(memory, never()).createNamespace(eq("tasks"), eq(strategy("first-wins")));

        clearInvocations(memory);
        a.deactivate(file("a-tasks", "merge")); // its file deleted
        verify(memory).createNamespace("tasks", strategy("first-wins"));
        clearInvocations(memory);
        b.deactivate(file("b-tasks", "first-wins"));
        verify(memory, never()).createNamespace(any(), any());
    }

    @Test
    void renamingTheOwner_handsTheNamespaceToTheOther() {
        NamespaceDeclaration a = new NamespaceDeclaration(memory, file("a-tasks", "merge"), owners);
        new NamespaceDeclaration(memory, file("b-tasks", "latest-wins"), owners);
        clearInvocations(memory);
        Map<String, Object> renamed = file("a-tasks", "merge");
        renamed.put("name", "jobs");
        a.modified(renamed);
        verify(memory).createNamespace("jobs", strategy("merge"));
        verify(memory).createNamespace("tasks", strategy("latest-wins"));
    }
}
