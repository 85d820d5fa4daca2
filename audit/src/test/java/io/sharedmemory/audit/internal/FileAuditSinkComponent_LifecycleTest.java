package io.sharedmemory.audit.internal;

import static io.sharedmemory.audit.internal.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.audit.JsonLinesAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The component as SCR drives it: activate, modify, deactivate, with the configuration mocked. */
class FileAuditSinkComponent_LifecycleTest {
    @TempDir
    Path dir;

    static Map<String, Object> config(Path path, boolean fsync) {
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", FileAuditSinkComponent.PID);
        config.put("path", path.toString());
        config.put("fsync", fsync);
        return config;
    }

    @Test
    void activate_recordsToTheConfiguredFile_deactivate_closesIt() {
        Path file = dir.resolve("audit/access.jsonl");
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(file, false));
        component.record(entry("a", 0));
        assertEquals(List.of(entry("a", 0)), JsonLinesAuditSink.readAll(file));
        component.deactivate();
        assertThrows(IllegalStateException.class, () -> component.record(entry("a", 1)));
        // closed means unlocked: another sink may open it now
        JsonLinesAuditSink.open(file).record(entry("b", 0));
    }

    @Test
    void modified_newPath_movesToTheNewFile() {
        Path first = dir.resolve("first.jsonl");
        Path second = dir.resolve("second.jsonl");
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(first, false));
        component.record(entry("a", 0));
        component.update(config(second, false));
        component.record(entry("a", 1));
        component.deactivate();
        assertEquals(List.of(entry("a", 0)), JsonLinesAuditSink.readAll(first));
        assertEquals(List.of(entry("a", 1)), JsonLinesAuditSink.readAll(second));
    }

    @Test
    void modified_fsyncOnTheSamePath_reopensAndKeepsAppending() {
        Path file = dir.resolve("same.jsonl");
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(file, false));
        component.record(entry("a", 0));
        component.update(config(file, true));
        component.record(entry("a", 1));
        component.update(config(file, true));
        component.record(entry("a", 2));
        component.deactivate();
        assertEquals(List.of(entry("a", 0), entry("a", 1), entry("a", 2)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void modified_unusablePath_isRefusedAndTheOldFileStaysInUse() throws Exception {
        Path file = dir.resolve("good.jsonl");
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(file, false));
        Path blocked = Files.writeString(dir.resolve("not-a-directory"), "x").resolve("audit.jsonl");
        component.update(config(blocked, false)); // logged, not thrown
        component.record(entry("a", 0));
        component.deactivate();
        assertEquals(List.of(entry("a", 0)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void activate_unusablePath_doesNotFailTheComponent_everyRecordFailsVisibly_untilItIsFixed() {
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(dir, false)); // a directory: logged, not thrown, so the engine still binds the sink
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> component.record(entry("a", 0)));
        assertTrue(e.getMessage().contains("no open file"), e.getMessage());
        Path file = dir.resolve("fixed.jsonl");
        component.update(config(file, false));
        component.record(entry("a", 1));
        component.deactivate();
        assertEquals(List.of(entry("a", 1)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void aNewFsyncSettingOnTheSameFile_keepsTheFileInUse_evenWhenItCouldNotBeOpenedAgain() throws Exception {
        Path file = dir.resolve("kept.jsonl");
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(file, false));
        component.record(entry("a", 0));
        // the path now names a directory: a reopen would fail and leave no file at all
        Files.delete(file);
        Files.createDirectory(file);
        component.update(config(file, true));
        component.record(entry("a", 1)); // written to the file in use, not refused
        component.deactivate();
    }

    @Test
    void aFileThatCannotBeOpened_isTriedAgainEverySecond_andUsedOnceTheCauseIsGone() throws Exception {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        FileAuditSinkComponent component = new FileAuditSinkComponent(nanos::get);
        Path blocker = Files.writeString(dir.resolve("not-yet-a-directory"), "x");
        Path file = blocker.resolve("access.jsonl");
        component.update(config(file, false)); // logged, not thrown
        assertThrows(IllegalStateException.class, () -> component.record(entry("a", 0)));
        Files.delete(blocker); // the cause goes away: the directory can be made now
        assertThrows(IllegalStateException.class, () -> component.record(entry("a", 1)), "not before a second");
        nanos.addAndGet(FileAuditSinkComponent.RETRY_NANOS);
        component.record(entry("a", 2));
        component.deactivate();
        assertEquals(List.of(entry("a", 2)), JsonLinesAuditSink.readAll(file));
    }

    @Test
    void aMisspeltProperty_isNotApplied_andTheFileInUseStays() {
        Path file = dir.resolve("first.jsonl");
        FileAuditSinkComponent component = new FileAuditSinkComponent();
        component.update(config(file, false));
        Map<String, Object> typo = config(dir.resolve("second.jsonl"), false);
        typo.remove("fsync");
        typo.put("fsnyc", "true");
        component.update(typo); // logged: unknown property "fsnyc"
        component.record(entry("a", 0));
        component.deactivate();
        assertEquals(List.of(entry("a", 0)), JsonLinesAuditSink.readAll(file));
    }
}
