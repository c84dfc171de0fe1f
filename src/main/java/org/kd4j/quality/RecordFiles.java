package org.kd4j.quality;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.kd4j.KdException;
import org.kd4j.util.AtomicFiles;

/** The benchmark's small JSON records ({@link CellRecord}, {@link LedgerEntry}): snake_case keys, written atomically. */
final class RecordFiles {

    private static final Logger LOG = LogManager.getLogger(RecordFiles.class);
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RecordFiles() { }

    static void write(Path file, Object record) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new KdException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The record in {@code file}; empty when there is none, or when it cannot be read (logged with {@code otherwise}, what
     * that means for the cell).
     */
    static <T> Optional<T> read(Path file, Class<T> type, String otherwise) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), type));
        } catch (IOException e) {
            LOG.warn("{}: unreadable {} ({}); {}", file, type.getSimpleName(), e.getMessage(), otherwise);
            return Optional.empty();
        }
    }
}
