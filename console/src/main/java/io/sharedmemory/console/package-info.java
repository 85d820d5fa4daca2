/**
 * The operator console as a plain Jakarta servlet: {@link io.sharedmemory.console.ConsoleServlet} serves the console's
 * files, which ship in this jar, under any mapping (the distribution's is {@code /console/*}); the page expects the
 * HTTP API at {@code ../v1} from that mapping, on the same origin.
 */
@Export
@Version("1.0.0")
package io.sharedmemory.console;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
