package org.kd4j.data.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.datavec.api.records.Record;
import org.datavec.api.split.FileSplit;
import org.datavec.api.writable.NullWritable;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks whose real files are not available here, read from small files in their official layout. */
class GlueRecordReaderTest {

    @TempDir Path root;

    @Test
    void mnliAllSplitsWithThreeClassLabels() throws IOException {
        OfficialLayoutFiles.mnli(root);
        GlueDataset train = GlueDataset.load(root, GlueTask.MNLI, "train", OnBadRow.FAIL);
        assertEquals(4, train.size());
        assertEquals(List.of(1, 0, 0, 2), List.of(train.labels()[0], train.labels()[1], train.labels()[2], train.labels()[3]));
        Example first = train.examples().get(0);
        assertEquals("Conceptually cream skimming has two basic dimensions - product and geography.", first.textA());
        assertEquals("Product and geography are what make cream skimming work. ", first.textB());
        assertEquals("0", first.id());
        assertEquals(2, first.line());
        assertTrue(train.examples().get(2).textB().contains("\"immense\""), "quotes survive: no CSV quoting");

        GlueDataset dev = GlueDataset.load(root, GlueTask.MNLI, "dev", OnBadRow.FAIL);
        assertEquals("dev_matched", dev.split().name());
        assertEquals(1, dev.labels()[0], "gold_label (last column), not label1");
        assertEquals(2, dev.labels()[1]);
        assertEquals(1, GlueDataset.load(root, GlueTask.MNLI, "dev_mismatched", OnBadRow.FAIL).size());
        GlueDataset test = GlueDataset.load(root, GlueTask.MNLI, "test_matched", OnBadRow.FAIL);
        assertFalse(test.examples().get(0).hasLabel());
    }

    @Test
    void qqpPairsAndUnlabeledTest() throws IOException {
        OfficialLayoutFiles.qqp(root);
        GlueDataset train = GlueDataset.load(root, GlueTask.QQP, "train", OnBadRow.FAIL);
        assertEquals(3, train.size());
        assertEquals("133273", train.examples().get(0).id());
        assertEquals(1, train.labels()[1]);
        assertEquals(1, GlueDataset.load(root, GlueTask.QQP, "dev", OnBadRow.FAIL).size());
        Example t = GlueDataset.load(root, GlueTask.QQP, "test", OnBadRow.FAIL).examples().get(0);
        assertEquals(Example.NO_LABEL, t.label());
        assertTrue(t.textB().startsWith("Find the remainder"));
    }

    @Test
    void qnliTrain() throws IOException {
        OfficialLayoutFiles.qnliTrain(root);
        GlueDataset train = GlueDataset.load(root, GlueTask.QNLI, "train", OnBadRow.FAIL);
        assertEquals(3, train.size());
        assertEquals(1, train.labels()[0]);
        assertEquals(0, train.labels()[2]);
        assertTrue(train.examples().get(0).textA().startsWith("When did the third Digimon"));
    }

    @Test
    void boolqBooleanLabelsQuestionThenPassage() throws IOException {
        OfficialLayoutFiles.boolq(root);
        GlueDataset train = GlueDataset.load(root, GlueTask.BOOLQ, "train", OnBadRow.FAIL);
        assertEquals(3, train.size());
        assertEquals(1, train.labels()[0], "true -> id 1");
        assertEquals(0, train.labels()[2], "false -> id 0");
        assertEquals("do iran and afghanistan speak the same language", train.examples().get(0).textA());
        assertTrue(train.examples().get(0).textB().startsWith("Persian language"));
        assertFalse(GlueDataset.load(root, GlueTask.BOOLQ, "test", OnBadRow.FAIL).examples().get(0).hasLabel());
    }

    @Test
    void wicPrefixesTheTargetWord() throws IOException {
        OfficialLayoutFiles.wic(root);
        GlueDataset train = GlueDataset.load(root, GlueTask.WIC, "train", OnBadRow.FAIL);
        assertEquals("place: Do you want to come over to my place later?", train.examples().get(0).textA());
        assertEquals(0, train.labels()[0]);
        assertEquals(1, train.labels()[1]);
    }

