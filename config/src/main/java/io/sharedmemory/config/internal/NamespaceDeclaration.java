package io.sharedmemory.config.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One namespace declared in configuration: one instance per factory configuration of {@value #FACTORY_PID}.
 *
 * <p>Activation and every change of the configuration call {@link SharedMemory#createNamespace(String,
 * NamespaceConfig)}, which creates the namespace or replaces its configuration keeping its entries. The whole
 * configuration is checked before anything is applied: a bad value or an unknown property is logged with the
 * configuration's PID and the namespace is left exactly as it was. Deleting the configuration keeps the namespace and
 * its data (an operator who wants it gone deletes it explicitly, {@code sm:drop}); removing data because a file
 * disappeared is too easy to do by accident. When the engine is replaced, the component is activated again and
 * declares its namespace on the new one.
 *
 * <p>One declaration owns a namespace ({@link NamespaceOwners}): of two configurations with the same name, the one
 * whose PID sorts first is applied and the other is refused with an ERROR naming both, whatever order they arrive in;
 * when the owner goes, the other takes over.
 */
@Component(configurationPid = NamespaceDeclaration.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = NamespaceDeclaration.Config.class, factory = true)
public final class NamespaceDeclaration {
    static final String FACTORY_PID = "io.sharedmemory.namespace";
    private static final System.Logger LOG = System.getLogger(NamespaceDeclaration.class.getName());

    @ObjectClassDefinition(id = FACTORY_PID, name = "sharedmemory namespace",
            description = "A namespace of the shared memory, created when this configuration appears and "
                    + "reconfigured (keeping its entries) when it changes. Deleting the configuration keeps the "
                    + "namespace and its data.")
    @interface Config {
        @AttributeDefinition(name = "Name", description = "The namespace's name: 1 to 256 characters, not blank, "
                + "no control characters. When absent, the name of the factory configuration is used (for FileInstall,"
                + " the part of the file name after the dash: io.sharedmemory.namespace-tasks.cfg declares tasks).",
                required = false)
        String name();

        @AttributeDefinition(name = "Default permission", description = "What agents without an override may do.",
                options = {
                    @org.osgi.service.metatype.annotations.Option(label = "none", value = "none"),
                    @org.osgi.service.metatype.annotations.Option(label = "read", value = "read"),
                    @org.osgi.service.metatype.annotations.Option(label = "write", value = "write"),
                    @org.osgi.service.metatype.annotations.Option(label = "admin", value = "admin")})
        String defaultPermission() default "read";

        @AttributeDefinition(name = "Permissions", description = "Per-agent overrides, each agent=permission "
                + "(none, read, write, admin), for instance planner=admin; an entry may also hold several separated by "
                + "commas.", required = false)
        String[] permissions();

        @AttributeDefinition(name = "Conflict strategy", description = "The name of the strategy deciding writes to "
                + "an existing key: latest-wins, first-wins, merge, version, or a plugin's name such as max-value. It "
                + "need not be installed yet: until it is, writes are refused with STRATEGY_UNAVAILABLE.")
        String conflictStrategy() default NamespaceConfig.LATEST_WINS;

        @AttributeDefinition(name = "Maximum entries", description = "The most live entries; 0 = unlimited.", min = "0")
        int maxEntries() default 0;

        @AttributeDefinition(name = "Time to live (ms)", description = "How long an entry lives after its last write, "
                + "in milliseconds; 0 = forever.", min = "0")
        long ttlMillis() default 0;
    }

    private final SharedMemory memory;
    private final NamespaceOwners owners;
    /** The configuration last handed to this component, re-applied when it takes a namespace over. */
    private volatile Map<String, Object> properties;

    @Activate
    public NamespaceDeclaration(@Reference SharedMemory memory, Map<String, Object> properties) {
        this(memory, properties, NamespaceOwners.SHARED);
    }

    NamespaceDeclaration(SharedMemory memory, Map<String, Object> properties, NamespaceOwners owners) {
        this.memory = memory;
        this.owners = owners;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate(Map<String, Object> properties) {
        LOG.log(Level.DEBUG, () -> "Configuration " + pid() + " gone or engine leaving; the namespace and its data "
                + "are kept");
        owners.release(pid()).ifPresent(NamespaceDeclaration::takeOver);
    }

    private String pid() {
        return String.valueOf(properties.get("service.pid"));
    }

    /** The owner of this declaration's namespace went: this one owns it now. */
    private void takeOver() {
        LOG.log(Level.WARNING, "sharedmemory: configuration " + pid() + " takes over its namespace, which the "
                + "configuration declaring it before is gone");
        apply(properties);
    }

    private void apply(Map<String, Object> properties) {
        // outside this declaration's lock: the other one takes its own
        applyLocked(properties).ifPresent(NamespaceDeclaration::takeOver);
    }

    /** @return the declaration that owns the namespace this one declared before and no longer does */
    private synchronized Optional<NamespaceDeclaration> applyLocked(Map<String, Object> properties) {
        this.properties = properties;
        String pid = pid();
        NamespaceDeclarations.Declared declared;
        try {
            declared = NamespaceDeclarations.parse(properties);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "sharedmemory: configuration " + pid + " not applied, nothing changed: "
                    + e.getMessage());
            return Optional.empty();
        }
        NamespaceOwners.Claim claim = owners.claim(declared.name(), pid, this);
        claim.displaced().ifPresent(d -> LOG.log(Level.ERROR, "sharedmemory: configuration " + d.pid()
                + " no longer applies: namespace " + declared.name() + " is also declared by " + pid
                + ", which sorts first and owns it; remove or rename one of them"));
        if (!claim.owner().equals(pid)) {
            LOG.log(Level.ERROR, "sharedmemory: configuration " + pid + " not applied, nothing changed: namespace "
                    + declared.name() + " is already declared by " + claim.owner() + ", which owns it (of two "
                    + "declarations of one namespace, the one whose PID sorts first); remove or rename one of them");
            return claim.handedOver();
        }
        try {
            memory.createNamespace(declared.name(), declared.config());
            // the operator's confirmation that conf/ took effect (creations are not in the access log)
            LOG.log(Level.INFO, "sharedmemory: namespace " + declared.name() + " declared by " + pid + ": "
                    + declared.config());
        } catch (SharedMemoryException | IllegalStateException e) {
            LOG.log(Level.ERROR, "sharedmemory: configuration " + pid + " not applied, nothing changed: "
                    + e.getMessage());
        }
        return claim.handedOver();
    }

}
