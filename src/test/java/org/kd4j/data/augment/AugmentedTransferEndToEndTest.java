package org.kd4j.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kd4j.cli.CliRunner;
import org.kd4j.data.glue.GlueTask;
import org.kd4j.data.glue.OnBadRow;
import org.kd4j.data.glue.TransferFile;
import org.kd4j.run.RunDirectory;
import org.kd4j.testing.SyntheticSst2;

/**
 * {@code augment} then {@code distill} with {@code data.transfer_file} pointing at its output. The file reads as a
 * transfer file, and the teacher labels it through the logit cache (one cache file per teacher and data set).
 */
class AugmentedTransferEndToEndTest {

    @TempDir Path root;

    @Test
    void anAugmentedFileIsATransferFileTheTeachersLabel() throws IOException {
        Path data = root.resolve("data");
        SyntheticSst2.write(data, "train", 120, 1);
        SyntheticSst2.write(data, "dev", 40, 2);
        Path transfer = root.resolve("transfer/sst2-aug.tsv");
        CliRunner augment = CliRunner.run("augment", "--task", "SST-2", "--data-dir", data.toString(), "--out",
                transfer.toString(), "--factor", "3", "--no-progress");
        assertEquals(0, augment.exitCode(), augment.err());
        int lines = Files.readAllLines(transfer).size();
        assertEquals(lines, TransferFile.read(transfer, GlueTask.SST2, OnBadRow.FAIL).size());

        Path yaml = root.resolve("tiny.yaml");
        Files.writeString(yaml, """
                task: SST-2
                data: {dir: %s, max_length: 24, batch_size: 16, transfer_file: %s}
                teachers:
                  - name: cnn
                    model: {type: cnn, hidden: 16, ffn: 16}
                    train: {epochs: 2, learning_rate: 0.01}
                student:
                  model: {type: cnn, hidden: 16, ffn: 16}
                  train: {epochs: 1, learning_rate: 0.01}
                distill: {temperature: 2, hard_weight: 0.5, soft_weight: 0.5}
                run: {dir: %s, cache_dir: %s}
                """.formatted(data, transfer, root.resolve("run"), root.resolve("cache")));
        CliRunner distill = CliRunner.run("distill", "--config", yaml.toString(), "--no-progress");
        assertEquals(0, distill.exitCode(), distill.err());
        assertTrue(distill.out().contains(String.format(java.util.Locale.ROOT,
                "(+ %,d unlabeled transfer examples for distilled students)", lines)), distill.out());
        JsonNode provenance = new ObjectMapper().readTree(root.resolve("run").resolve(RunDirectory.PROVENANCE).toFile());
        assertEquals(lines, provenance.get("transfer_file").get("examples").asInt());
        try (Stream<Path> cached = Files.walk(root.resolve("cache"))) {
            List<Path> logits = cached.filter(p -> p.toString().endsWith(".logits")).toList();
            assertEquals(3, logits.size(), "train, dev and transfer logits of the one teacher: " + logits);
        }
    }
}
