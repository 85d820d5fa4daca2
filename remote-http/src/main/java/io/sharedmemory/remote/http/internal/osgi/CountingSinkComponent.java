package io.sharedmemory.remote.http.internal.osgi;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.OperationCounters;
import io.sharedmemory.spi.AuditSink;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@link OperationCounters} of {@code GET /v1/stats}: made and started with the memory, registered as an
 * {@code OperationCounters} service for the HTTP API, and as an {@link AuditSink} — so that the engine hands it every
 * operation — only while another audit sink is present.
 *
 * <p>Why only then: an engine configured with {@code requireAuditSink=true} refuses every operation while no audit sink
 * is present, so that nothing happens unrecorded. A sink that only counts records nothing; were it present alone, it
 * would let operations through that no log keeps. It leaves in the service event that removes the last recording sink
 * (the order in which the engine and this component hear of that event is the framework's).
 */
@Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.sharedmemory.remote.http.OperationCounters")
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.sharedmemory.spi.AuditSink")
@Component(immediate = true, service = {})
public final class CountingSinkComponent {
    /** The service property that marks this counting sink, which records nothing. */
    static final String COUNTING_PROPERTY = "sharedmemory.audit.counting";

    private final BundleContext context;
    private final OperationCounters counters = new OperationCounters();
    private final ServiceRegistration<OperationCounters> countersRegistration;

    // guarded by this
    private int recordingSinks;
    private ServiceRegistration<AuditSink> sinkRegistration;
    private boolean active = true;

    @Activate
    public CountingSinkComponent(@Reference SharedMemory memory, BundleContext context) {
        this.context = context;
        counters.start(memory);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_DESCRIPTION, "operation counters of the HTTP API");
        this.countersRegistration = context.registerService(OperationCounters.class, counters, props);
    }

    @Reference(service = AuditSink.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, target = "(!(" + COUNTING_PROPERTY + "=true))")
    synchronized void addRecordingSink(ServiceReference<AuditSink> sink) {
        recordingSinks++;
        updateSinkRegistration();
    }

    synchronized void removeRecordingSink(ServiceReference<AuditSink> sink) {
        recordingSinks--;
        updateSinkRegistration();
    }

    private void updateSinkRegistration() {
        boolean wanted = active && recordingSinks > 0;
        if (wanted && sinkRegistration == null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(COUNTING_PROPERTY, Boolean.TRUE);
            props.put(Constants.SERVICE_DESCRIPTION,
                    "counts reads, writes and refusals per namespace for GET /v1/stats (records nothing)");
            sinkRegistration = context.registerService(AuditSink.class, counters, props);
        } else if (!wanted && sinkRegistration != null) {
            unregister(sinkRegistration);
            sinkRegistration = null;
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            active = false;
            updateSinkRegistration();
        }
        unregister(countersRegistration);
        counters.close();
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping the bundle
        }
    }
}