    @Test
    void stsbScoresAndRange() throws IOException {
        String header = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore";
        OfficialLayoutFiles.write(root, GlueTask.STSB, "train.tsv", List.of(header,
                "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane is taking off.\tAn air plane is taking off.\t5.000",
                "1\tmain-captions\tMSRvid\t2012test\t0004\tnone\tnone\tA man is playing a flute.\tA man is playing a bamboo flute.\t3.800"));
        GlueDataset d = GlueDataset.load(root, GlueTask.STSB, "train", OnBadRow.FAIL);
        assertEquals(5.0, d.scores()[0]);
        assertEquals(3.8, d.scores()[1], 1e-12);
        assertEquals(Example.NO_LABEL, d.labels()[0]);

        OfficialLayoutFiles.write(root, GlueTask.STSB, "dev.tsv", List.of(header,
                "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane.\tA plane.\t5.5"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> GlueDataset.load(root, GlueTask.STSB, "dev", OnBadRow.FAIL));
        assertTrue(e.getMessage().contains("outside 0.0..5.0"), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void colaHeaderlessLabeledFilesAndHeaderedTest() throws IOException {
        OfficialLayoutFiles.write(root, GlueTask.COLA, "train.tsv", List.of(
                "gj04\t1\t\tOur friends won't buy this analysis, let alone the next one we propose.",
                "gj04\t0\t*\tThey drank the pub."));
        OfficialLayoutFiles.write(root, GlueTask.COLA, "test.tsv", List.of("index\tsentence", "0\tBill whistled past the house."));
        GlueDataset train = GlueDataset.load(root, GlueTask.COLA, "train", OnBadRow.FAIL);
        assertEquals(2, train.size());
        assertEquals(1, train.examples().get(0).line(), "no header: data starts on line 1");
        assertEquals(0, train.labels()[1]);
        assertEquals("They drank the pub.", train.examples().get(1).textA());
        assertEquals("Bill whistled past the house.", GlueDataset.load(root, GlueTask.COLA, "test", OnBadRow.FAIL)
                .examples().get(0).textA());
    }

    @Test
    void bomCrLfAndMissingFinalNewline() throws IOException {
        Path file = root.resolve("glue/MRPC/train.tsv");
        Files.createDirectories(file.getParent());
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        String text = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
                + "1\t702876\t702977\tAmrozi accused his brother.\tReferring to him, Amrozi accused his brother.";
        Files.write(file, concat(bom, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        GlueDataset d = GlueDataset.load(root, GlueTask.MRPC, "train", OnBadRow.FAIL);
        assertEquals(1, d.size());
        assertEquals("Referring to him, Amrozi accused his brother.", d.examples().get(0).textB());
    }

    @Test
    void datavecRecordsCarryTheFields() throws Exception {
        OfficialLayoutFiles.qqp(root);
        try (GlueRecordReader reader = new GlueRecordReader(GlueTask.QQP, GlueTask.QQP.split("train"), OnBadRow.FAIL)) {
            reader.initialize(new FileSplit(root.resolve("glue/QQP/train.tsv").toFile()));
            List<Writable> first = reader.next();
            assertEquals("133273", first.get(GlueRecordReader.ID_INDEX).toString());
            assertEquals(2, first.get(GlueRecordReader.LINE_INDEX).toInt());
            assertEquals(0, first.get(GlueRecordReader.LABEL_INDEX).toInt());
            Record second = reader.nextRecord();
            assertEquals(1, second.getRecord().get(GlueRecordReader.LABEL_INDEX).toInt());
            assertEquals(List.of("0", "1"), reader.getLabels());
            Record again = reader.loadFromMetaData(second.getMetaData());
            assertEquals(second.getRecord().get(GlueRecordReader.TEXT_A_INDEX), again.getRecord().get(GlueRecordReader.TEXT_A_INDEX));
            reader.next();
            assertFalse(reader.hasNext());
            reader.reset();
            assertTrue(reader.hasNext());
        }
        OfficialLayoutFiles.write(root, GlueTask.SST2, "dev.tsv", List.of("sentence\tlabel", "fine . \t1"));
        try (GlueRecordReader reader = new GlueRecordReader(GlueTask.SST2, GlueTask.SST2.split("dev"), OnBadRow.FAIL)) {
            reader.initialize(new FileSplit(root.resolve("glue/SST-2/dev.tsv").toFile()));
            assertTrue(reader.next().get(GlueRecordReader.TEXT_B_INDEX) instanceof NullWritable);
        }
    }

    @Test
    void splitAliases() {
        assertEquals("val", GlueTask.CB.split("dev").name());
        assertEquals("dev_matched", GlueTask.MNLI.split("dev").name());
        assertEquals("dev", GlueTask.SST2.devSplit().name());
        assertEquals(GlueTask.SUPERGLUE_RTE, GlueTask.parse("superglue-rte"));
        assertEquals(GlueTask.SST2, GlueTask.parse("sst2"));
        assertEquals("superglue/RTE", GlueTask.SUPERGLUE_RTE.folder());
        assertThrows(org.kd4j.KdException.class, () -> GlueTask.SST2.split("validation_matched"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void emptyFileHasNoHeader() throws IOException {
        OfficialLayoutFiles.write(root, GlueTask.RTE, "dev.tsv", List.of());
        Files.writeString(root.resolve("glue/RTE/dev.tsv"), "");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> GlueDataset.load(root, GlueTask.RTE, "dev", OnBadRow.FAIL));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    }
}
