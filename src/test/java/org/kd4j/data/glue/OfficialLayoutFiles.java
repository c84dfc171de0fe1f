package org.kd4j.data.glue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small files in the official layouts of the tasks whose real files are not available here (MNLI, QQP,
 * QNLI train, BoolQ, WiC): the same headers, column orders, field names and label spellings as the releases.
 */
final class OfficialLayoutFiles {

    private OfficialLayoutFiles() {}

    static Path write(Path root, GlueTask task, String fileName, List<String> lines) throws IOException {
        Path file = root.resolve(task.folder()).resolve(fileName);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    static final String MNLI_TRAIN_HEADER = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\t"
            + "sentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label";
    static final String MNLI_DEV_HEADER = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\t"
            + "sentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\t"
            + "label3\tlabel4\tlabel5\tgold_label";
    static final String MNLI_TEST_HEADER = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\t"
            + "sentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2";

    static void mnli(Path root) throws IOException {
        write(root, GlueTask.MNLI, "train.tsv", List.of(MNLI_TRAIN_HEADER,
                "0\t31193\t31193n\tgovernment\t( ( Conceptually cream ) skimming )\t( ( ( Product and ) geography ) )\t"
                        + "(ROOT (S (NP (JJ Conceptually) (NN cream))))\t(ROOT (S (NP (NN Product))))\t"
                        + "Conceptually cream skimming has two basic dimensions - product and geography.\t"
                        + "Product and geography are what make cream skimming work. \tneutral\tneutral",
                "1\t101457\t101457e\ttelephone\t( you ( know ) )\t( ( You ( lose ( the things ) ) ) )\t(ROOT)\t(ROOT)\t"
                        + "you know during the season and i guess at at your level uh you lose them\t"
                        + "You lose the things to the following level if the people recall.\tentailment\tentailment",
                "2\t134793\t134793e\tfiction\t( ( One ( of ( our number ) ) ) )\t( ( A member ) )\t(ROOT)\t(ROOT)\t"
                        + "One of our number will carry out your instructions minutely.\t"
                        + "A member of my team will execute your orders with \"immense\" precision.\tentailment\tentailment",
                "3\t37397\t37397e\tfiction\t( ( How ( do you ) ) )\t( ( This information ) )\t(ROOT)\t(ROOT)\t"
                        + "How do you know? All this is their information again.\t"
                        + "This information belongs to them.\tcontradiction\tcontradiction"));
        String devRow = "0\t63735\t63735n\tslate\t( ( The ( new rights ) ) )\t( ( Everyone ) )\t(ROOT)\t(ROOT)\t"
                + "The new rights are nice enough\tEveryone really likes the newest benefits \tneutral\tentailment\t"
                + "neutral\tneutral\tneutral\tneutral";
        write(root, GlueTask.MNLI, "dev_matched.tsv", List.of(MNLI_DEV_HEADER, devRow,
                devRow.replace("\tneutral\tentailment\tneutral\tneutral\tneutral\tneutral",
                        "\tcontradiction\tcontradiction\tcontradiction\tcontradiction\tcontradiction\tcontradiction")));
        write(root, GlueTask.MNLI, "dev_mismatched.tsv", List.of(MNLI_DEV_HEADER,
                devRow.replace("slate", "letters")));
        write(root, GlueTask.MNLI, "test_matched.tsv", List.of(MNLI_TEST_HEADER,
                "0\t31493\t31493\ttravel\t( ( Hierbas ) )\t( ( Hierbas ) )\t(ROOT)\t(ROOT)\t"
                        + "Hierbas, ans seco, ans dulce, and frigola are just a few names worth keeping a look-out for.\t"
                        + "Hierbas is a name worth looking out for."));
    }

    static void qqp(Path root) throws IOException {
        String header = "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate";
        write(root, GlueTask.QQP, "train.tsv", List.of(header,
                "133273\t213221\t213222\tHow is the life of a math student? Could you describe your own experiences?\t"
                        + "Which level of prepration is enough for the exam jlpt5?\t0",
                "402555\t536040\t536041\tHow do I control my horny emotions?\tHow do you control your horniness?\t1",
                "360472\t364011\t490273\tWhat causes stool color to change to yellow?\t"
                        + "What can cause stool to come out as little balls?\t0"));
        write(root, GlueTask.QQP, "dev.tsv", List.of(header,
                "201359\t303345\t303346\tWhy are African-Americans so beautiful?\tWhy are hispanics so beautiful?\t0"));
        write(root, GlueTask.QQP, "test.tsv", List.of("id\tquestion1\tquestion2",
                "0\tWhy am I mentally very lonely? How can I solve it?\t"
                        + "Find the remainder when [math]23^{24}[/math] is divided by 24,23?"));
    }

    static void qnliTrain(Path root) throws IOException {
        write(root, GlueTask.QNLI, "train.tsv", List.of("index\tquestion\tsentence\tlabel",
                "0\tWhen did the third Digimon series begin?\tUnlike the two seasons before it and most of the seasons "
                        + "that followed, Digimon Tamers takes a darker and more realistic approach.\tnot_entailment",
                "1\tWhich missile batteries often have individual launchers several kilometres from one another?\t"
                        + "When MANPADS is operated by specialists, batteries may have several dozen teams deploying "
                        + "separately in small sections.\tnot_entailment",
                "2\tWhat two things does Popper argue Tarski's theory involves in an evaluation of truth?\t"
                        + "He bases this interpretation on the fact that examples such as the one described above "
                        + "refer to two things.\tentailment"));
    }

    static void boolq(Path root) throws IOException {
        write(root, GlueTask.BOOLQ, "train.jsonl", List.of(
                "{\"question\": \"do iran and afghanistan speak the same language\", \"passage\": \"Persian language "
                        + "-- Persian, also known by its endonym Farsi, is one of the Western Iranian languages.\", "
                        + "\"idx\": 0, \"label\": true}",
                "{\"question\": \"do good samaritan laws protect those who help at an accident\", \"passage\": "
                        + "\"Good Samaritan law -- Good Samaritan laws offer legal protection to people who give "
                        + "reasonable assistance.\", \"idx\": 1, \"label\": true}",
                "{\"question\": \"is windows movie maker part of windows essentials\", \"passage\": \"Windows Movie "
                        + "Maker -- Windows Movie Maker is a discontinued video editing software.\", \"idx\": 2, "
                        + "\"label\": false}"));
        write(root, GlueTask.BOOLQ, "test.jsonl", List.of(
                "{\"question\": \"is the sun a star\", \"passage\": \"Sun -- The Sun is the star at the centre.\", \"idx\": 0}"));
    }

    static void wic(Path root) throws IOException {
        write(root, GlueTask.WIC, "train.jsonl", List.of(
                "{\"word\": \"place\", \"sentence1\": \"Do you want to come over to my place later?\", "
                        + "\"sentence2\": \"A political system with no place for the less prominent groups.\", "
                        + "\"idx\": 0, \"label\": false, \"start1\": 31, \"start2\": 27, \"end1\": 36, \"end2\": 32, "
                        + "\"version\": 1.1}",
                "{\"word\": \"beat\", \"sentence1\": \"We beat the competition.\", \"sentence2\": "
                        + "\"Agassi beat Becker in the tennis championship.\", \"idx\": 1, \"label\": true, "
                        + "\"start1\": 3, \"start2\": 7, \"end1\": 7, \"end2\": 11, \"version\": 1.1}"));
    }
}
