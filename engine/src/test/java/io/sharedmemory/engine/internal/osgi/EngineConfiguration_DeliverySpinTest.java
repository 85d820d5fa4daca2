package io.sharedmemory.engine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** deliverySpinMicros: read as a whole number of microseconds, refused outside 0 to one second, naming itself. */
class EngineConfiguration_DeliverySpinTest {
    @Test
    void theSpinIsReadInMicroseconds_andRefusedOutOfRange() {
        assertEquals(Optional.of(Duration.ZERO),
                EngineConfiguration.options(Map.of("deliverySpinMicros", "0")).deliverySpin());
        assertEquals(Optional.of(Duration.ofMillis(1)),
                EngineConfiguration.options(Map.of("deliverySpinMicros", 1000L)).deliverySpin());
        assertEquals(Optional.empty(), EngineConfiguration.options(Map.of()).deliverySpin());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineConfiguration.options(Map.of("deliverySpinMicros", "-1")));
        assertTrue(e.getMessage().startsWith("deliverySpinMicros"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> EngineConfiguration.options(Map.of("deliverySpinMicros", "2000000")));
        assertThrows(IllegalArgumentException.class,
                () -> EngineConfiguration.options(Map.of("deliverySpinMicros", "fast")));
    }
}
