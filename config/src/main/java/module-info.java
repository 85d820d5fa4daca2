/**
 * Namespaces declared as Config Admin factory configurations. An OSGi-only bundle: it exports nothing; its component
 * is found by Declarative Services and described to tools by the Metatype it carries.
 */
module io.sharedmemory.config {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;
}
