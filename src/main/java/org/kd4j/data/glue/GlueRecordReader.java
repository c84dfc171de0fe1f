package org.kd4j.data.glue;

import java.io.DataInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.datavec.api.conf.Configuration;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataLine;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.DoubleWritable;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NullWritable;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;

/**
 * A DataVec record reader for one split file of a GLUE (TSV) or SuperGLUE (JSONL) task in its official layout.
 *
 * <p>Each record is {@code [id, line, textA, textB, label, score]} (see the {@code *_INDEX} constants):
 * {@code textB} is a {@link NullWritable} for single-sentence tasks, {@code label} is -1 when the split has no
 * labels or the task is regression, {@code score} is NaN unless the task is STS-B.
 *
 * <p>Rows are checked strictly: column count, known label, non-empty texts, valid UTF-8. A bad row is an error
 * naming file, line and what was expected ({@link OnBadRow#FAIL}), or is skipped and counted
 * ({@link OnBadRow#SKIP}; see {@link #skipped()}). Rows are never dropped silently.
 */
public final class GlueRecordReader extends BaseRecordReader {

    public static final int ID_INDEX = 0;
    public static final int LINE_INDEX = 1;
    public static final int TEXT_A_INDEX = 2;
    public static final int TEXT_B_INDEX = 3;
    public static final int LABEL_INDEX = 4;
    public static final int SCORE_INDEX = 5;

    private static final Logger LOG = LogManager.getLogger(GlueRecordReader.class);
    private static final int MESSAGES_KEPT = 5;

    private final GlueTask task;
    private final SplitSpec split;
    private final OnBadRow onBadRow;
    private transient Path file;
    private transient StrictLineReader lines;
    private transient RowParser parser;
    private transient Example pending;
    private int skipped;
    private final List<String> skipMessages = new ArrayList<>();
    private Configuration conf;

    public GlueRecordReader(GlueTask task, SplitSpec split, OnBadRow onBadRow) {
        this.task = task;
        this.split = split;
        this.onBadRow = onBadRow;
    }

    /** Reads the single file of the split (the first location of {@code inputSplit}). */
    @Override
    public void initialize(InputSplit inputSplit) {
        URI[] locations = inputSplit.locations();
        if (locations == null || locations.length != 1) {
            throw new IllegalArgumentException("expected exactly one file for " + task + " " + split.name()
                    + ", got " + (locations == null ? 0 : locations.length));
        }
        this.inputSplit = inputSplit;
        open(Path.of(locations[0]));
    }

    @Override
    public void initialize(Configuration conf, InputSplit inputSplit) {
        setConf(conf);
        initialize(inputSplit);
    }

    private void open(Path path) {
        requireFile(path, task, split);
        close();
        file = path;
        lines = new StrictLineReader(path);
        parser = RowParser.create(task, split);
        skipped = 0;
        skipMessages.clear();
        pending = null;
        if (parser.expectsHeader()) {
            String header = lines.next();
            if (header == null) {
                throw new DataFormatException(path, 1, "empty file; expected a header line");
            }
            try {
                parser.readHeader(header);
            } catch (BadRowException | TsvRowParser.HeaderException e) {
                throw new DataFormatException(path, 1, e.getMessage());
            }
        }
    }

    /** Fails with a message naming the missing file and how to get it. */
    static void requireFile(Path path, GlueTask task, SplitSpec split) {
        if (!Files.isRegularFile(path)) {
            throw new DataFormatException(path, 0, "file not found (task " + task + ", split " + split.name()
                    + "); download the data with datasets/fetch-glue.sh, or point --data-dir at a folder holding "
                    + task.folder() + "/" + split.fileName());
        }
    }

    @Override
    public boolean hasNext() {
        if (pending == null && lines != null) {
            pending = advance();
        }
        return pending != null;
    }

    private Example advance() {
        String line;
        while ((line = lines.next()) != null) {
            try {
                return parser.parse(line, lines.lineNumber());
            } catch (BadRowException e) {
                if (onBadRow == OnBadRow.FAIL) {
                    throw new DataFormatException(file, lines.lineNumber(), e.getMessage()
                            + " (use --on-bad-row skip to skip such rows)");
                }
                skipped++;
                String message = file + ":" + lines.lineNumber() + ": " + e.getMessage();
                if (skipMessages.size() < MESSAGES_KEPT) {
                    skipMessages.add(message);
                }
                LOG.debug("skipped {}", message);
            }
        }
        return null;
    }

    /** The next example as a typed object (the same data as {@link #next()}). */
    public Example nextExample() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows in " + file);
        }
        Example e = pending;
        pending = null;
        invokeListeners(e);
        return e;
    }

    @Override
    public List<Writable> next() {
        return toWritables(nextExample());
    }

    static List<Writable> toWritables(Example e) {
        List<Writable> record = new ArrayList<>(6);
        record.add(new Text(e.id()));
        record.add(new IntWritable(e.line()));
        record.add(new Text(e.textA()));
        record.add(e.textB() == null ? NullWritable.INSTANCE : new Text(e.textB()));
        record.add(new IntWritable(e.label()));
        record.add(new DoubleWritable(e.score()));
        return record;
    }

    @Override
    public Record nextRecord() {
        Example e = nextExample();
        return new org.datavec.api.records.impl.Record(toWritables(e),
                new RecordMetaDataLine(e.line(), file.toUri(), GlueRecordReader.class));
    }

    /** Rows skipped so far under {@link OnBadRow#SKIP}. */
    public int skipped() {
        return skipped;
    }

    /** The first few skip messages (file:line: problem). */
    public List<String> skipMessages() {
        return Collections.unmodifiableList(skipMessages);
    }

    public Path file() {
        return file;
    }

    /** Label names in id order (empty for regression). */
    @Override
    public List<String> getLabels() {
        return task.labels();
    }

    @Override
    public void reset() {
        open(file);
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("GLUE rows depend on the file's header; read whole files");
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        return loadFromMetaData(List.of(recordMetaData)).get(0);
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
        List<Record> out = new ArrayList<>();
        for (RecordMetaData meta : recordMetaDatas) {
            int wanted = ((RecordMetaDataLine) meta).getLineNumber();
            GlueRecordReader reader = new GlueRecordReader(task, split, OnBadRow.SKIP);
            reader.open(Path.of(meta.getURI()));
            try {
                while (reader.hasNext()) {
                    Example e = reader.nextExample();
                    if (e.line() == wanted) {
                        out.add(new org.datavec.api.records.impl.Record(toWritables(e), meta));
                        break;
                    }
                }
            } finally {
                reader.close();
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
            lines = null;
        }
    }

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }
}
