package io.sharedmemory.config.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which declaration owns each namespace. Two configurations that declare one namespace (two files with the same
 * {@code name=}) must not take turns overriding each other: the one whose PID sorts first owns it, and only the owner
 * is applied. The rule does not depend on the order in which configurations arrive, so every start ends the same way; when
 * the owner goes (its file deleted, or renamed to declare another namespace), the next one takes over.
 *
 * <p>Thread-safe. Callers act on what a method returns outside its lock (applying a declaration calls the engine).
 */
final class NamespaceOwners {
    /** The declarations of the running bundle. */
    static final NamespaceOwners SHARED = new NamespaceOwners();

    /** namespace → (PID → declaration), PIDs in order: the first owns the namespace. */
    private final Map<String, TreeMap<String, NamespaceDeclaration>> claims = new HashMap<>();
    /** PID → the namespace it claims. */
    private final Map<String, String> claimed = new HashMap<>();

    /**
     * The outcome of a claim: who owns the namespace now, who lost it to the claimant (to be told), and who now owns
     * the namespace the claimant declared before, if it gave that one up (to be applied).
     */
    record Claim(String owner, Optional<NamespaceDeclaration> displaced, Optional<NamespaceDeclaration> handedOver) {
    }

    /**
     * Claims a namespace for a declaration, giving up what it claimed before under another name.
     *
     * @return the owner's PID after the claim, the declaration that owned it until now if the claimant displaced it,
     *         and the one that takes over the namespace the claimant gave up
     */
    synchronized Claim claim(String namespace, String pid, NamespaceDeclaration declaration) {
        Optional<NamespaceDeclaration> handedOver = namespace.equals(claimed.get(pid)) ? Optional.empty()
                : releaseLocked(pid);
        TreeMap<String, NamespaceDeclaration> byPid = claims.computeIfAbsent(namespace, n -> new TreeMap<>());
        String ownerBefore = byPid.isEmpty() ? null : byPid.firstKey();
        byPid.put(pid, declaration);
        claimed.put(pid, namespace);
        String owner = byPid.firstKey();
        Optional<NamespaceDeclaration> displaced = ownerBefore != null && !ownerBefore.equals(owner)
                ? Optional.of(byPid.get(ownerBefore)) : Optional.empty();
        return new Claim(owner, displaced, handedOver);
    }

    /**
     * Gives up a declaration's claim.
     *
     * @return the declaration that owns the namespace now, if the one released owned it and another claims it
     */
    synchronized Optional<NamespaceDeclaration> release(String pid) {
        return releaseLocked(pid);
    }

    private Optional<NamespaceDeclaration> releaseLocked(String pid) {
        String namespace = claimed.remove(pid);
        if (namespace == null) {
            return Optional.empty();
        }
        TreeMap<String, NamespaceDeclaration> byPid = claims.get(namespace);
        boolean owned = pid.equals(byPid.firstKey());
        byPid.remove(pid);
        if (byPid.isEmpty()) {
            claims.remove(namespace);
            return Optional.empty();
        }
        return owned ? Optional.of(byPid.firstEntry().getValue()) : Optional.empty();
    }

    /** @return the PID owning a namespace, if any declaration claims it */
    synchronized Optional<String> owner(String namespace) {
        TreeMap<String, NamespaceDeclaration> byPid = claims.get(namespace);
        return byPid == null ? Optional.empty() : Optional.of(byPid.firstKey());
    }
}
