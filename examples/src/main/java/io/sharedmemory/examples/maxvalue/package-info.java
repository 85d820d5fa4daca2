/**
 * The {@code max-value} example strategy. Not exported: a plugin is found as a service, never imported.
 */
package io.sharedmemory.examples.maxvalue;
